import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { initRepo } from '../../src/commands/init-repo.js';
import { setParams } from '../../src/commands/set-params.js';
import { MtpipeError } from '../../src/errors.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import {
  ACCOUNT,
  assumedRoles,
  expectedParameters,
  HF_TOKEN,
  operationsOf,
  parameterName,
  parametersUnder,
  restoreHfTokenAfterEach,
  setHfToken,
  stateClients,
} from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

const OTHER_ACCOUNT = '111111111111';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/deployer`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-int-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function configFile(yaml: string): Promise<string> {
  const file = join(dir, 'mtpipe.yaml');
  await writeFile(file, yaml);
  return file;
}

function expectWrongAccount(error: unknown): void {
  expect(error).toBeInstanceOf(MtpipeError);
  const message = (error as MtpipeError).message;
  expect(message).toContain('environment dev');
  expect(message).toContain(ACCOUNT);
  expect(message).toContain(OTHER_ACCOUNT);
  expect((error as MtpipeError).code).toBe('wrong_account');
}

describe('environments', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();
  beforeEach(() => setHfToken(HF_TOKEN));

  it('an environment whose account is not the one the credentials reach (flags): error before any write', async () => {
    const run = await runInProcess('bootstrap', [initRepo, setParams], moto, {
      overrides: { environments: { dev: { account: OTHER_ACCOUNT }, prod: {} } },
    });
    expectWrongAccount(run.error);
    expect(run.writes).toEqual([]);
    // STS was asked, nothing was even read beyond that
    expect(operationsOf(run.calls)).toEqual(['STS.GetCallerIdentity']);
    expect((await parametersUnder(aws.ssm, '/mt-pipeline/')).size).toBe(0);
  });

  it('the same from a configuration file (--config)', async () => {
    const config = await configFile(
      ['environments:', '  dev:', `    account: "${OTHER_ACCOUNT}"`, '  prod:', `    account: "${ACCOUNT}"`, ''].join('\n'),
    );
    const run = await runInProcess('set-params', [setParams], moto, { options: { config } });
    expectWrongAccount(run.error);
    expect((run.error as MtpipeError).hint).toMatch(/--profile|roleArn/);
    expect(run.writes).toEqual([]);
    expect((await parametersUnder(aws.ssm, '/mt-pipeline/')).size).toBe(0);
  });

  it('the right account given for every environment: runs (prod allowed to share dev\'s account)', async () => {
    const lines = ['environments:', '  dev:', `    account: "${ACCOUNT}"`, '  prod:', `    account: "${ACCOUNT}"`];
    const refused = await runInProcess('set-params', [setParams], moto, { options: { config: await configFile([...lines, ''].join('\n')) } });
    expect((refused.error as MtpipeError).code).toBe('shared_account');
    expect((refused.error as MtpipeError).exitCode).toBe(2);
    expect(refused.writes).toEqual([]);

    const config = await configFile([...lines, '    allowSharedAccount: true', ''].join('\n'));
    const run = await runInProcess('set-params', [setParams], moto, { options: { config } });
    expect(run.error).toBeUndefined();
    expect(run.writes).toHaveLength(16);
  });

  it('--env dev writes the shared resources and dev only', async () => {
    const run = await runInProcess('bootstrap', [initRepo, setParams], moto, { options: { env: 'dev' } });
    expect(run.error).toBeUndefined();
    const parameterWrites = run.writes.filter((call) => call.service === 'SSM');
    const names = parameterWrites.map((call) => (call.input as { Name: string }).Name);
    expect(names.sort()).toEqual([...Object.keys(expectedParameters('dev')), 'hugging_face_token'].map((n) => parameterName('dev', n)).sort());
    expect(JSON.stringify(run.writes)).not.toContain('/prod/');
    // the shared init-repo resources are still part of the run
    expect(run.writes.filter((call) => call.service !== 'SSM')).toHaveLength(7);
    expect((await parametersUnder(aws.ssm, '/mt-pipeline/prod/')).size).toBe(0);
    expect((await parametersUnder(aws.ssm, '/mt-pipeline/dev/')).size).toBe(8);
    expect(run.stdout).not.toMatch(/^prod \(/m);

    // and a later --env prod does not touch dev
    const prod = await runInProcess('set-params', [setParams], moto, { options: { env: 'prod' } });
    expect(prod.error).toBeUndefined();
    expect(prod.writes.every((call) => (call.input as { Name: string }).Name.startsWith('/mt-pipeline/prod/'))).toBe(true);
    expect(prod.writes).toHaveLength(8);
  });

  it('--env with an unknown environment is refused before any AWS call', async () => {
    const run = await runInProcess('set-params', [setParams], moto, { options: { env: 'staging' } });
    expect((run.error as MtpipeError).exitCode).toBe(2);
    expect((run.error as MtpipeError).message).toContain('staging');
    expect(run.calls).toEqual([]);
  });

  it('environments.prod.roleArn: prod is reached by assuming the role, and its parameters land', async () => {
    await aws.iam.send(
      new CreateRoleCommand({
        RoleName: 'deployer',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const config = await configFile(
      ['environments:', '  dev: {}', '  prod:', `    account: "${ACCOUNT}"`, `    roleArn: ${ROLE_ARN}`, '    allowSharedAccount: true', ''].join('\n'),
    );
    const run = await runInProcess('set-params', [setParams], moto, { options: { config } });
    expect(run.error).toBeUndefined();

    // moto handed out credentials for the role once, with mtpipe's session name, although the STS and the
    // SSM client both used them; the AssumeRole call is observed (and shown with --debug) like any other.
    const assumed = await assumedRoles(moto);
    expect(assumed).toHaveLength(1);
    expect(assumed[0]).toMatchObject({ role_arn: ROLE_ARN, session_name: 'mtpipe', account_id: ACCOUNT });
    expect(operationsOf(run.calls).filter((op) => op === 'STS.AssumeRole')).toHaveLength(1);
    // prod asked STS who it is with the role's credentials: one more GetCallerIdentity than without a role
    expect(operationsOf(run.calls).filter((op) => op === 'STS.GetCallerIdentity')).toHaveLength(2);

    const prod = await parametersUnder(aws.ssm, '/mt-pipeline/prod/');
    for (const [name, value] of Object.entries(expectedParameters('prod'))) expect(prod.get(parameterName('prod', name))?.Value).toBe(value);
    expect(prod.get(parameterName('prod', 'hugging_face_token'))?.Value).toBe(HF_TOKEN);
    expect(run.writes).toHaveLength(16);
  });

  it('a roleArn in another account: prod parameters stay with the builds (tool account), filled with the prod account id', async () => {
    const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/deployer`;
    const config = await configFile(
      ['environments:', '  dev: {}', '  prod:', `    account: "${OTHER_ACCOUNT}"`, `    roleArn: ${roleArn}`, ''].join('\n'),
    );
    const run = await runInProcess('set-params', [setParams], moto, { options: { config } });
    expect(run.error).toBeUndefined();
    // the role was assumed to learn (and check) the prod account
    expect(await assumedRoles(moto)).toMatchObject([{ role_arn: roleArn }]);

    const prod = await parametersUnder(aws.ssm, '/mt-pipeline/prod/');
    expect(prod.get(parameterName('prod', 'input_bucket_name'))?.Value).toBe(`mt-pipeline-prod-input-${OTHER_ACCOUNT}`);
    expect(prod.get(parameterName('prod', 'quality_estimation_sgm_image_uri'))?.Value).toBe(
      `${OTHER_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/mt-pipeline-qe:latest`,
    );
    expect(prod.size).toBe(8);
    expect((await parametersUnder(aws.ssm, '/mt-pipeline/dev/')).size).toBe(8);

    // nothing was written into the prod account itself
    const { Credentials } = await aws.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'test' }));
    const other = new SSMClient({
      endpoint: moto,
      region: 'us-east-1',
      credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! },
    });
    try {
      expect((await parametersUnder(other, '/mt-pipeline/prod/')).size).toBe(0);
    } finally {
      other.destroy();
    }
  });

  it('a roleArn in another account than environments.prod.account: an input error naming both, before any AWS call', async () => {
    const config = await configFile(
      ['environments:', '  prod:', '    account: "222222222222"', `    roleArn: arn:aws:iam::${OTHER_ACCOUNT}:role/deployer`, ''].join('\n'),
    );
    const run = await runInProcess('set-params', [setParams], moto, { options: { config } });
    expect(run.error).toBeInstanceOf(MtpipeError);
    expect((run.error as MtpipeError).exitCode).toBe(2);
    expect((run.error as MtpipeError).message).toContain(`environments.prod.roleArn: is a role in account ${OTHER_ACCOUNT}, but environments.prod.account is 222222222222`);
    expect(run.calls).toEqual([]);
  });

  it('an environment in another region: its parameters stay in the main region, with ${region} filled with its own', async () => {
    const config = await configFile(['environments:', '  dev: {}', '  prod:', '    region: eu-west-1', '    allowSharedAccount: true', ''].join('\n'));
    const run = await runInProcess('set-params', [setParams], moto, { options: { config } });
    expect(run.error).toBeUndefined();
    expect(run.writes.filter((call) => call.region === 'eu-west-1')).toEqual([]);
    const prod = await parametersUnder(aws.ssm, '/mt-pipeline/prod/');
    expect(prod.get(parameterName('prod', 'quality_estimation_sgm_image_uri'))?.Value).toBe(
      `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/mt-pipeline-qe:latest`,
    );
    expect(prod.size).toBe(8);
    const again = await runInProcess('set-params', [setParams], moto, { options: { config } });
    expect(again.writes).toEqual([]);
  });

  it('without a roleArn no role is assumed', async () => {
    const run = await runInProcess('set-params', [setParams], moto);
    expect(run.error).toBeUndefined();
    expect(await assumedRoles(moto)).toEqual([]);
    expect(operationsOf(run.calls).filter((op) => op === 'STS.GetCallerIdentity')).toHaveLength(1);
  });
});
