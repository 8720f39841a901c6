/** Each kind's delete: the exact requests in their order, and "already gone" counted as done. */
import { CloudWatchLogsClient, DeleteLogGroupCommand, ResourceNotFoundException as LogsNotFound } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import {
  ApprovalRuleTemplateDoesNotExistException,
  CodeCommitClient,
  DeleteApprovalRuleTemplateCommand,
  DisassociateApprovalRuleTemplateFromRepositoryCommand,
  ListAssociatedApprovalRuleTemplatesForRepositoryCommand,
  ListRepositoriesForApprovalRuleTemplateCommand,
  RepositoryDoesNotExistException,
} from '@aws-sdk/client-codecommit';
import { ApplicationDoesNotExistException, CodeDeployClient, DeleteApplicationCommand } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DeleteRepositoryCommand as DeleteEcrRepositoryCommand, ECRClient, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { EventBridgeClient, RemoveTargetsCommand, ResourceNotFoundException as EventsNotFound } from '@aws-sdk/client-eventbridge';
import {
  DeleteRoleCommand,
  GetGroupCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { DeleteAliasCommand, KMSClient, KMSInvalidStateException, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, NoSuchBucket, S3Client } from '@aws-sdk/client-s3';
import { DeleteSecretCommand, ResourceNotFoundException as SecretNotFound, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
// the tag index answers nothing: each kind reads its own tags
import '../aws/tagging-mock.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { codebuildProject, type Project, type ProjectSpec } from '../../../src/aws/codebuild-project.js';
import { approvalRuleTemplate, approvalTemplateAssociation, type ApprovalTemplateSpec } from '../../../src/aws/codecommit-approval-template.js';
import { codecommitRepository, type Repository, type RepositorySpec } from '../../../src/aws/codecommit-repository.js';
import { codedeployApplication, type ApplicationSpec, type Application } from '../../../src/aws/codedeploy-application.js';
import { codedeployDeploymentGroup, type DeploymentGroup, type DeploymentGroupSpec } from '../../../src/aws/codedeploy-deployment-group.js';
import { codepipelinePipeline, type Pipeline, type PipelineSpec } from '../../../src/aws/codepipeline-pipeline.js';
import { ecrRepository, type EcrRepository, type EcrRepositorySpec } from '../../../src/aws/ecr-repository.js';
import { eventsRule, type Rule, type RuleSpec } from '../../../src/aws/events-rule.js';
import { groupInlinePolicy, groupPolicyAttachment, iamGroup } from '../../../src/aws/iam-group.js';
import { managedPolicy, type ManagedPolicy, type ManagedPolicySpec } from '../../../src/aws/iam-policy.js';
import { iamRole, roleInlinePolicy, rolePolicyAttachment, type Role, type RoleSpec } from '../../../src/aws/iam-role.js';
import { kmsKey, type Key, type KeySpec } from '../../../src/aws/kms-key.js';
import { logGroup, type LogGroup, type LogGroupSpec } from '../../../src/aws/log-group.js';
import { s3Bucket, type Bucket, type BucketSpec } from '../../../src/aws/s3-bucket.js';
import { secretsManagerSecret, type SecretSpec, type StoredSecret } from '../../../src/aws/secretsmanager-secret.js';
import { snsTopic, type Topic, type TopicSpec } from '../../../src/aws/sns-topic.js';
import { ssmParameterBatch } from '../../../src/aws/ssm-parameter.js';
import { testTarget } from '../../support/target.js';

const target = testTarget();
const mocks = {
  logs: mockClient(CloudWatchLogsClient),
  codebuild: mockClient(CodeBuildClient),
  codecommit: mockClient(CodeCommitClient),
  codedeploy: mockClient(CodeDeployClient),
  codepipeline: mockClient(CodePipelineClient),
  ecr: mockClient(ECRClient),
  events: mockClient(EventBridgeClient),
  iam: mockClient(IAMClient),
  kms: mockClient(KMSClient),
  s3: mockClient(S3Client),
  secrets: mockClient(SecretsManagerClient),
  sns: mockClient(SNSClient),
  ssm: mockClient(SSMClient),
};
beforeEach(() => Object.values(mocks).forEach((mock) => mock.reset()));

/** [command name, input] of every call one mock received, in order. */
function sent(mock: { calls(): { args: unknown[] }[] }): [string, unknown][] {
  return mock.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name.replace(/Command$/, ''), command.input];
  });
}
const meta = { $metadata: {} };
// the modules read only what they need of `current` and `spec` here
const as = <T>(value: unknown) => value as T;

