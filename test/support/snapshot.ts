/**
 * Everything bootstrap makes in moto, read with plain SDK clients (not through mtpipe) into one plain
 * object without timestamps and generated ids: two runs that end in the same state give equal snapshots.
 * Counts that a duplicate write would change are kept (SSM parameter versions, IAM policy versions).
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand as ListLogTags } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetProjectsCommand, CodeBuildClient, ListProjectsCommand } from '@aws-sdk/client-codebuild';
import { CodeCommitClient, GetApprovalRuleTemplateCommand, GetRepositoryCommand, ListAssociatedApprovalRuleTemplatesForRepositoryCommand, ListTagsForResourceCommand as ListRepoTags } from '@aws-sdk/client-codecommit';
import { CodeDeployClient, GetDeploymentGroupCommand, ListApplicationsCommand, ListDeploymentGroupsCommand } from '@aws-sdk/client-codedeploy';
import {
  GetGroupPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
} from '@aws-sdk/client-iam';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersByPathCommand, ListTagsForResourceCommand, SSMClient } from '@aws-sdk/client-ssm';

const VOLATILE = /^(\$metadata|CreateDate|UpdateDate|LastModifiedDate|LastUsedDate|RoleId|GroupId|PolicyId|created|lastModified|createTime|creationDate|lastModifiedDate|repositoryId|applicationId|deploymentGroupId|CreationDate|creationTime|ARN|VersionIdsToStages|LastChangedDate|LastAccessedDate|RoleLastUsed)$/;

/** A copy without volatile fields, with object keys sorted. */
function stable(value: unknown): unknown {
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return value.map(stable);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !VOLATILE.test(key))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, item]) => [key, stable(item)]),
  );
}

async function orAbsent<T>(read: Promise<T>): Promise<T | string> {
  try {
    return await read;
  } catch (error) {
    return `absent: ${(error as Error).name}`;
  }
}

