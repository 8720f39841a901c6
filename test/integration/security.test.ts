import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AwsCall } from '../../src/aws/call-log.js';
import { setupSecurity } from '../../src/commands/setup-security.js';
import { MtpipeError } from '../../src/errors.js';
import { validateCalls } from '../support/api-models.js';
import { ACCOUNT, HF_TOKEN, operationsOf, REGION, restoreHfTokenAfterEach, setHfToken } from '../support/aws-state.js';
import { runInProcess, type RunOptions, type RunResult } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const clientConfig = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
const iam = new IAMClient(clientConfig);
const secrets = new SecretsManagerClient(clientConfig);
afterAll(() => {
  iam.destroy();
  secrets.destroy();
});

const IN_SECRETS_MANAGER: RunOptions = { overrides: { 'secrets.huggingFaceToken.store': 'secretsmanager' } };
const ROLES = [
  'mt-pipeline-pipeline',
  'mt-pipeline-events',
  'mt-pipeline-build',
  'mt-pipeline-deploy-dev',
  'mt-pipeline-itest-dev',
  'mt-pipeline-codedeploy-dev',
  'mt-pipeline-deploy-prod',
  'mt-pipeline-itest-prod',
  'mt-pipeline-codedeploy-prod',
];
/** IAM names are account-wide: roles also carry the region of the project they serve */
const TAGS = (env: string) => [
  { Key: 'mtpipe:project', Value: 'mt-pipeline' },
  { Key: 'mtpipe:env', Value: env },
  { Key: 'mtpipe:region', Value: 'us-east-1' },
];
const trustFor = (service: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AssumedByTheServiceForThisAccountOnly',
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    },
  ],
});
const CODEDEPLOY_FOR_LAMBDA = 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda';

/** The document IAM returns, URL-encoded as AWS does, decoded here independently of mtpipe. */
const decode = (encoded: string | undefined) => JSON.parse(decodeURIComponent(encoded ?? '')) as { Statement: { Sid: string; Action: string[]; Resource: unknown; Effect: string }[] };

async function inlinePolicy(role: string) {
  const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'mtpipe-least-privilege' }));
  return decode(PolicyDocument);
}

function expectNoToken(run: RunResult, token = HF_TOKEN): void {
  expect(run.stdout).not.toContain(token);
  expect(run.stderr).not.toContain(token);
  expect(JSON.stringify(run.calls)).not.toContain(token);
}

async function setUp(options: RunOptions = IN_SECRETS_MANAGER): Promise<RunResult> {
  const run = await runInProcess('setup-security', [setupSecurity], moto, options);
  expect(run.error, String(run.error)).toBeUndefined();
  return run;
}

