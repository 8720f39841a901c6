import { approvalRuleContent, approvalRuleTemplate, approvalTemplateAssociation } from '../aws/codecommit-approval-template.js';
import { cloneUrls, codecommitRepository, repositoryArn } from '../aws/codecommit-repository.js';
import { groupInlinePolicy, groupPolicyAttachment, iamGroup } from '../aws/iam-group.js';
import { managedPolicy, policyArn, type PolicyDocument } from '../aws/iam-policy.js';
import { repositoryResourceNames } from '../config/repository.js';
import { IAM_PATH } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Desired, Target } from '../engine/types.js';
import { accountGlobalTags, resourceId, standardTags, type Step } from './step.js';

export function repositoryNames(config: Config) {
  return repositoryResourceNames(config.project, config.repository.branch);
}

/**
 * Blocks direct pushes, API commits, branch merges and deletion of the protected branch for everyone
 * it is attached to; changes then reach it only by merging a pull request (gated by the approval
 * template). After the CodeCommit user guide, customer-managed policy example 4, which denies
 * `codecommit:Merge*`: that would also deny pull-request merges, so only MergeBranches* is denied here.
 */
export function protectBranchPolicy(repoArn: string, branch: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyDirectChangesToProtectedBranch',
        Effect: 'Deny',
        Action: [
          'codecommit:GitPush',
          'codecommit:DeleteBranch',
          'codecommit:PutFile',
          'codecommit:CreateCommit',
          'codecommit:DeleteFile',
          'codecommit:MergeBranchesByFastForward',
          'codecommit:MergeBranchesBySquash',
          'codecommit:MergeBranchesByThreeWay',
        ],
        Resource: repoArn,
        Condition: {
          StringEqualsIfExists: { 'codecommit:References': [`refs/heads/${branch}`] },
          // GitPush requests without a reference (e.g. the initial handshake) must not be denied.
          Null: { 'codecommit:References': 'false' },
        },
      },
    ],
  };
}

/** What a developer needs on this one repository: Git over HTTPS/SSH and pull requests, plus their own Git credentials. */
export function developerAccessPolicy(target: Target, repoArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitAndPullRequestsOnThisRepository',
        Effect: 'Allow',
        Action: [
          'codecommit:GitPull',
          'codecommit:GitPush',
          'codecommit:GetRepository',
          'codecommit:GetBranch',
          'codecommit:ListBranches',
          'codecommit:CreateBranch',
          'codecommit:GetCommit',
          'codecommit:GetDifferences',
          'codecommit:CreatePullRequest',
          'codecommit:GetPullRequest',
          'codecommit:ListPullRequests',
          'codecommit:UpdatePullRequestDescription',
          'codecommit:UpdatePullRequestTitle',
          'codecommit:UpdatePullRequestStatus',
          'codecommit:UpdatePullRequestApprovalState',
          'codecommit:EvaluatePullRequestApprovalRules',
          'codecommit:GetPullRequestApprovalStates',
          'codecommit:DescribePullRequestEvents',
          'codecommit:PostCommentForPullRequest',
          'codecommit:GetCommentsForPullRequest',
          'codecommit:MergePullRequestByFastForward',
          'codecommit:MergePullRequestBySquash',
          'codecommit:MergePullRequestByThreeWay',
        ],
        Resource: repoArn,
      },
      {
        Sid: 'OwnGitCredentials',
        Effect: 'Allow',
        Action: [
          'iam:CreateServiceSpecificCredential',
          'iam:ListServiceSpecificCredentials',
          'iam:UpdateServiceSpecificCredential',
          'iam:ResetServiceSpecificCredential',
          'iam:DeleteServiceSpecificCredential',
          'iam:GetSSHPublicKey',
          'iam:ListSSHPublicKeys',
          'iam:UploadSSHPublicKey',
          'iam:UpdateSSHPublicKey',
          'iam:DeleteSSHPublicKey',
        ],
        Resource: `arn:${target.partition}:iam::${target.account}:user/\${aws:username}`,
      },
    ],
  };
}

