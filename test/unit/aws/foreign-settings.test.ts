/**
 * Issue 6.3, one test per resource kind: a setting mtpipe does not own (another tag, statement, alarm,
 * rule, inline policy, tier …) shows no change in the plan, and survives an update of a field it owns.
 * The exact requests are asserted. CodeBuild's case is in test/unit/builds/codebuild-project.test.ts.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { IAMClient, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
// the tag index answers nothing: each kind reads its own tags
import '../aws/tagging-mock.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { approvalRuleTemplate, type ApprovalTemplate } from '../../../src/aws/codecommit-approval-template.js';
import { codecommitRepository } from '../../../src/aws/codecommit-repository.js';
import { codedeployApplication } from '../../../src/aws/codedeploy-application.js';
import { codedeployDeploymentGroup, type DeploymentGroup, type DeploymentGroupSpec } from '../../../src/aws/codedeploy-deployment-group.js';
import { iamGroup } from '../../../src/aws/iam-group.js';
import { managedPolicy, type ManagedPolicySpec } from '../../../src/aws/iam-policy.js';
import { iamRole, roleInlinePolicy, type Role, type RoleSpec } from '../../../src/aws/iam-role.js';
import { logGroup } from '../../../src/aws/log-group.js';
import { s3Bucket, type Bucket } from '../../../src/aws/s3-bucket.js';
import { secretsManagerSecret, type StoredSecret } from '../../../src/aws/secretsmanager-secret.js';
import { ssmParameter, type ParameterSpec } from '../../../src/aws/ssm-parameter.js';
import type { FieldDiff, ResourceKind } from '../../../src/engine/types.js';
import { testTarget } from '../../support/target.js';

const iam = mockClient(IAMClient);
const ssm = mockClient(SSMClient);
const mocks = [mockClient(CodeCommitClient), mockClient(CodeDeployClient), iam, mockClient(CloudWatchLogsClient), mockClient(S3Client), mockClient(SecretsManagerClient), ssm];
const target = testTarget();
const OURS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' };
/** a tag someone else put on the resource */
const THEIRS = { team: 'nlp' };

/** Every request of every client, in order, as [command, input]. */
function sent(): [string, unknown][] {
  return mocks.flatMap((mock) =>
    mock.calls().map((call) => {
      const command = call.args[0] as { constructor: { name: string }; input: unknown };
      return [command.constructor.name, command.input] as [string, unknown];
    }),
  );
}

/** The plan's diffs, then the update with them (every write resolves). */
async function planAndUpdate<S, C>(kind: ResourceKind<S, C>, current: C, spec: S): Promise<FieldDiff[]> {
  const diffs = kind.diff(current, spec);
  await kind.update(target, spec, current, diffs);
  return diffs;
}

beforeEach(() => {
  for (const mock of mocks) {
    mock.reset();
    mock.resolves({});
  }
});

