import { CloudWatchLogsClient, DescribeLogGroupsCommand, ListTagsForResourceCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetProjectsCommand, CodeBuildClient, UpdateProjectCommand, type Project } from '@aws-sdk/client-codebuild';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import type { AwsCall } from '../../src/aws/call-log.js';
import { createBuilds } from '../../src/commands/create-builds.js';
import { validateCalls } from '../support/api-models.js';
import { ACCOUNT, operationsOf, REGION, stateClients } from '../support/aws-state.js';
import { runInProcess, type RunOptions } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
const clientConfig = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
const s3 = new S3Client({ ...clientConfig, forcePathStyle: true });
const logs = new CloudWatchLogsClient(clientConfig);
const codebuild = new CodeBuildClient(clientConfig);
afterAll(() => [aws, s3, logs, codebuild].forEach((client) => client.destroy()));

const BUCKET = `mt-pipeline-artifacts-${ACCOUNT}-${REGION}`;
const PROJECTS = [
  'mt-pipeline-build-and-test',
  'mt-pipeline-cdk-deploy-dev',
  'mt-pipeline-integration-test-dev',
  'mt-pipeline-cdk-deploy-prod',
  'mt-pipeline-integration-test-prod',
];
const ROLE_OF: Record<string, string> = {
  'mt-pipeline-build-and-test': 'mt-pipeline-build',
  'mt-pipeline-cdk-deploy-dev': 'mt-pipeline-deploy-dev',
  'mt-pipeline-integration-test-dev': 'mt-pipeline-itest-dev',
  'mt-pipeline-cdk-deploy-prod': 'mt-pipeline-deploy-prod',
  'mt-pipeline-integration-test-prod': 'mt-pipeline-itest-prod',
};
/** CodeBuild adds it to every project it creates (the launcher's CreateProject does too). */
const AUTO_DISCOVER = { name: 'CODEBUILD_CONFIG_AUTO_DISCOVER', value: 'true', type: 'PLAINTEXT' };
const ENV_OF = (project: string) => /-(dev|prod)$/.exec(project)?.[1] ?? 'shared';

/** What setup-security would have made: the projects' roles, tagged. */
async function createRoles(): Promise<void> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  for (const [project, role] of Object.entries(ROLE_OF)) {
    await aws.iam.send(
      new CreateRoleCommand({
        RoleName: role,
        Path: '/mtpipe/',
        AssumeRolePolicyDocument: trust,
        Tags: [
          { Key: 'mtpipe:project', Value: 'mt-pipeline' },
          { Key: 'mtpipe:env', Value: ENV_OF(project) },
        ],
      }),
    );
  }
}

async function run(options: RunOptions = {}) {
  return runInProcess('create-builds', [createBuilds], moto, options);
}

async function projects(): Promise<Map<string, Project>> {
  const { projects: found = [] } = await codebuild.send(new BatchGetProjectsCommand({ names: PROJECTS }));
  return new Map(found.map((project) => [project.name!, project]));
}

