import {
  GetApprovalRuleTemplateCommand,
  GetRepositoryCommand,
  ListAssociatedApprovalRuleTemplatesForRepositoryCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-codecommit';
import { GetGroupCommand, GetGroupPolicyCommand, GetPolicyCommand, GetPolicyVersionCommand, ListAttachedGroupPoliciesCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { initRepo } from '../../src/commands/init-repo.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import {
  ACCOUNT,
  DEVELOPER_POLICY,
  DEVELOPERS,
  operationsOf,
  PROTECT_POLICY,
  PROTECT_POLICY_ARN,
  REPOSITORY,
  REPOSITORY_ARN,
  REPOSITORY_DESCRIPTION,
  stateClients,
  TEMPLATE,
} from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

/** IAM returns policy documents URL-encoded. */
const decode = (document: string | undefined) => JSON.parse(decodeURIComponent(document ?? '')) as Record<string, unknown>;

describe('init-repo against moto', () => {
  beforeEach(() => resetMoto(moto));

  it('creates the repository with its description and mtpipe tags', async () => {
    const run = await runInProcess('init-repo', [initRepo], moto);
    expect(run.error).toBeUndefined();

    const { repositoryMetadata } = await aws.codecommit.send(new GetRepositoryCommand({ repositoryName: REPOSITORY }));
    expect(repositoryMetadata).toMatchObject({ repositoryName: REPOSITORY, repositoryDescription: REPOSITORY_DESCRIPTION, Arn: REPOSITORY_ARN });
    const { tags } = await aws.codecommit.send(new ListTagsForResourceCommand({ resourceArn: REPOSITORY_ARN }));
    expect(tags).toEqual({ 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' });
    expect(run.stdout).toContain(`git clone https://git-codecommit.us-east-1.amazonaws.com/v1/repos/${REPOSITORY}`);
  });

  it('creates the approval rule template for main and associates it with the repository', async () => {
    const run = await runInProcess('init-repo', [initRepo], moto);
    expect(run.error).toBeUndefined();

    const { approvalRuleTemplate } = await aws.codecommit.send(new GetApprovalRuleTemplateCommand({ approvalRuleTemplateName: TEMPLATE }));
    expect(approvalRuleTemplate?.approvalRuleTemplateDescription).toBe('mtpipe (mt-pipeline): 1 approval(s) for pull requests into main');
    expect(JSON.parse(approvalRuleTemplate?.approvalRuleTemplateContent ?? '')).toEqual({
      Version: '2018-11-08',
      DestinationReferences: ['refs/heads/main'],
      Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1 }],
    });
    const associated = await aws.codecommit.send(new ListAssociatedApprovalRuleTemplatesForRepositoryCommand({ repositoryName: REPOSITORY }));
    expect(associated.approvalRuleTemplateNames).toEqual([TEMPLATE]);
  });

  it('writes the approvers and the number of approvals from the configuration into the rule', async () => {
    const approver = `arn:aws:iam::${ACCOUNT}:role/Reviewers`;
    const run = await runInProcess('init-repo', [initRepo], moto, {
      overrides: { 'repository.approvals': 2, 'repository.approvers': [approver] },
    });
    expect(run.error).toBeUndefined();
    const { approvalRuleTemplate } = await aws.codecommit.send(new GetApprovalRuleTemplateCommand({ approvalRuleTemplateName: TEMPLATE }));
    expect(JSON.parse(approvalRuleTemplate?.approvalRuleTemplateContent ?? '').Statements).toEqual([
      { Type: 'Approvers', NumberOfApprovalsNeeded: 2, ApprovalPoolMembers: [approver] },
    ]);
    const again = await runInProcess('init-repo', [initRepo], moto, {
      overrides: { 'repository.approvals': 2, 'repository.approvers': [approver] },
    });
    expect(again.writes).toEqual([]);
  });

  it('creates the customer-managed deny-direct-push policy under /mtpipe/', async () => {
    const run = await runInProcess('init-repo', [initRepo], moto);
    expect(run.error).toBeUndefined();

    const { Policy } = await aws.iam.send(new GetPolicyCommand({ PolicyArn: PROTECT_POLICY_ARN }));
    expect(Policy).toMatchObject({ PolicyName: PROTECT_POLICY, Path: '/mtpipe/', DefaultVersionId: 'v1' });
    expect(Policy?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'mtpipe:project', Value: 'mt-pipeline' },
        { Key: 'mtpipe:env', Value: 'shared' },
      ]),
    );
    const { PolicyVersion } = await aws.iam.send(new GetPolicyVersionCommand({ PolicyArn: PROTECT_POLICY_ARN, VersionId: 'v1' }));
    const document = decode(PolicyVersion?.Document) as { Version: string; Statement: Record<string, unknown>[] };
    expect(document.Version).toBe('2012-10-17');
    expect(document.Statement).toHaveLength(1);
    const [deny] = document.Statement as [{ Sid: string; Effect: string; Action: string[]; Resource: string; Condition: unknown }];
    expect(deny).toMatchObject({ Sid: 'DenyDirectChangesToProtectedBranch', Effect: 'Deny', Resource: REPOSITORY_ARN });
    // every way of changing the branch other than merging a pull request (AWS-FACTS: GitPush, PutFile, DeleteBranch, Merge*)
    expect(deny.Action).toEqual(
      expect.arrayContaining([
        'codecommit:GitPush',
        'codecommit:DeleteBranch',
        'codecommit:PutFile',
        'codecommit:CreateCommit',
        'codecommit:DeleteFile',
        'codecommit:MergeBranchesByFastForward',
        'codecommit:MergeBranchesBySquash',
        'codecommit:MergeBranchesByThreeWay',
      ]),
    );
    // ... but not the pull-request merges the approval rule gates
    expect(deny.Action.filter((action) => /PullRequest|^codecommit:Merge\*$/.test(action))).toEqual([]);
    expect(deny.Condition).toEqual({
      StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main'] },
      Null: { 'codecommit:References': 'false' },
    });
  });

  it('creates the developers group with its inline policy and the deny policy attached', async () => {
    const run = await runInProcess('init-repo', [initRepo], moto);
    expect(run.error).toBeUndefined();

    const { Group } = await aws.iam.send(new GetGroupCommand({ GroupName: DEVELOPERS }));
    expect(Group).toMatchObject({ GroupName: DEVELOPERS, Path: '/mtpipe/', Arn: `arn:aws:iam::${ACCOUNT}:group/mtpipe/${DEVELOPERS}` });

    const inline = await aws.iam.send(new GetGroupPolicyCommand({ GroupName: DEVELOPERS, PolicyName: DEVELOPER_POLICY }));
    const document = decode(inline.PolicyDocument) as { Version: string; Statement: { Sid: string; Effect: string; Action: string[]; Resource: string }[] };
    expect(document.Version).toBe('2012-10-17');
    const [git, credentials] = document.Statement;
    expect(git).toMatchObject({ Sid: 'GitAndPullRequestsOnThisRepository', Effect: 'Allow', Resource: REPOSITORY_ARN });
    expect(git?.Action).toEqual(
      expect.arrayContaining(['codecommit:GitPull', 'codecommit:GitPush', 'codecommit:CreatePullRequest', 'codecommit:MergePullRequestBySquash']),
    );
    // developers merge through pull requests; the branch-merge actions stay with the deny policy alone
    expect(git?.Action.filter((action) => action.startsWith('codecommit:MergeBranches'))).toEqual([]);
    expect(credentials).toMatchObject({ Sid: 'OwnGitCredentials', Effect: 'Allow', Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` });
    expect(credentials?.Action).toContain('iam:CreateServiceSpecificCredential');

    const { AttachedPolicies } = await aws.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: DEVELOPERS }));
    expect(AttachedPolicies).toEqual([{ PolicyName: PROTECT_POLICY, PolicyArn: PROTECT_POLICY_ARN }]);
  });

  it('makes exactly the seven create calls on the first run and no write call on the second', async () => {
    const first = await runInProcess('init-repo', [initRepo], moto);
    expect(first.error).toBeUndefined();
    expect(operationsOf(first.writes).sort()).toEqual([
      'CodeCommit.AssociateApprovalRuleTemplateWithRepository',
      'CodeCommit.CreateApprovalRuleTemplate',
      'CodeCommit.CreateRepository',
      'IAM.AttachGroupPolicy',
      'IAM.CreateGroup',
      'IAM.CreatePolicy',
      'IAM.PutGroupPolicy',
    ]);

    const second = await runInProcess('init-repo', [initRepo], moto);
    expect(second.error).toBeUndefined();
    expect(second.writes).toEqual([]);
    expect(second.stdout).toMatch(/^No changes — 7 resources up to date\.$/m);
    expect(second.stdout).not.toContain('Plan:');
  });
});