describe('settings mtpipe does not own survive an update of one it does', () => {
  it('codecommit:repository — another tag (TagResource adds, it never replaces)', async () => {
    const current = { name: 'repo', arn: 'arn:aws:codecommit:us-east-1:123456789012:repo', description: 'old', cloneUrlHttp: '', cloneUrlSsh: '', tags: { ...OURS, ...THEIRS } };
    const diffs = await planAndUpdate(codecommitRepository, current, { name: 'repo', description: 'new', tags: OURS });
    expect(diffs.map((d) => d.field)).toEqual(['description']);
    expect(sent()).toStrictEqual([['UpdateRepositoryDescriptionCommand', { repositoryName: 'repo', repositoryDescription: 'new' }]]);
  });

  it('codecommit:approval-rule-template — the content (and the repositories it is associated with) when only the description changes', async () => {
    const content = { Version: '2018-11-08', DestinationReferences: ['refs/heads/main'], Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1 }] };
    const current: ApprovalTemplate = { name: 't', description: 'old', content, contentSha256: 'sha' };
    const diffs = await planAndUpdate(approvalRuleTemplate, current, { name: 't', description: 'new', content: content as never });
    expect(diffs.map((d) => d.field)).toEqual(['description']);
    expect(sent()).toStrictEqual([['UpdateApprovalRuleTemplateDescriptionCommand', { approvalRuleTemplateName: 't', approvalRuleTemplateDescription: 'new' }]]);
  });

  it('codedeploy:application — another tag', async () => {
    const diffs = await planAndUpdate(codedeployApplication, { name: 'app', computePlatform: 'Lambda', tags: { 'mtpipe:project': 'mt', ...THEIRS } }, { name: 'app', tags: OURS });
    expect(diffs).toEqual([{ field: 'tags', from: {}, to: { 'mtpipe:env': 'shared' } }]);
    expect(sent()).toStrictEqual([
      ['TagResourceCommand', { ResourceArn: 'arn:aws:codedeploy:us-east-1:123456789012:application:app', Tags: [{ Key: 'mtpipe:env', Value: 'shared' }] }],
    ]);
  });

  it('codedeploy:deployment-group — other alarms and rollback events: not compared, sent back with a new deployment config', async () => {
    const spec: DeploymentGroupSpec = {
      applicationName: 'app',
      name: 'dev',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/mtpipe/cd',
      alarms: ['mt-dev-lambda-errors', 'mt-dev-executions-failed'],
      tags: OURS,
    };
    const current: DeploymentGroup = {
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      serviceRoleArn: spec.serviceRoleArn,
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      autoRollback: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'] },
      alarms: { enabled: true, ignorePollAlarmFailure: false, names: ['mt-dev-lambda-errors', 'ops-p99-latency'] },
      tags: OURS,
      presentAlarms: ['mt-dev-lambda-errors'],
    };
    const diffs = await planAndUpdate(codedeployDeploymentGroup, current, spec);
    expect(diffs.map((d) => d.field)).toEqual(['deploymentConfigName']);
    expect(sent()).toStrictEqual([
      [
        'UpdateDeploymentGroupCommand',
        {
          applicationName: 'app',
          currentDeploymentGroupName: 'dev',
          deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
          serviceRoleArn: spec.serviceRoleArn,
          deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
          autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'] },
          alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: 'mt-dev-lambda-errors' }, { name: 'ops-p99-latency' }] },
        },
      ],
    ]);
    // with others' alarms, mtpipe's would go over CodeDeploy's 10: the plan says so before any write
    const crowded = { ...current, alarms: { ...current.alarms, names: Array.from({ length: 9 }, (_, i) => `ops-${i}`) } };
    expect(codedeployDeploymentGroup.check!(crowded, spec)).toMatch(/already names 9 other alarm\(s\).*more than CodeDeploy's 10/);
  });

  it("iam:group — its members and other policies: UpdateGroup names only the path", async () => {
    const diffs = await planAndUpdate(iamGroup, { path: '/' }, { name: 'mt-developers', path: '/mtpipe/' });
    expect(diffs.map((d) => d.field)).toEqual(['path']);
    expect(sent()).toStrictEqual([['UpdateGroupCommand', { GroupName: 'mt-developers', NewPath: '/mtpipe/' }]]);
  });

  it('iam:policy — another tag, and a document that says the same in other words is no change', async () => {
    iam.on(ListPolicyVersionsCommand).resolves({ Versions: [{ VersionId: 'v1', IsDefaultVersion: true }] });
    const arn = 'arn:aws:iam::123456789012:policy/mtpipe/mt-protect-main';
    const statement = { Sid: 'Deny', Effect: 'Deny' as const, Action: ['codecommit:GitPush', 'codecommit:DeleteBranch'], Resource: 'arn:aws:codecommit:us-east-1:123456789012:repo' };
    const spec: ManagedPolicySpec = { name: 'mt-protect-main', path: '/mtpipe/', description: 'd', document: { Version: '2012-10-17', Statement: [statement] }, tags: OURS };
    // as a person or another tool may have written it: actions in another order, the resource in a list, one statement not in a list
    const same = { Version: '2012-10-17', Statement: { ...statement, Action: ['codecommit:DeleteBranch', 'codecommit:GitPush'], Resource: [statement.Resource] } };
    expect(managedPolicy.diff({ arn, defaultVersionId: 'v1', document: same, tags: { ...OURS, ...THEIRS } }, spec)).toEqual([]);

    const changed = { Version: '2012-10-17', Statement: [{ ...statement, Action: ['codecommit:GitPush'] }] };
    const diffs = await planAndUpdate(managedPolicy, { arn, defaultVersionId: 'v1', document: changed, tags: { ...OURS, ...THEIRS } }, spec);
    expect(diffs.map((d) => d.field)).toEqual(['document']);
    expect(sent()).toStrictEqual([
      ['ListPolicyVersionsCommand', { PolicyArn: arn }],
      ['CreatePolicyVersionCommand', { PolicyArn: arn, PolicyDocument: JSON.stringify(spec.document), SetAsDefault: true }],
    ]);
  });

  it("iam:role and iam:role-policy — another tag, the role's other inline policies, a trust policy spelled otherwise", async () => {
    const trust = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    const spec: RoleSpec = { name: 'mt-build', path: '/mtpipe/', trustPolicy: trust, description: 'new', maxSessionDuration: 3600, tags: OURS };
    const current: Role = {
      arn: 'arn:aws:iam::123456789012:role/mtpipe/mt-build',
      path: '/mtpipe/',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['codebuild.amazonaws.com'] }, Action: ['sts:AssumeRole'] }] },
      description: 'old',
      maxSessionDuration: 3600,
      tags: { ...OURS, ...THEIRS },
    };
    const diffs = await planAndUpdate(iamRole, current, spec);
    expect(diffs.map((d) => d.field)).toEqual(['description']);
    expect(sent()).toStrictEqual([['UpdateRoleCommand', { RoleName: 'mt-build', Description: 'new', MaxSessionDuration: 3600 }]]);

    iam.resetHistory();
    const document = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Action: ['logs:PutLogEvents'], Resource: '*' }] };
    const policy = { roleName: 'mt-build', policyName: 'mtpipe-least-privilege', document };
    expect(roleInlinePolicy.diff({ document: { ...document, Statement: [{ ...document.Statement[0], Action: 'logs:PutLogEvents' }] } }, policy)).toEqual([]);
    await planAndUpdate(roleInlinePolicy, { document: { ...document, Statement: [] } }, policy);
    // PutRolePolicy writes this one policy by name: the role's other inline policies are not touched
    expect(sent()).toStrictEqual([['PutRolePolicyCommand', { RoleName: 'mt-build', PolicyName: 'mtpipe-least-privilege', PolicyDocument: JSON.stringify(document) }]]);
  });

  it('logs:log-group — another tag (and its KMS key): PutRetentionPolicy only', async () => {
    const current = { name: '/aws/codebuild/p', arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/p', retentionDays: 7, tags: { ...OURS, ...THEIRS } };
    const diffs = await planAndUpdate(logGroup, current, { name: '/aws/codebuild/p', retentionDays: 30, tags: OURS });
    expect(diffs.map((d) => d.field)).toEqual(['retentionDays']);
    expect(sent()).toStrictEqual([['PutRetentionPolicyCommand', { logGroupName: '/aws/codebuild/p', retentionInDays: 30 }]]);
  });

  it("s3:bucket — others' lifecycle rule and the configuration's minimum object size, others' tags (not CloudFormation's aws: ones, which S3 refuses)", async () => {
    const NAME = 'mt-artifacts';
    const own = {
      ID: 'mtpipe-expire-old-artifacts',
      Status: 'Enabled' as const,
      Filter: { Prefix: '' },
      Expiration: { Days: 7 },
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    };
    const other = { ID: 'logs', Status: 'Enabled' as const, Filter: { Prefix: 'logs/' }, Transitions: [{ Days: 30, StorageClass: 'GLACIER' as const }] };
    const tls = {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${NAME}/*`, `arn:aws:s3:::${NAME}`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const current: Bucket = {
      name: NAME,
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/artifacts', bucketKeyEnabled: true },
      versioning: 'Enabled',
      lifecycleRules: [other, own],
      transitionMinimumObjectSize: 'varies_by_storage_class',
      ownership: 'BucketOwnerEnforced',
      // the resources of the TLS statement in the other order: the same statement
      policy: { Version: '2012-10-17', Statement: [tls] },
      tags: { 'mtpipe:project': 'mt', ...THEIRS, 'aws:cloudformation:stack-name': 'legacy' },
    };
    const spec = { name: NAME, partition: 'aws', retentionDays: 30, kmsKeyId: 'alias/artifacts', tags: OURS };
    const diffs = await planAndUpdate(s3Bucket, current, spec);
    expect(diffs.map((d) => d.field)).toEqual(['lifecycle', 'tags']);
    expect(sent()).toStrictEqual([
      ['PutBucketTaggingCommand', { Bucket: NAME, Tagging: { TagSet: [{ Key: 'mtpipe:project', Value: 'mt' }, { Key: 'team', Value: 'nlp' }, { Key: 'mtpipe:env', Value: 'shared' }] } }],
      [
        'PutBucketLifecycleConfigurationCommand',
        {
          Bucket: NAME,
          LifecycleConfiguration: { Rules: [other, { ...own, Expiration: { Days: 30 } }] },
          TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
        },
      ],
    ]);
  });

  it('secretsmanager:secret — another tag, the description; the key named as an ARN is the alias configured', async () => {
    const current: StoredSecret = {
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mt/dev/hugging-face-token-AbCdEf',
      value: undefined,
      hasValue: true,
      kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/mt-token',
      deleted: false,
      tags: { 'mtpipe:project': 'mt', ...THEIRS },
    };
    const diffs = await planAndUpdate(secretsManagerSecret, current, { name: 'mt/dev/hugging-face-token', value: undefined, kmsKeyId: 'alias/mt-token', tags: OURS });
    expect(diffs.map((d) => d.field)).toEqual(['tags']);
    expect(sent()).toStrictEqual([['TagResourceCommand', { SecretId: current.arn, Tags: [{ Key: 'mtpipe:env', Value: 'shared' }] }]]);
  });

  it('ssm:parameter — the Advanced tier and the description someone gave it; the key as an ARN is the id configured', async () => {
    ssm.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: '/mt/dev/token', Tier: 'Advanced', Description: 'rotated by the NLP team' }] });
    const key = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const spec: ParameterSpec = { name: '/mt/dev/token', type: 'SecureString', value: 'hf_new', keyId: key, tags: OURS };
    const current = { name: '/mt/dev/token', type: 'SecureString', value: 'hf_old', keyId: `arn:aws:kms:us-east-1:123456789012:key/${key}`, tags: { ...OURS, ...THEIRS } };
    const diffs = await planAndUpdate(ssmParameter, current, spec);
    expect(diffs).toEqual([{ field: 'value', from: 'hf_old', to: 'hf_new', secret: true }]);
    expect(sent()).toStrictEqual([
      ['DescribeParametersCommand', { ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: ['/mt/dev/token'] }] }],
      [
        'PutParameterCommand',
        { Name: '/mt/dev/token', Value: 'hf_new', Type: 'SecureString', Tier: 'Advanced', Description: 'rotated by the NLP team', KeyId: key, Overwrite: true },
      ],
    ]);
  });
});