describe('IAM', () => {
  it('a role: managed policies detached, inline policies deleted, instance profiles left, then DeleteRole', async () => {
    mocks.iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/P' }] });
    mocks.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['mtpipe-least-privilege', 'theirs'] });
    mocks.iam.on(ListInstanceProfilesForRoleCommand).resolves({ InstanceProfiles: [as({ InstanceProfileName: 'ip' })] });
    await iamRole.delete!(target, as<Role>({}), as<RoleSpec>({ name: 'mt-build' }));
    expect(sent(mocks.iam)).toEqual([
      ['ListAttachedRolePolicies', { RoleName: 'mt-build', Marker: undefined }],
      ['DetachRolePolicy', { RoleName: 'mt-build', PolicyArn: 'arn:aws:iam::aws:policy/P' }],
      ['ListRolePolicies', { RoleName: 'mt-build', Marker: undefined }],
      ['DeleteRolePolicy', { RoleName: 'mt-build', PolicyName: 'mtpipe-least-privilege' }],
      ['DeleteRolePolicy', { RoleName: 'mt-build', PolicyName: 'theirs' }],
      ['ListInstanceProfilesForRole', { RoleName: 'mt-build', Marker: undefined }],
      ['RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'mt-build' }],
      ['DeleteRole', { RoleName: 'mt-build' }],
    ]);
  });

  it('a role that is gone already (NoSuchEntity on the first list) is done, without DeleteRole', async () => {
    mocks.iam.on(ListAttachedRolePoliciesCommand).rejects(new NoSuchEntityException({ message: 'no role', ...meta }));
    await expect(iamRole.delete!(target, as<Role>({}), as<RoleSpec>({ name: 'mt-build' }))).resolves.toBeUndefined();
    expect(sent(mocks.iam).map(([name]) => name)).toEqual(['ListAttachedRolePolicies']);
  });

  it('DeleteRole answered NoSuchEntity (a lost response, retried) is done; other errors propagate', async () => {
    mocks.iam.on(ListAttachedRolePoliciesCommand).resolves({}).on(ListRolePoliciesCommand).resolves({}).on(ListInstanceProfilesForRoleCommand).resolves({});
    mocks.iam.on(DeleteRoleCommand).rejects(new NoSuchEntityException({ message: 'gone', ...meta }));
    await expect(iamRole.delete!(target, as<Role>({}), as<RoleSpec>({ name: 'r' }))).resolves.toBeUndefined();
    mocks.iam.on(DeleteRoleCommand).rejects(new Error('AccessDenied'));
    await expect(iamRole.delete!(target, as<Role>({}), as<RoleSpec>({ name: 'r' }))).rejects.toThrow('AccessDenied');
  });

  it('an inline policy and an attachment of a role, and of a group', async () => {
    await roleInlinePolicy.delete!(target, as({}), as({ roleName: 'r', policyName: 'p' }));
    await rolePolicyAttachment.delete!(target, true, { roleName: 'r', policyArn: 'arn:p' });
    await groupInlinePolicy.delete!(target, as({}), as({ groupName: 'g', policyName: 'p' }));
    await groupPolicyAttachment.delete!(target, true, { groupName: 'g', policyArn: 'arn:p' });
    expect(sent(mocks.iam)).toEqual([
      ['DeleteRolePolicy', { RoleName: 'r', PolicyName: 'p' }],
      ['DetachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:p' }],
      ['DeleteGroupPolicy', { GroupName: 'g', PolicyName: 'p' }],
      ['DetachGroupPolicy', { GroupName: 'g', PolicyArn: 'arn:p' }],
    ]);
  });

  it('a group: members removed, inline policies deleted, managed policies detached, then DeleteGroup', async () => {
    mocks.iam.on(GetGroupCommand).resolves({ Users: [as({ UserName: 'alice' })], Group: as({}) });
    mocks.iam.on(ListGroupPoliciesCommand).resolves({ PolicyNames: ['access'] });
    mocks.iam.on(ListAttachedGroupPoliciesCommand).resolves({ AttachedPolicies: [{ PolicyArn: 'arn:protect' }] });
    await iamGroup.delete!(target, { path: '/' }, { name: 'mt-developers', path: '/' });
    expect(sent(mocks.iam)).toEqual([
      ['GetGroup', { GroupName: 'mt-developers', Marker: undefined }],
      ['RemoveUserFromGroup', { GroupName: 'mt-developers', UserName: 'alice' }],
      ['ListGroupPolicies', { GroupName: 'mt-developers', Marker: undefined }],
      ['DeleteGroupPolicy', { GroupName: 'mt-developers', PolicyName: 'access' }],
      ['ListAttachedGroupPolicies', { GroupName: 'mt-developers', Marker: undefined }],
      ['DetachGroupPolicy', { GroupName: 'mt-developers', PolicyArn: 'arn:protect' }],
      ['DeleteGroup', { GroupName: 'mt-developers' }],
    ]);
  });

  it('a managed policy: detached everywhere, its other versions deleted, then DeletePolicy', async () => {
    mocks.iam.on(ListEntitiesForPolicyCommand).resolves({ PolicyGroups: [{ GroupName: 'g' }], PolicyRoles: [{ RoleName: 'r' }], PolicyUsers: [] });
    mocks.iam.on(ListPolicyVersionsCommand).resolves({ Versions: [{ VersionId: 'v2', IsDefaultVersion: true }, { VersionId: 'v1', IsDefaultVersion: false }] });
    await managedPolicy.delete!(target, as<ManagedPolicy>({ arn: 'arn:pol' }), as<ManagedPolicySpec>({}));
    expect(sent(mocks.iam)).toEqual([
      ['ListEntitiesForPolicy', { PolicyArn: 'arn:pol' }],
      ['DetachGroupPolicy', { GroupName: 'g', PolicyArn: 'arn:pol' }],
      ['DetachRolePolicy', { RoleName: 'r', PolicyArn: 'arn:pol' }],
      ['ListPolicyVersions', { PolicyArn: 'arn:pol', Marker: undefined }],
      ['DeletePolicyVersion', { PolicyArn: 'arn:pol', VersionId: 'v1' }],
      ['DeletePolicy', { PolicyArn: 'arn:pol' }],
    ]);
  });
});

