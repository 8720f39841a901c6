/**
 * destroy against moto with the real SDK: after bootstrap, what is left is checked with an inventory
 * of every service mtpipe uses, read independently of mtpipe (moto's Resource Groups Tagging API
 * covers few of these services, so each is listed with its own API). The sample solution's stacks
 * are deployed first (solution-fixture.ts) and must come through untouched.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient, ListProjectsCommand } from '@aws-sdk/client-codebuild';
import { CodeCommitClient, ListRepositoriesCommand } from '@aws-sdk/client-codecommit';
import { CodeDeployClient, ListApplicationsCommand } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient, ListGroupsCommand, ListPoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { DeleteBucketPolicyCommand, ListBucketsCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { DescribeParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { isReadOperation } from '../../src/aws/call-log.js';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { destroy } from '../../src/commands/destroy.js';
import { openSession, type GlobalOptions } from '../../src/commands/session.js';
import { NonInteractivePrompter } from '../../src/ui/prompter.js';
import { ConsoleReporter } from '../../src/ui/reporter.js';
import { HF_TOKEN, REGION, restoreHfTokenAfterEach, setHfToken } from '../support/aws-state.js';
import { captureStream, runInProcess, SHARED_ACCOUNT_OVERRIDES } from '../support/harness.js';
import { resetMoto, startMoto } from '../support/moto.js';
import { startRecorder } from '../support/recorder.js';
import { deploySampleSolution } from '../support/solution-fixture.js';

const moto = inject('motoUrl');
const config = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1, forcePathStyle: true };
const aws = {
  cloudformation: new CloudFormationClient(config),
  logs: new CloudWatchLogsClient(config),
  codebuild: new CodeBuildClient(config),
  codecommit: new CodeCommitClient(config),
  codedeploy: new CodeDeployClient(config),
  codepipeline: new CodePipelineClient(config),
  ecr: new ECRClient(config),
  events: new EventBridgeClient(config),
  iam: new IAMClient(config),
  kms: new KMSClient(config),
  s3: new S3Client(config),
  secrets: new SecretsManagerClient(config),
  sns: new SNSClient(config),
  ssm: new SSMClient(config),
};
afterAll(() => Object.values(aws).forEach((client) => client.destroy()));

/** Everything that exists in the services mtpipe uses, as "kind name", sorted (no paging: moto holds few). */
async function inventory(): Promise<string[]> {
  const lists: [string, () => Promise<string[]>][] = [
    ['ListRoles', () => aws.iam.send(new ListRolesCommand({ MaxItems: 1000 })).then((r) => (r.Roles ?? []).map((x) => `iam:role ${x.RoleName}`))],
    ['ListPolicies', () => aws.iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 1000 })).then((r) => (r.Policies ?? []).map((x) => `iam:policy ${x.PolicyName}`))],
    ['ListGroups', () => aws.iam.send(new ListGroupsCommand({})).then((r) => (r.Groups ?? []).map((x) => `iam:group ${x.GroupName}`))],
    ['DescribeParameters', () => aws.ssm.send(new DescribeParametersCommand({ MaxResults: 50 })).then((r) => (r.Parameters ?? []).map((x) => `ssm:parameter ${x.Name}`))],
    ['ListProjects', () => aws.codebuild.send(new ListProjectsCommand({})).then((r) => (r.projects ?? []).map((x) => `codebuild:project ${x}`))],
    ['ListRepositories', () => aws.codecommit.send(new ListRepositoriesCommand({})).then((r) => (r.repositories ?? []).map((x) => `codecommit:repository ${x.repositoryName}`))],
    ['ListApplications', () => aws.codedeploy.send(new ListApplicationsCommand({})).then((r) => (r.applications ?? []).map((x) => `codedeploy:application ${x}`))],
    ['ListPipelines', () => aws.codepipeline.send(new ListPipelinesCommand({})).then((r) => (r.pipelines ?? []).map((x) => `codepipeline:pipeline ${x.name}`))],
    ['ListRules', () => aws.events.send(new ListRulesCommand({})).then((r) => (r.Rules ?? []).map((x) => `events:rule ${x.Name}`))],
    ['ListTopics', () => aws.sns.send(new ListTopicsCommand({})).then((r) => (r.Topics ?? []).map((x) => `sns:topic ${x.TopicArn?.split(':').pop()}`))],
    ['ListAliases', () => aws.kms.send(new ListAliasesCommand({})).then((r) => (r.Aliases ?? []).filter((x) => !x.AliasName?.startsWith('alias/aws/')).map((x) => `kms:alias ${x.AliasName}`))],
    ['DescribeLogGroups', () => aws.logs.send(new DescribeLogGroupsCommand({})).then((r) => (r.logGroups ?? []).map((x) => `logs:log-group ${x.logGroupName}`))],
    ['ListBuckets', () => aws.s3.send(new ListBucketsCommand({})).then((r) => (r.Buckets ?? []).map((x) => `s3:bucket ${x.Name}`))],
    ['DescribeRepositories', () => aws.ecr.send(new DescribeRepositoriesCommand({})).then((r) => (r.repositories ?? []).map((x) => `ecr:repository ${x.repositoryName}`))],
    ['ListSecrets', () => aws.secrets.send(new ListSecretsCommand({})).then((r) => (r.SecretList ?? []).filter((x) => !x.DeletedDate).map((x) => `secretsmanager:secret ${x.Name}`))],
  ];
  const found = await Promise.all(
    lists.map(([operation, list]) =>
      list().catch((error: unknown) => {
        throw new Error(`inventory: ${operation} failed: ${String(error)}`);
      }),
    ),
  );
  return found.flat().sort();
}