/** The whole state of what bootstrap provisions, in us-east-1 of moto's account. */
export async function snapshot(endpoint: string, repositoryNames = ['machine-translation']): Promise<Record<string, unknown>> {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
  const iam = new IAMClient(config);
  const ssm = new SSMClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const logs = new CloudWatchLogsClient(config);
  const codebuild = new CodeBuildClient(config);
  const codecommit = new CodeCommitClient(config);
  const codedeploy = new CodeDeployClient(config);
  const secrets = new SecretsManagerClient(config);
  try {
    const state: Record<string, unknown> = {};

    const { Roles = [] } = await iam.send(new ListRolesCommand({ MaxItems: 1000 }));
    for (const role of Roles) {
      const name = role.RoleName!;
      const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: name }));
      const inline = await Promise.all(PolicyNames.map(async (policy) => [policy, (await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policy }))).PolicyDocument]));
      const { AttachedPolicies = [] } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
      const { Tags = [] } = await iam.send(new ListRoleTagsCommand({ RoleName: name }));
      state[`iam:role ${name}`] = { role, inline: Object.fromEntries(inline), attached: AttachedPolicies.map((p) => p.PolicyArn).sort(), tags: Tags };
    }
    const { Groups = [] } = await iam.send(new ListGroupsCommand({}));
    for (const group of Groups) {
      const name = group.GroupName!;
      const { PolicyNames = [] } = await iam.send(new ListGroupPoliciesCommand({ GroupName: name }));
      const inline = await Promise.all(PolicyNames.map(async (policy) => [policy, (await iam.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName: policy }))).PolicyDocument]));
      const { AttachedPolicies = [] } = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name }));
      state[`iam:group ${name}`] = { group, inline: Object.fromEntries(inline), attached: AttachedPolicies.map((p) => p.PolicyArn).sort() };
    }
    const { Policies = [] } = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    for (const policy of Policies) {
      const { Versions = [] } = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policy.Arn }));
      const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: policy.DefaultVersionId }));
      // AttachmentCount: moto counts a repeated attach of an attached policy again, AWS does not
      const { AttachmentCount: _count, ...rest } = policy;
      state[`iam:policy ${policy.PolicyName}`] = { policy: rest, versions: Versions.length, document: PolicyVersion?.Document };
    }

    let NextToken: string | undefined;
    do {
      const page = await ssm.send(new GetParametersByPathCommand({ Path: '/', Recursive: true, WithDecryption: true, MaxResults: 10, NextToken }));
      for (const parameter of page.Parameters ?? []) {
        const { TagList } = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: parameter.Name }));
        state[`ssm:parameter ${parameter.Name}`] = { parameter, tags: TagList };
      }
      NextToken = page.NextToken;
    } while (NextToken);

    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
    for (const { Name: Bucket } of Buckets) {
      state[`s3:bucket ${Bucket}`] = await Promise.all([
        orAbsent(s3.send(new GetBucketTaggingCommand({ Bucket }))),
        orAbsent(s3.send(new GetPublicAccessBlockCommand({ Bucket }))),
        orAbsent(s3.send(new GetBucketEncryptionCommand({ Bucket }))),
        orAbsent(s3.send(new GetBucketVersioningCommand({ Bucket }))),
        orAbsent(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))),
        orAbsent(s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))),
        orAbsent(s3.send(new GetBucketPolicyCommand({ Bucket }))),
      ]);
    }

    const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({}));
    for (const group of logGroups) {
      const { tags } = await logs.send(new ListLogTags({ resourceArn: group.logGroupArn ?? group.arn!.replace(/:\*$/, '') }));
      state[`logs:log-group ${group.logGroupName}`] = { group, tags };
    }

    const { projects: names = [] } = await codebuild.send(new ListProjectsCommand({}));
    if (names.length > 0) {
      const { projects = [] } = await codebuild.send(new BatchGetProjectsCommand({ names }));
      for (const project of projects) state[`codebuild:project ${project.name}`] = project;
    }

    // moto 5.2 has no ListRepositories
    for (const repositoryName of repositoryNames) {
      const { repositoryMetadata } = await codecommit.send(new GetRepositoryCommand({ repositoryName }));
      const { tags } = await codecommit.send(new ListRepoTags({ resourceArn: repositoryMetadata!.Arn }));
      const { approvalRuleTemplateNames = [] } = await codecommit.send(new ListAssociatedApprovalRuleTemplatesForRepositoryCommand({ repositoryName }));
      const templates = await Promise.all(
        approvalRuleTemplateNames.map(async (name) => (await codecommit.send(new GetApprovalRuleTemplateCommand({ approvalRuleTemplateName: name }))).approvalRuleTemplate),
      );
      const { cloneUrlHttp: _h, cloneUrlSsh: _s, ...metadata } = repositoryMetadata!;
      // the template's id, dates and author are volatile; its name, description and content are not
      state[`codecommit:repository ${repositoryName}`] = {
        metadata,
        tags,
        templates: templates.map((t) => ({ name: t?.approvalRuleTemplateName, description: t?.approvalRuleTemplateDescription, content: t?.approvalRuleTemplateContent })),
      };
    }

    const { applications = [] } = await codedeploy.send(new ListApplicationsCommand({}));
    for (const applicationName of applications) {
      const { deploymentGroups = [] } = await codedeploy.send(new ListDeploymentGroupsCommand({ applicationName }));
      const groups = await Promise.all(
        [...deploymentGroups].sort().map(async (deploymentGroupName) => (await codedeploy.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName }))).deploymentGroupInfo),
      );
      state[`codedeploy:application ${applicationName}`] = { groups };
    }

    const { SecretList = [] } = await secrets.send(new ListSecretsCommand({}));
    for (const secret of SecretList) state[`secretsmanager:secret ${secret.Name}`] = secret;

    return stable(state) as Record<string, unknown>;
  } finally {
    for (const client of [iam, ssm, s3, logs, codebuild, codecommit, codedeploy, secrets]) client.destroy();
  }
}
