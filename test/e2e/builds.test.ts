import { BatchGetProjectsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetBucketVersioningCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const config = { endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
const iam = new IAMClient(config);
const s3 = new S3Client({ ...config, forcePathStyle: true });
const codebuild = new CodeBuildClient(config);
const dirs: string[] = [];

const BUCKET = 'mt-pipeline-artifacts-123456789012-us-east-1';
const PROJECTS = ['mt-pipeline-build-and-test', 'mt-pipeline-cdk-deploy-dev', 'mt-pipeline-integration-test-dev', 'mt-pipeline-cdk-deploy-prod', 'mt-pipeline-integration-test-prod'];
const ROLES: [string, string][] = [
  ['mt-pipeline-build', 'shared'],
  ['mt-pipeline-deploy-dev', 'dev'],
  ['mt-pipeline-itest-dev', 'dev'],
  ['mt-pipeline-deploy-prod', 'prod'],
  ['mt-pipeline-itest-prod', 'prod'],
];

async function mtpipe(args: string[]): Promise<CliRun> {
  const home = await tempDir('mtpipe-home-');
  const cwd = await tempDir();
  dirs.push(home, cwd);
  return runCli(args, { cwd, env: cleanEnv({ home }) });
}

/** The roles setup-security makes, created directly so that this test needs only create-builds. */
async function createRoles(): Promise<void> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  for (const [RoleName, env] of ROLES) {
    await iam.send(
      new CreateRoleCommand({
        RoleName,
        Path: '/mtpipe/',
        AssumeRolePolicyDocument: trust,
        Tags: [
          { Key: 'mtpipe:project', Value: 'mt-pipeline' },
          { Key: 'mtpipe:env', Value: env },
        ],
      }),
    );
  }
}

describe('mtpipe create-builds against moto', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => [iam, s3, codebuild].forEach((client) => client.destroy()));

  it('creates the bucket, log groups and projects; a second run makes zero write calls', async () => {
    await createRoles();
    const endpoint = ['--endpoint-url', moto];

    const dry = await mtpipe(['create-builds', '--yes', '--dry-run', '--debug', ...endpoint]);
    expect(dry.code, explain(dry)).toBe(0);
    expect(debugWrites(dry.stderr)).toEqual([]);
    expect(dry.stdout).toContain('Plan: 12 to create, 0 to update, 0 to delete, 0 unchanged (and 5 read only, not managed by this command).');
    // and the ECR repository of the quality-estimation image
    expect(dry.stdout).toContain('  + ecr:repository mt-pipeline-qe');

    const first = await mtpipe(['create-builds', '--yes', ...endpoint]);
    expect(first.code, explain(first)).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^created\\s+s3:bucket ${BUCKET}`, 'm'));
    for (const project of PROJECTS) {
      expect(first.stdout).toMatch(new RegExp(`^created\\s+codebuild:project ${project}\\s`, 'm'));
      expect(first.stdout).toMatch(new RegExp(`^created\\s+logs:log-group /aws/codebuild/${project}\\s`, 'm'));
    }
    expect(first.stdout).toContain(`Artifact bucket ${BUCKET}`);

    expect(await s3.send(new HeadBucketCommand({ Bucket: BUCKET }))).toBeDefined();
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Enabled');
    const { projects = [] } = await codebuild.send(new BatchGetProjectsCommand({ names: PROJECTS }));
    expect(projects.map((p) => [p.name, p.environment?.privilegedMode]).sort()).toEqual(PROJECTS.map((name) => [name, name.endsWith('build-and-test')]).sort());

    const second = await mtpipe(['create-builds', '--yes', '--debug', ...endpoint]);
    expect(second.code, explain(second)).toBe(0);
    expect(second.stdout).toMatch(/^No changes — \d+ resources? up to date( \(and \d+ read only, not managed by this command\))?\.$/m);
    expect(debugCalls(second.stderr).length).toBeGreaterThan(0);
    expect(debugWrites(second.stderr)).toEqual([]);
  });

  it('without the roles: exits 2 naming setup-security, and writes nothing', async () => {
    const run = await mtpipe(['create-builds', '--yes', '--debug', '--endpoint-url', moto]);
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('run `mtpipe setup-security` first');
    expect(debugWrites(run.stderr)).toEqual([]);
  });
});