const DATA = [
  'codecommit:repository machine-translation',
  'ecr:repository mt-pipeline-qe',
  's3:bucket mt-pipeline-artifacts-123456789012-us-east-1',
  's3:bucket mt-pipeline-dev-input-123456789012',
  's3:bucket mt-pipeline-dev-output-123456789012',
  's3:bucket mt-pipeline-prod-input-123456789012',
  's3:bucket mt-pipeline-prod-output-123456789012',
];
const INPUT = 'mt-pipeline-dev-input-123456789012';
const tagged = (project: string) => [
  { Key: 'mtpipe:project', Value: project },
  { Key: 'mtpipe:env', Value: 'dev' },
];

/** `mtpipe destroy` in-process, like the CLI, non-interactive; never throws: the error is returned. */
async function runDestroy(endpointUrl: string, flags: { includeData?: boolean }, options: Partial<GlobalOptions> = {}) {
  const stdout = captureStream();
  const stderr = captureStream();
  const calls: { operation: string; service: string }[] = [];
  const global: GlobalOptions = { yes: true, dryRun: false, json: false, debug: false, color: false, adopt: false, concurrency: 8, endpointUrl, ...options };
  let error: unknown;
  try {
    const session = await openSession(
      global,
      { overrides: SHARED_ACCOUNT_OVERRIDES, flagFor: () => undefined },
      { reporter: new ConsoleReporter({ json: global.json, debug: false, color: false, stdout, stderr }), prompter: new NonInteractivePrompter(), observers: [(call) => calls.push(call)] },
    );
    await destroy(session, flags);
  } catch (caught) {
    error = caught;
  }
  return { stdout: stdout.text(), stderr: stderr.text(), error, writes: calls.filter((call) => !isReadOperation(call.operation)) };
}