describe('CodeCommit', () => {
  it('an approval rule template: disassociated from every repository, then deleted', async () => {
    mocks.codecommit.on(ListRepositoriesForApprovalRuleTemplateCommand).resolves({ repositoryNames: ['repo-a', 'repo-b'] });
    // a repository deleted meanwhile: its association is gone with it
    mocks.codecommit
      .on(DisassociateApprovalRuleTemplateFromRepositoryCommand, { repositoryName: 'repo-b' })
      .rejects(new RepositoryDoesNotExistException({ message: 'gone', ...meta }));
    await approvalRuleTemplate.delete!(target, as({}), as<ApprovalTemplateSpec>({ name: 'mt-main-approvals' }));
    expect(sent(mocks.codecommit)).toEqual([
      ['ListRepositoriesForApprovalRuleTemplate', { approvalRuleTemplateName: 'mt-main-approvals', nextToken: undefined }],
      ['DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: 'mt-main-approvals', repositoryName: 'repo-a' }],
      ['DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: 'mt-main-approvals', repositoryName: 'repo-b' }],
      ['DeleteApprovalRuleTemplate', { approvalRuleTemplateName: 'mt-main-approvals' }],
    ]);
  });

  it('a template that is gone already is done', async () => {
    mocks.codecommit.on(ListRepositoriesForApprovalRuleTemplateCommand).rejects(new ApprovalRuleTemplateDoesNotExistException({ message: 'gone', ...meta }));
    await expect(approvalRuleTemplate.delete!(target, as({}), as<ApprovalTemplateSpec>({ name: 't' }))).resolves.toBeUndefined();
    expect(mocks.codecommit.commandCalls(DeleteApprovalRuleTemplateCommand)).toHaveLength(0);
  });

  it('an association, and the repository (kept unless --include-data)', async () => {
    await approvalTemplateAssociation.delete!(target, true, { templateName: 't', repositoryName: 'r' });
    await codecommitRepository.delete!(target, as<Repository>({}), as<RepositorySpec>({ name: 'r' }));
    expect(sent(mocks.codecommit)).toEqual([
      ['DisassociateApprovalRuleTemplateFromRepository', { approvalRuleTemplateName: 't', repositoryName: 'r' }],
      ['DeleteRepository', { repositoryName: 'r' }],
    ]);
  });
});

describe('builds, deploy, pipeline', () => {
  it('CodeBuild project, log group, pipeline, deployment group, application', async () => {
    await codebuildProject.delete!(target, as<Project>({}), as<ProjectSpec>({ name: 'mt-build' }));
    await logGroup.delete!(target, as<LogGroup>({}), as<LogGroupSpec>({ name: '/aws/codebuild/mt-build' }));
    await codepipelinePipeline.delete!(target, as<Pipeline>({}), as<PipelineSpec>({ declaration: { name: 'mt-pipeline' } }));
    await codedeployDeploymentGroup.delete!(target, as<DeploymentGroup>({}), as<DeploymentGroupSpec>({ applicationName: 'mt-lambda', name: 'mt-dev' }));
    await codedeployApplication.delete!(target, as<Application>({}), as<ApplicationSpec>({ name: 'mt-lambda' }));
    expect([...sent(mocks.codebuild), ...sent(mocks.logs), ...sent(mocks.codepipeline), ...sent(mocks.codedeploy)]).toEqual([
      ['DeleteProject', { name: 'mt-build' }],
      ['DeleteLogGroup', { logGroupName: '/aws/codebuild/mt-build' }],
      ['DeletePipeline', { name: 'mt-pipeline' }],
      ['DeleteDeploymentGroup', { applicationName: 'mt-lambda', deploymentGroupName: 'mt-dev' }],
      ['DeleteApplication', { applicationName: 'mt-lambda' }],
    ]);
  });

  it('not found on delete is done: log group, application', async () => {
    mocks.logs.on(DeleteLogGroupCommand).rejects(new LogsNotFound({ message: 'gone', ...meta }));
    mocks.codedeploy.on(DeleteApplicationCommand).rejects(new ApplicationDoesNotExistException({ message: 'gone', ...meta }));
    await expect(logGroup.delete!(target, as<LogGroup>({}), as<LogGroupSpec>({ name: 'g' }))).resolves.toBeUndefined();
    await expect(codedeployApplication.delete!(target, as<Application>({}), as<ApplicationSpec>({ name: 'a' }))).resolves.toBeUndefined();
  });

  it('an events rule: every target removed (others\' too), then DeleteRule; a rule gone already is done', async () => {
    const current = as<Rule>({ targets: [{ Id: 'pipeline' }, { Id: 'theirs' }] });
    await eventsRule.delete!(target, current, as<RuleSpec>({ name: 'mt-trigger' }));
    expect(sent(mocks.events)).toEqual([
      ['RemoveTargets', { Rule: 'mt-trigger', Ids: ['pipeline', 'theirs'] }],
      ['DeleteRule', { Name: 'mt-trigger' }],
    ]);
    mocks.events.on(RemoveTargetsCommand).rejects(new EventsNotFound({ message: 'gone', ...meta }));
    await expect(eventsRule.delete!(target, current, as<RuleSpec>({ name: 'mt-trigger' }))).resolves.toBeUndefined();
  });
});

describe('data', () => {
  it('an S3 bucket is emptied of every version and delete marker, page by page, then deleted', async () => {
    mocks.s3
      .on(ListObjectVersionsCommand)
      .resolvesOnce({ Versions: [{ Key: 'a', VersionId: '1' }], DeleteMarkers: [{ Key: 'a', VersionId: '2' }], IsTruncated: true, NextKeyMarker: 'a', NextVersionIdMarker: '2' })
      .resolvesOnce({ Versions: [{ Key: 'b', VersionId: '3' }] });
    mocks.s3.on(DeleteObjectsCommand).resolves({});
    await s3Bucket.delete!(target, as<Bucket>({}), as<BucketSpec>({ name: 'mt-artifacts' }));
    expect(sent(mocks.s3)).toEqual([
      ['ListObjectVersions', { Bucket: 'mt-artifacts', KeyMarker: undefined, VersionIdMarker: undefined }],
      ['DeleteObjects', { Bucket: 'mt-artifacts', Delete: { Objects: [{ Key: 'a', VersionId: '1' }, { Key: 'a', VersionId: '2' }], Quiet: true } }],
      ['ListObjectVersions', { Bucket: 'mt-artifacts', KeyMarker: 'a', VersionIdMarker: '2' }],
      ['DeleteObjects', { Bucket: 'mt-artifacts', Delete: { Objects: [{ Key: 'b', VersionId: '3' }], Quiet: true } }],
      ['DeleteBucket', { Bucket: 'mt-artifacts' }],
    ]);
  });

  it('objects S3 refuses to delete fail the bucket; a bucket gone already is done', async () => {
    mocks.s3.on(ListObjectVersionsCommand).resolves({ Versions: [{ Key: 'locked', VersionId: '1' }] });
    mocks.s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'locked', Code: 'AccessDenied', Message: 'Object Lock' }] });
    await expect(s3Bucket.delete!(target, as<Bucket>({}), as<BucketSpec>({ name: 'b' }))).rejects.toThrow('locked: AccessDenied');
    expect(mocks.s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
    mocks.s3.on(ListObjectVersionsCommand).rejects(new NoSuchBucket({ message: 'gone', ...meta }));
    await expect(s3Bucket.delete!(target, as<Bucket>({}), as<BucketSpec>({ name: 'b' }))).resolves.toBeUndefined();
  });

  it('an ECR repository is deleted with its images (force); gone already is done', async () => {
    await ecrRepository.delete!(target, as<EcrRepository>({}), as<EcrRepositorySpec>({ name: 'mt-qe' }));
    expect(sent(mocks.ecr)).toEqual([['DeleteRepository', { repositoryName: 'mt-qe', force: true }]]);
    mocks.ecr.on(DeleteEcrRepositoryCommand).rejects(new RepositoryNotFoundException({ message: 'gone', ...meta }));
    await expect(ecrRepository.delete!(target, as<EcrRepository>({}), as<EcrRepositorySpec>({ name: 'mt-qe' }))).resolves.toBeUndefined();
  });
});