export const initRepo: Step<Record<string, never>> = {
  name: 'init-repo',
  services: () => ['codecommit', 'iam'],

  async resolve({ draft }) {
    await draft.ask({ key: 'repository.name', message: 'CodeCommit repository name', flag: '--repository-name' });
    await draft.ask({
      key: 'repository.approvals',
      message: `Approvals needed to merge a pull request into ${draft.config.repository.branch}`,
      flag: '--approvals',
      parse: Number,
    });
    return {};
  },

  desired(_inputs, config, { shared }) {
    const { repository, project } = config;
    const names = repositoryNames(config);
    const tags = standardTags(project, shared.name);
    const repoArn = repositoryArn(shared, repository.name);
    const id = (kind: { kind: string }, name: string) => resourceId(shared.name, kind.kind, name);
    const protect = { name: names.protectPolicy, path: IAM_PATH };
    const items: Desired[] = [
      { id: id(codecommitRepository, repository.name), kind: codecommitRepository, target: shared, spec: { name: repository.name, description: repository.description, tags } },
      {
        id: id(approvalRuleTemplate, names.template),
        kind: approvalRuleTemplate,
        target: shared,
        spec: {
          name: names.template,
          description: `mtpipe (${project}): ${repository.approvals} approval(s) for pull requests into ${repository.branch}`,
          content: approvalRuleContent(repository.branch, repository.approvals, repository.approvers),
        },
      },
      {
        id: id(approvalTemplateAssociation, names.template),
        kind: approvalTemplateAssociation,
        target: shared,
        spec: { templateName: names.template, repositoryName: repository.name },
        dependsOn: [id(codecommitRepository, repository.name), id(approvalRuleTemplate, names.template)],
      },
      {
        id: id(managedPolicy, names.protectPolicy),
        kind: managedPolicy,
        target: shared,
        spec: {
          ...protect,
          description: `mtpipe (${project}): no direct pushes, merges or deletion of ${repository.branch} in ${repository.name}`,
          document: protectBranchPolicy(repoArn, repository.branch),
          tags: accountGlobalTags(project, shared.name, config.region),
        },
      },
      { id: id(iamGroup, names.developers), kind: iamGroup, target: shared, spec: { name: names.developers, path: IAM_PATH } },
      {
        id: id(groupInlinePolicy, names.developerPolicy),
        kind: groupInlinePolicy,
        target: shared,
        spec: { groupName: names.developers, policyName: names.developerPolicy, document: developerAccessPolicy(shared, repoArn) },
        dependsOn: [id(iamGroup, names.developers)],
      },
      {
        id: id(groupPolicyAttachment, names.protectPolicy),
        kind: groupPolicyAttachment,
        target: shared,
        spec: { groupName: names.developers, policyArn: policyArn(shared, protect) },
        dependsOn: [id(iamGroup, names.developers), id(managedPolicy, names.protectPolicy)],
      },
    ];
    return items;
  },

  outputs(_inputs, config, { shared }) {
    const urls = cloneUrls(shared.region, config.repository.name);
    const { developers } = repositoryNames(config);
    return {
      data: { repository: config.repository.name, cloneUrls: urls, developersGroup: developers },
      notes: [
        `Repository ${config.repository.name}: pull requests into ${config.repository.branch} need ${config.repository.approvals} approval(s); direct pushes to it are denied for group ${developers}.`,
        `  clone (HTTPS):     git clone ${urls.https}`,
        `  clone (SSH):       git clone ${urls.ssh}`,
        `  clone (IAM/SSO):   git clone ${urls.grc}   (needs: pip install git-remote-codecommit)`,
        'Give a developer access:',
        `  aws iam add-user-to-group --group-name ${developers} --user-name <user>`,
        '  aws iam create-service-specific-credential --user-name <user> --service-name codecommit.amazonaws.com',
        '  (IAM Identity Center users: grant the same two policies through a permission set; groups hold IAM users only.)',
      ],
    };
  },
};