describe('create-builds against moto', () => {
  beforeEach(() => resetMoto(moto));

  it('creates the artifact bucket with every setting, read back from S3', async () => {
    await createRoles();
    const result = await run();
    expect(result.error).toBeUndefined();

    const Bucket = BUCKET;
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
    expect((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules).toEqual([
      {
        ID: 'mtpipe-expire-old-artifacts',
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Expiration: { Days: 30 },
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
    expect((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual([
      { Key: 'mtpipe:project', Value: 'mt-pipeline' },
      { Key: 'mtpipe:env', Value: 'shared' },
    ]);
  });

  it('creates one log group per project, with the retention and tags', async () => {
    await createRoles();
    expect((await run()).error).toBeUndefined();

    const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/codebuild/' }));
    expect(logGroups.map((group) => [group.logGroupName, group.retentionInDays]).sort()).toEqual(
      PROJECTS.map((project) => [`/aws/codebuild/${project}`, 30]).sort(),
    );
    for (const project of PROJECTS) {
      const arn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/codebuild/${project}`;
      expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, project).toEqual({
        'mtpipe:project': 'mt-pipeline',
        'mtpipe:env': ENV_OF(project),
      });
    }
  });

  it('creates the five CodeBuild projects: roles, inline buildspecs, cache, logs; only build-and-test is privileged', async () => {
    await createRoles();
    expect((await run()).error).toBeUndefined();

    const found = await projects();
    expect([...found.keys()].sort()).toEqual([...PROJECTS].sort());
    for (const [name, project] of found) {
      expect(project.serviceRole, name).toBe(`arn:aws:iam::${ACCOUNT}:role/mtpipe/${ROLE_OF[name]}`);
      expect(project.source?.type).toBe('CODEPIPELINE');
      expect(project.artifacts?.type).toBe('CODEPIPELINE');
      expect(project.environment).toMatchObject({ type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_MEDIUM' });
      expect(project.environment?.privilegedMode, name).toBe(name === 'mt-pipeline-build-and-test');
      expect(project.timeoutInMinutes).toBe(60);
      expect(project.queuedTimeoutInMinutes).toBe(480);
      expect(project.cache).toEqual({ type: 'S3', location: `${BUCKET}/cache/${name}` });
      expect(project.logsConfig?.cloudWatchLogs).toEqual({ status: 'ENABLED', groupName: `/aws/codebuild/${name}` });
      expect(project.tags).toEqual([
        { key: 'mtpipe:project', value: 'mt-pipeline' },
        { key: 'mtpipe:env', value: ENV_OF(name) },
      ]);
      const buildspec = parse(project.source!.buildspec!) as { version: number; phases: { install: { 'runtime-versions': Record<string, string> } } };
      expect(buildspec.version).toBe(0.2);
      expect(buildspec.phases.install['runtime-versions'].python).toBe('3.13');
    }
    const deploy = parse(found.get('mt-pipeline-cdk-deploy-prod')!.source!.buildspec!) as { env: { 'parameter-store': Record<string, string> } };
    expect(Object.values(deploy.env['parameter-store']).every((path) => path.startsWith('/mt-pipeline/prod/'))).toBe(true);
    expect(found.get('mt-pipeline-cdk-deploy-prod')!.environment?.environmentVariables).toEqual([
      { name: 'AWS_DEFAULT_REGION', value: REGION, type: 'PLAINTEXT' },
      { name: 'AWS_REGION', value: REGION, type: 'PLAINTEXT' },
      { name: 'CDK_DEPLOY_ACCOUNT', value: ACCOUNT, type: 'PLAINTEXT' },
      { name: 'CDK_DEPLOY_REGION', value: REGION, type: 'PLAINTEXT' },
      { name: 'MTPIPE_ENV', value: 'prod', type: 'PLAINTEXT' },
      AUTO_DISCOVER,
    ]);
  });

  it("leaves alone the variable CodeBuild adds and a person's: 0 changes, and an update of an owned field keeps them", async () => {
    await createRoles();
    expect((await run()).error).toBeUndefined();
    const name = 'mt-pipeline-cdk-deploy-dev';
    const before = (await projects()).get(name)!;
    expect(before.environment?.environmentVariables).toContainEqual(AUTO_DISCOVER);

    const again = await run({ options: { dryRun: true } });
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 11 unchanged (and 5 read only, not managed by this command).');

    // a person adds a variable and lowers the timeout (a field mtpipe owns)
    const personal = { name: 'PIP_INDEX_URL', value: 'https://pypi.example.com/simple', type: 'PLAINTEXT' as const };
    const environment = before.environment!;
    await codebuild.send(
      new UpdateProjectCommand({ name, timeoutInMinutes: 20, environment: { ...environment, environmentVariables: [...environment.environmentVariables!, personal] } }),
    );
    const repair = await run();
    expect(repair.error).toBeUndefined();
    expect(repair.stdout).toContain('timeoutInMinutes');
    expect(operationsOf(repair.writes)).toEqual(['CodeBuild.UpdateProject']);
    const after = (await projects()).get(name)!;
    expect(after.timeoutInMinutes).toBe(60);
    // mtpipe's variables (first, by name), then the others as they were
    expect(after.environment?.environmentVariables).toEqual([...environment.environmentVariables!, personal]);
    expect((await run()).writes).toEqual([]);
  });

  it('writes 21 times on the first run (the bucket tagged as it is created), never on the second; a dry run writes nothing before or after', async () => {
    await createRoles();
    const dryFirst = await run({ options: { dryRun: true } });
    expect(dryFirst.error).toBeUndefined();
    expect(dryFirst.writes).toEqual([]);
    expect(dryFirst.stdout).toContain('Plan: 11 to create, 0 to update, 0 to delete, 0 unchanged (and 5 read only, not managed by this command).');

    const first = await run();
    expect(first.error).toBeUndefined();
    expect(operationsOf(first.writes).sort()).toEqual(
      [
        'S3.CreateBucket',
        'S3.PutPublicAccessBlock',
        'S3.PutBucketEncryption',
        'S3.PutBucketVersioning',
        'S3.PutBucketLifecycleConfiguration',
        'S3.PutBucketPolicy',
        ...PROJECTS.flatMap(() => ['CloudWatchLogs.CreateLogGroup', 'CloudWatchLogs.PutRetentionPolicy', 'CodeBuild.CreateProject']),
      ].sort(),
    );

    const second = await run();
    expect(second.error).toBeUndefined();
    expect(second.writes).toEqual([]);
    expect(second.stdout).toMatch(/^No changes — 11 resources up to date \(and 5 read only, not managed by this command\)\.$/m);
    expect(second.stdout).not.toContain('Plan:');
    expect(operationsOf(second.calls)).toContain('CodeBuild.BatchGetProjects');

    const dryAfter = await run({ options: { dryRun: true } });
    expect(dryAfter.writes).toEqual([]);
  });

  it('puts back exactly what drifted, and nothing else', async () => {
    await createRoles();
    expect((await run()).error).toBeUndefined();
    await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Suspended' } }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: BUCKET }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/aws/codebuild/mt-pipeline-cdk-deploy-dev', retentionInDays: 1 }));
    await codebuild.send(new UpdateProjectCommand({ name: 'mt-pipeline-integration-test-prod', environment: { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL', privilegedMode: true } }));

    const repair = await run();
    expect(repair.error).toBeUndefined();
    expect(operationsOf(repair.writes).sort()).toEqual(
      ['CloudWatchLogs.PutRetentionPolicy', 'CodeBuild.UpdateProject', 'S3.PutBucketVersioning', 'S3.PutPublicAccessBlock'].sort(),
    );
    expect(repair.writes.find((call) => call.operation === 'UpdateProject')?.input).toMatchObject({
      name: 'mt-pipeline-integration-test-prod',
      environment: { computeType: 'BUILD_GENERAL1_MEDIUM', privilegedMode: false },
    });
    expect((await projects()).get('mt-pipeline-integration-test-prod')?.environment?.privilegedMode).toBe(false);
    expect((await run()).writes).toEqual([]);
  });

  it('refuses to create projects whose roles do not exist, naming the command that makes them, and writes nothing', async () => {
    const result = await run();
    expect((result.error as { exitCode?: number }).exitCode).toBe(2);
    expect(String((result.error as Error).message)).toContain('iam:role "mt-pipeline-build" does not exist: run `mtpipe setup-security` first');
    expect(result.writes).toEqual([]);
  });

  it('refuses a derived bucket name over 63 characters before writing anything, telling the user to set builds.artifactBucket', async () => {
    await createRoles();
    const project = `p${'x'.repeat(29)}`;
    const result = await run({ overrides: { project }, options: { region: 'ap-southeast-2' } });
    const message = String((result.error as Error).message);
    expect(message).toContain(`the artifact bucket name "${project}-artifacts-${ACCOUNT}-ap-southeast-2" has 68 characters`);
    expect(message).toContain('set builds.artifactBucket');
    expect(result.writes).toEqual([]);
  });

  it('sends only requests that are valid against the AWS API models (botocore)', async () => {
    await createRoles();
    const calls: AwsCall[] = [];
    for (const options of [{ options: { dryRun: true } }, {}, {}]) calls.push(...(await run(options)).calls);
    await codebuild.send(new UpdateProjectCommand({ name: 'mt-pipeline-build-and-test', description: 'drifted' }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/aws/codebuild/mt-pipeline-build-and-test', retentionInDays: 1 }));
    calls.push(...(await run()).calls);

    const BOTOCORE: Record<string, string> = { S3: 's3', CloudWatchLogs: 'logs', CodeBuild: 'codebuild', IAM: 'iam', STS: 'sts' };
    const { violations } = validateCalls(calls.map((call) => ({ ...call, service: BOTOCORE[call.service] ?? call.service })));
    expect(violations, violations.join('\n')).toEqual([]);
    expect(new Set(operationsOf(calls))).toEqual(
      new Set([
        'STS.GetCallerIdentity',
        'IAM.GetAccountAuthorizationDetails',
        'IAM.ListRoles',
        // the tags of the project's resources, for all of them (src/aws/tag-index.ts)
        'ResourceGroupsTaggingAPI.GetResources',
        'S3.GetPublicAccessBlock',
        'S3.GetBucketEncryption',
        'S3.GetBucketVersioning',
        'S3.GetBucketLifecycleConfiguration',
        'S3.GetBucketOwnershipControls',
        'S3.GetBucketPolicy',
        'S3.CreateBucket',
        'S3.PutPublicAccessBlock',
        'S3.PutBucketEncryption',
        'S3.PutBucketVersioning',
        'S3.PutBucketLifecycleConfiguration',
        'S3.PutBucketPolicy',
        'CloudWatchLogs.DescribeLogGroups',
        'CloudWatchLogs.CreateLogGroup',
        'CloudWatchLogs.PutRetentionPolicy',
        'CodeBuild.BatchGetProjects',
        'CodeBuild.CreateProject',
        'CodeBuild.UpdateProject',
      ]),
    );
  });
});