describe('destroy after bootstrap', () => {
  let before: string[];
  restoreHfTokenAfterEach();
  beforeEach(async () => {
    await resetMoto(moto);
    await deploySampleSolution(moto, { endpointName: 'mt-pipeline-dev-qe-endpoint', topicName: 'mt-pipeline-dev-qe-topic' });
    // another project's resources: one of a kind mtpipe deletes, one inside this project's parameter path
    await aws.iam.send(new CreateRoleCommand({ RoleName: 'other-project-build', AssumeRolePolicyDocument: '{}', Tags: tagged('other-project') }));
    before = await inventory();
    setHfToken(HF_TOKEN);
    const bootstrap = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto);
    expect(bootstrap.error).toBeUndefined();
    await aws.ssm.send(new PutParameterCommand({ Name: '/mt-pipeline/dev/theirs', Value: 'x', Type: 'String', Tags: tagged('other-project') }));
    // made by an earlier mtpipe run, no longer in the configuration: found through the prune scope
    await aws.ssm.send(new PutParameterCommand({ Name: '/mt-pipeline/dev/retired_setting', Value: 'x', Type: 'String', Tags: tagged('mt-pipeline') }));
    // a versioned bucket with an object, twice (two versions): emptied only with --include-data. moto
    // enforces the TLS-only statement of the bucket policy on its plain-http endpoint: it goes first.
    await aws.s3.send(new DeleteBucketPolicyCommand({ Bucket: INPUT }));
    for (const body of ['{}', '{"v":2}']) await aws.s3.send(new PutObjectCommand({ Bucket: INPUT, Key: 'in/a.json', Body: body }));
  });

  it('--yes deletes everything but the data, others\' resources and the solution; a second run makes no write and says so', async () => {
    const first = await runDestroy(moto, {});
    expect(first.error).toBeUndefined();
    expect(await inventory()).toEqual([...before, ...DATA, 'ssm:parameter /mt-pipeline/dev/theirs'].sort());
    expect(first.stdout).toContain('Plan: 0 to create, 0 to update, 161 to delete, 0 unchanged.');
    expect(first.stdout).toContain('deleted   ssm:parameter /mt-pipeline/dev/retired_setting');
    expect(first.stdout).toMatch(/kms:key alias\/mt-pipeline-notifications: key [0-9a-f-]+ deleted on \d{4}-\d\d-\d\d \(scheduled, 7-day waiting period/);
    expect(first.stdout).toContain('kept codecommit:repository machine-translation: data: kept without --include-data');
    expect(first.stdout).toContain('kept s3:bucket mt-pipeline-dev-input-123456789012 (dev): data: kept without --include-data');
    const { Versions = [] } = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: INPUT }));
    expect(Versions).toHaveLength(2);
    // parameters go in batches of 10 per target: 9 in dev (with the retired one), 8 in prod
    expect(first.writes.filter((call) => call.operation === 'DeleteParameters')).toHaveLength(2);
    expect(first.writes.filter((call) => call.operation === 'DeleteParameter')).toHaveLength(0);

    // the stacks of the solution are as they were
    const { Stacks = [] } = await aws.cloudformation.send(new DescribeStacksCommand({}));
    expect(Stacks.map((stack) => [stack.StackName, stack.StackStatus]).sort()).toEqual(
      expect.arrayContaining([expect.arrayContaining([expect.stringMatching(/Stack$/), 'CREATE_COMPLETE'])]),
    );
    expect(Stacks.every((stack) => stack.StackStatus === 'CREATE_COMPLETE')).toBe(true);

    // counted on the wire too: nothing but reads
    const recorder = await startRecorder(moto);
    try {
      const second = await runDestroy(recorder.url, {});
      expect(second.error).toBeUndefined();
      expect(second.writes).toEqual([]);
      expect(second.stdout).toContain('Nothing to delete for project mt-pipeline.');
      const writes = recorder.requests.filter((request) => (request.operation ? !isReadOperation(request.operation) : !['GET', 'HEAD'].includes(request.method)));
      expect(writes).toEqual([]);
      expect(recorder.requests.length).toBeGreaterThan(0);
    } finally {
      await recorder.close();
    }
  });

  it('--yes --include-data leaves nothing of the project: the buckets are emptied first', async () => {
    const run = await runDestroy(moto, { includeData: true });
    expect(run.error).toBeUndefined();
    expect(await inventory()).toEqual([...before, 'ssm:parameter /mt-pipeline/dev/theirs'].sort());
    expect(run.stdout).toContain('deleted   s3:bucket mt-pipeline-dev-input-123456789012');
    const again = await runDestroy(moto, { includeData: true });
    expect(again.writes).toEqual([]);
  });

  it('--dry-run shows every deletion and deletes nothing', async () => {
    const all = await inventory();
    const run = await runDestroy(moto, { includeData: true }, { dryRun: true, yes: false });
    expect(run.error).toBeUndefined();
    expect(run.writes).toEqual([]);
    expect(run.stdout).toContain('  - iam:role mt-pipeline-pipeline');
    expect(run.stdout).toContain('  - s3:bucket mt-pipeline-artifacts-123456789012-us-east-1');
    expect(await inventory()).toEqual(all);
  });
});

describe('destroy whose delete responses are lost', () => {
  restoreHfTokenAfterEach();

  it('a delete applied but answered HTTP 500 is retried by the SDK, meets "not found", and counts as done', { timeout: 120_000 }, async () => {
    // the first successful answer of each of these is lost; the SDK retries: NoSuchEntity, ResourceNotFound, KMSInvalidState …
    const lost = ['iam.DeleteRole', 'iam.DeletePolicy', 'logs.DeleteLogGroup', 'events.DeleteRule', 'kms.ScheduleKeyDeletion', 'kms.DeleteAlias', 'ecr.DeleteRepository', 'secretsmanager.DeleteSecret'];
    const faulty = await startMoto({ faults: { seed: 3, lostWrites: 0.1, lost } });
    try {
      setHfToken(HF_TOKEN);
      const bootstrap = await runInProcess('bootstrap', BOOTSTRAP_STEPS, faulty.url);
      expect(bootstrap.error, bootstrap.stderr).toBeUndefined();
      const run = await runDestroy(faulty.url, { includeData: true });
      expect(run.error, `${String(run.error)}\n${run.stderr}`).toBeUndefined();
      const again = await runDestroy(faulty.url, { includeData: true });
      expect(again.error).toBeUndefined();
      expect(again.writes).toEqual([]);
      expect(again.stdout).toContain('Nothing to delete for project mt-pipeline.');
    } finally {
      await faulty.stop();
    }
  });
});