describe('notifications and secrets', () => {
  it('a KMS key: scheduled for deletion in 7 days, then its alias deleted; the note says when', async () => {
    mocks.kms.on(ScheduleKeyDeletionCommand).resolves({ DeletionDate: new Date('2026-12-07T10:00:00Z') });
    const output = await kmsKey.delete!(target, as<Key>({ keyId: 'k-1', arn: 'arn:key/k-1' }), as<KeySpec>({ alias: 'alias/mt-notifications' }));
    expect(sent(mocks.kms)).toEqual([
      ['ScheduleKeyDeletion', { KeyId: 'k-1', PendingWindowInDays: 7 }],
      ['DeleteAlias', { AliasName: 'alias/mt-notifications' }],
    ]);
    expect(output).toMatchObject({ arn: 'arn:key/k-1' });
    expect((output as { note: string }).note).toContain('deleted on 2026-12-07');
  });

  it('a key pending deletion already (a rerun after the alias could not be deleted) is not scheduled again', async () => {
    mocks.kms.on(ScheduleKeyDeletionCommand).rejects(new KMSInvalidStateException({ message: 'pending deletion', ...meta }));
    await kmsKey.delete!(target, as<Key>({ keyId: 'k-1', arn: 'a' }), as<KeySpec>({ alias: 'alias/mt' }));
    expect(mocks.kms.commandCalls(DeleteAliasCommand)).toHaveLength(1);
  });

  it('a secret: 7-day recovery window, never ForceDeleteWithoutRecovery; the note says until when', async () => {
    mocks.secrets.on(DeleteSecretCommand).resolves({ DeletionDate: new Date('2026-12-07T00:00:00Z') });
    const output = await secretsManagerSecret.delete!(target, as<StoredSecret>({ arn: 'arn:secret:mt/dev/token-AbCdEf' }), as<SecretSpec>({}));
    expect(sent(mocks.secrets)).toEqual([['DeleteSecret', { SecretId: 'arn:secret:mt/dev/token-AbCdEf', RecoveryWindowInDays: 7 }]]);
    expect((output as { note: string }).note).toMatch(/deleted on 2026-12-07 \(7-day recovery window/);
    mocks.secrets.on(DeleteSecretCommand).rejects(new SecretNotFound({ message: 'gone', ...meta }));
    await expect(secretsManagerSecret.delete!(target, as<StoredSecret>({ arn: 'x' }), as<SecretSpec>({}))).resolves.toEqual({});
  });

  it('an SNS topic by its ARN', async () => {
    await snsTopic.delete!(target, as<Topic>({ arn: 'arn:aws:sns:us-east-1:123456789012:mt-alerts' }), as<TopicSpec>({}));
    expect(sent(mocks.sns)).toEqual([['DeleteTopic', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:mt-alerts' }]]);
  });

  it('SSM parameters in batches of 10 DeleteParameters', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `/mt/dev/p${i}`);
    await ssmParameterBatch.delete!(target, true, { names });
    expect(sent(mocks.ssm)).toEqual([
      ['DeleteParameters', { Names: names.slice(0, 10) }],
      ['DeleteParameters', { Names: names.slice(10, 20) }],
      ['DeleteParameters', { Names: names.slice(20) }],
    ]);
  });
});

describe('reads of what hangs on a resource that is gone (destroy reads everything)', () => {
  it('an attachment to a group that does not exist is absent, not an error', async () => {
    mocks.iam.on(ListAttachedGroupPoliciesCommand).rejects(new NoSuchEntityException({ message: 'Group g not found', ...meta }));
    await expect(groupPolicyAttachment.find(target, { groupName: 'g', policyArn: 'arn:p' })).resolves.toBeUndefined();
  });

  it('an association with a repository that does not exist is absent, not an error', async () => {
    mocks.codecommit.on(ListAssociatedApprovalRuleTemplatesForRepositoryCommand).rejects(new RepositoryDoesNotExistException({ message: 'gone', ...meta }));
    await expect(approvalTemplateAssociation.find(target, { templateName: 't', repositoryName: 'r' })).resolves.toBeUndefined();
  });
});