describe('setup-security against moto', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();
  beforeEach(() => setHfToken(HF_TOKEN));

  it('creates the nine roles with their trust policies, inline policies, attachments and tags', async () => {
    const run = await setUp();
    expectNoToken(run);

    const { Roles = [] } = await iam.send(new ListRolesCommand({ PathPrefix: '/mtpipe/' }));
    expect(Roles.map((r) => r.RoleName).sort()).toEqual([...ROLES].sort());
    const service: Record<string, string> = { pipeline: 'codepipeline', events: 'events', build: 'codebuild', deploy: 'codebuild', itest: 'codebuild', codedeploy: 'codedeploy' };
    for (const name of ROLES) {
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
      const env = /-(dev|prod)$/.exec(name)?.[1] ?? 'shared';
      expect(Role, name).toMatchObject({ Path: '/mtpipe/', Arn: `arn:aws:iam::${ACCOUNT}:role/mtpipe/${name}`, MaxSessionDuration: 3600 });
      expect(Role?.Description, name).toMatch(/^mtpipe \(mt-pipeline\): /);
      expect(Role?.Tags, name).toEqual(TAGS(env));
      // IAM returns the trust policy URL-encoded
      expect(Role?.AssumeRolePolicyDocument, name).toContain('%22');
      const purpose = name.replace(/^mt-pipeline-/, '').replace(/-(dev|prod)$/, '');
      expect(decode(Role?.AssumeRolePolicyDocument), name).toEqual(trustFor(`${service[purpose]}.amazonaws.com`));

      const { PolicyNames = [] } = await iam.send(new ListRolePoliciesCommand({ RoleName: name }));
      const { AttachedPolicies = [] } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }));
      if (purpose === 'codedeploy') {
        expect(PolicyNames, name).toEqual([]);
        expect(AttachedPolicies.map((p) => p.PolicyArn), name).toEqual([CODEDEPLOY_FOR_LAMBDA]);
      } else {
        expect(PolicyNames, name).toEqual(['mtpipe-least-privilege']);
        expect(AttachedPolicies, name).toEqual([]);
      }
    }

    expect(await inlinePolicy('mt-pipeline-events')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'StartThePipeline',
          Effect: 'Allow',
          Action: ['codepipeline:StartPipelineExecution'],
          Resource: [`arn:aws:codepipeline:${REGION}:${ACCOUNT}:mt-pipeline-pipeline`],
        },
      ],
    });
    const deploy = await inlinePolicy('mt-pipeline-deploy-prod');
    expect(deploy.Statement.find((s) => s.Sid === 'ReadTheTokenSecret')?.Resource).toBe(
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:mt-pipeline/prod/hugging-face-token-*`,
    );
    expect(deploy.Statement.find((s) => s.Sid === 'AssumeTheCdkBootstrapRolesOfTheEnvironment')?.Resource).toBe(
      `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-*-role-${ACCOUNT}-${REGION}`,
    );
    const build = await inlinePolicy('mt-pipeline-build');
    expect(build.Statement.find((s) => s.Sid === 'PushTheQualityEstimationImage')?.Resource).toBe(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/mt-pipeline-qe`);

    // the roles are reported with their ARNs
    for (const name of ROLES) expect(run.stdout).toContain(`arn:aws:iam::${ACCOUNT}:role/mtpipe/${name}`);
  });

  it('stores the token in one secret per environment, with its tags, readable only as a secret', async () => {
    const run = await setUp();
    for (const env of ['dev', 'prod']) {
      const name = `mt-pipeline/${env}/hugging-face-token`;
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: name }));
      expect(SecretString).toBe(HF_TOKEN);
      const described = await secrets.send(new DescribeSecretCommand({ SecretId: name }));
      // a secret is regional: no region tag
      expect(described.Tags).toEqual(TAGS(env).slice(0, 2));
      expect(described.KmsKeyId).toBeUndefined(); // aws/secretsmanager
      expect(described.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:mt-pipeline/${env}/hugging-face-token-[A-Za-z0-9]{6}$`));
      // the reported ARN is the one AWS made (with its random suffix)
      expect(run.stdout).toContain(described.ARN!);
    }
    expect(run.stdout).toMatch(/hugging-face-token\n\s+value: \(secret\)/);
    // the two secrets are created concurrently: compare them in name order
    const created = run.writes.filter((call) => call.operation === 'CreateSecret');
    const byName = (a: unknown, b: unknown) => String((a as { Name: string }).Name).localeCompare(String((b as { Name: string }).Name));
    expect(created.map((call) => call.input).sort(byName)).toEqual(
      ['dev', 'prod'].map((env) => ({ Name: `mt-pipeline/${env}/hugging-face-token`, SecretString: '***', Tags: [{ Key: 'mtpipe:project', Value: '***' }, { Key: 'mtpipe:env', Value: '***' }] })),
    );
    expectNoToken(run);
  });

  it('with the token in SSM: roles only, no secret, and nothing to ask', async () => {
    setHfToken(undefined);
    const run = await setUp({});
    expect(operationsOf(run.writes).filter((op) => !op.startsWith('IAM.'))).toEqual([]);
    const { SecretList = [] } = await secrets.send(new ListSecretsCommand({}));
    expect(SecretList).toEqual([]);
  });

  it('first run, second run (zero writes), dry run (zero writes); every request valid for the AWS API', async () => {
    const first = await setUp();
    expect(operationsOf(first.writes).sort()).toEqual(
      [...Array(9).fill('IAM.CreateRole'), ...Array(7).fill('IAM.PutRolePolicy'), ...Array(2).fill('IAM.AttachRolePolicy'), ...Array(2).fill('SecretsManager.CreateSecret')].sort(),
    );
    const second = await setUp();
    expect(second.writes).toEqual([]);
    expect(second.stdout).toMatch(/^No changes — 20 resources up to date\.$/m);
    // 18 IAM resources, read from one snapshot of the account (src/aws/iam-snapshot.ts), not role by role
    expect(operationsOf(second.calls).filter((op) => op.startsWith('IAM.')).sort()).toEqual(['IAM.GetAccountAuthorizationDetails', 'IAM.ListRoles']);
    expect(second.stdout).not.toContain('Plan:');

    const dryRun = await setUp({ ...IN_SECRETS_MANAGER, options: { dryRun: true } });
    expect(dryRun.writes).toEqual([]);
    await resetMoto(moto);
    const dryRunEmpty = await setUp({ ...IN_SECRETS_MANAGER, options: { dryRun: true } });
    expect(dryRunEmpty.writes).toEqual([]);
    expect(dryRunEmpty.stdout).toContain('Plan: 20 to create, 0 to update, 0 to delete, 0 unchanged.');
    const { Roles = [] } = await iam.send(new ListRolesCommand({}));
    expect(Roles).toEqual([]);

    const calls: AwsCall[] = [first, second, dryRun, dryRunEmpty].flatMap((run) => run.calls);
    // botocore names the service "secretsmanager"
    const { violations } = validateCalls(calls.map((call) => ({ ...call, service: call.service === 'SecretsManager' ? 'secretsmanager' : call.service })));
    expect(violations, violations.join('\n')).toEqual([]);
    for (const run of [first, second, dryRun, dryRunEmpty]) expectNoToken(run);
  });

  it('a changed inline policy is rewritten with exactly one PutRolePolicy; a changed trust policy with one UpdateAssumeRolePolicy', async () => {
    await setUp();
    const original = await inlinePolicy('mt-pipeline-itest-dev');
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'mt-pipeline-itest-dev',
        PolicyName: 'mtpipe-least-privilege',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::somebody-elses-bucket/*' }] }),
      }),
    );
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'mt-pipeline-events', PolicyDocument: JSON.stringify(trustFor('ec2.amazonaws.com')) }));

    const run = await setUp();
    expect(run.writes.map((call) => [call.operation, call.input])).toEqual(
      expect.arrayContaining([
        ['PutRolePolicy', expect.objectContaining({ RoleName: 'mt-pipeline-itest-dev', PolicyName: 'mtpipe-least-privilege' })],
        ['UpdateAssumeRolePolicy', expect.objectContaining({ RoleName: 'mt-pipeline-events' })],
      ]),
    );
    expect(operationsOf(run.writes).sort()).toEqual(['IAM.PutRolePolicy', 'IAM.UpdateAssumeRolePolicy']);
    expect(run.stdout).toContain('somebody-elses-bucket');
    expect(await inlinePolicy('mt-pipeline-itest-dev')).toEqual(original);
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'mt-pipeline-events' }));
    expect(decode(Role?.AssumeRolePolicyDocument)).toEqual(trustFor('events.amazonaws.com'));

    expect((await setUp()).writes).toEqual([]);
  });

  it('keeps the stored token when none is given; a new token is one PutSecretValue per secret', async () => {
    await setUp();
    setHfToken(undefined);
    const kept = await setUp();
    expect(kept.writes).toEqual([]);

    setHfToken('hf_rotatedSecurityToken_77');
    const rotated = await setUp();
    expect(operationsOf(rotated.writes)).toEqual(['SecretsManager.PutSecretValue', 'SecretsManager.PutSecretValue']);
    expect(rotated.stdout).toContain('value: (secret) changed');
    expectNoToken(rotated, 'hf_rotatedSecurityToken_77');
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: 'mt-pipeline/prod/hugging-face-token' }));
    expect(SecretString).toBe('hf_rotatedSecurityToken_77');
    // a value changed by someone else is put back
    await secrets.send(new PutSecretValueCommand({ SecretId: 'mt-pipeline/dev/hugging-face-token', SecretString: 'changed-elsewhere' }));
    expect(operationsOf((await setUp()).writes)).toEqual(['SecretsManager.PutSecretValue']);
  });

  it('no token anywhere: refused before any write, naming HF_TOKEN and --hf-token-stdin', async () => {
    setHfToken(undefined);
    const run = await runInProcess('setup-security', [setupSecurity], moto, IN_SECRETS_MANAGER);
    expect(run.error).toBeInstanceOf(MtpipeError);
    expect((run.error as MtpipeError).exitCode).toBe(2);
    expect((run.error as MtpipeError).message).toContain('mt-pipeline/dev/hugging-face-token has no value yet: set HF_TOKEN or pass --hf-token-stdin');
    expect(run.writes).toEqual([]);
  });

  it('a role someone else made (no mtpipe tags) is not changed, nor its policies, without --adopt', async () => {
    await iam.send(
      new CreateRoleCommand({ RoleName: 'mt-pipeline-events', Path: '/mtpipe/', AssumeRolePolicyDocument: JSON.stringify(trustFor('events.amazonaws.com')), Description: 'theirs' }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'mt-pipeline-events',
        PolicyName: 'mtpipe-least-privilege',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codepipeline:GetPipeline', Resource: `arn:aws:codepipeline:${REGION}:${ACCOUNT}:theirs` }] }),
      }),
    );
    const refused = await runInProcess('setup-security', [setupSecurity], moto, IN_SECRETS_MANAGER);
    expect((refused.error as MtpipeError).exitCode).toBe(2);
    expect((refused.error as MtpipeError).message).toMatch(/mt-pipeline-events: exists without the tag mtpipe:project=mt-pipeline/);
    expect((refused.error as MtpipeError).message).toMatch(
      /mt-pipeline-events\/mtpipe-least-privilege: belongs to iam:role "mt-pipeline-events", which exists without the tag mtpipe:project=mt-pipeline/,
    );
    // the role is read once: its inline policy takes the role's ownership from the plan
    expect(operationsOf(refused.calls).filter((op) => op === 'IAM.GetRole')).toHaveLength(
      new Set(refused.calls.filter((c) => c.operation === 'GetRole').map((c) => JSON.stringify(c.input))).size,
    );
    expect(refused.writes).toEqual([]);

    const adopted = await setUp({ ...IN_SECRETS_MANAGER, options: { adopt: true } });
    expect(operationsOf(adopted.writes.filter((call) => JSON.stringify(call.input).includes('mt-pipeline-events'))).sort()).toEqual(
      ['IAM.PutRolePolicy', 'IAM.TagRole', 'IAM.UpdateRole'].sort(),
    );
    expect((await iam.send(new GetRoleCommand({ RoleName: 'mt-pipeline-events' }))).Role?.Tags).toEqual(TAGS('shared'));
  });
});
