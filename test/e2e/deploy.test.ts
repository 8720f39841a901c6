/**
 * `mtpipe create-deploy`, `mtpipe render` and `mtpipe release` as a user runs them (bin/mtpipe, built),
 * against moto. moto's CodeDeploy gaps are corrected by test/support/moto_ext_deploy.py.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CodeDeployClient, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetAliasCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, type CliRun, writeTestConfig } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

// the test process runs on Node 20 too: keep the SDK's support notice out of the test output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const moto = inject('motoUrl');
const clientConfig = { endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
const iam = new IAMClient(clientConfig);
const cloudformation = new CloudFormationClient(clientConfig);
const codedeploy = new CodeDeployClient(clientConfig);
const lambda = new LambdaClient(clientConfig);
const dirs: string[] = [];

/** Runs bin/mtpipe in `cwd` (a fresh directory with the given mtpipe.yaml, if any). */
async function mtpipe(args: string[], options: { cwd?: string; config?: string } = {}): Promise<CliRun> {
  const home = await tempDir('mtpipe-home-');
  dirs.push(home);
  let cwd = options.cwd;
  if (!cwd) {
    cwd = await tempDir();
    dirs.push(cwd);
  }
  if (options.config) await writeTestConfig(cwd, options.config);
  return runCli(args, { cwd, env: cleanEnv({ home }) });
}

const WITH_STACK = 'solution:\n  stacks: [MtStack]\n';

async function solutionAndRoles(): Promise<void> {
  const trust = (service: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
  for (const env of ['dev', 'prod']) {
    await iam.send(
      new CreateRoleCommand({
        RoleName: `mt-pipeline-codedeploy-${env}`,
        Path: '/mtpipe/',
        AssumeRolePolicyDocument: trust('codedeploy.amazonaws.com'),
        Tags: [
          { Key: 'mtpipe:project', Value: 'mt-pipeline' },
          { Key: 'mtpipe:env', Value: env },
        ],
      }),
    );
  }
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: 'solution-lambda', AssumeRolePolicyDocument: trust('lambda.amazonaws.com') }));
  const fn = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.12', Handler: 'index.handler', Role: Role!.Arn, Code: { ZipFile: 'def handler(e, c):\n    return 1\n' } } };
  await cloudformation.send(new CreateStackCommand({ StackName: 'MtStack', TemplateBody: JSON.stringify({ Resources: { TranslationPromptGeneratorCDK: fn } }) }));
}

describe('mtpipe create-deploy, render and release', () => {
  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    await resetMoto(moto);
    await solutionAndRoles();
  });
  afterEach(() => removeDirs(dirs));
  afterAll(() => [iam, cloudformation, codedeploy, lambda].forEach((client) => client.destroy()));

  it('create-deploy creates the application and groups, then a second run makes zero write calls', async () => {
    const endpoint = ['--endpoint-url', moto];
    const created = await mtpipe(['create-deploy', '--yes', ...endpoint], { config: WITH_STACK });
    expect(created.code, explain(created)).toBe(0);
    expect(created.stdout).toMatch(/^created\s+codedeploy:application mt-pipeline-lambda/m);
    expect(created.stdout).toMatch(/^created\s+codedeploy:deployment-group mt-pipeline-dev/m);
    expect(created.stdout).toMatch(/^created\s+codedeploy:deployment-group mt-pipeline-prod/m);
    expect(created.stdout).toMatch(/functions: TranslationPromptGeneratorCDK → MtStack-TranslationPromptGeneratorCDK-/);
    const { deploymentGroupInfo } = await codedeploy.send(new GetDeploymentGroupCommand({ applicationName: 'mt-pipeline-lambda', deploymentGroupName: 'mt-pipeline-prod' }));
    expect(deploymentGroupInfo?.deploymentConfigName).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');

    const again = await mtpipe(['create-deploy', '--yes', '--debug', ...endpoint], { config: WITH_STACK });
    expect(again.code, explain(again)).toBe(0);
    expect(again.stdout).toMatch(/^No changes — \d+ resources? up to date( \(and \d+ read only, not managed by this command\))?\.$/m);
    expect(debugCalls(again.stderr).length).toBeGreaterThan(0);
    expect(debugWrites(again.stderr), again.stderr).toEqual([]);

    const json = await mtpipe(['create-deploy', '--dry-run', '--json', '--debug', ...endpoint], { config: WITH_STACK });
    expect(json.code, explain(json)).toBe(0);
    expect(debugWrites(json.stderr)).toEqual([]);
    const doc = JSON.parse(json.stdout) as { outputs: Record<string, Record<string, { deploymentGroup: string; deploymentConfig: string }>> };
    expect(doc.outputs['create-deploy']?.dev).toMatchObject({ deploymentGroup: 'mt-pipeline-dev', deploymentConfig: 'CodeDeployDefault.LambdaAllAtOnce' });
  });

  it('render writes the buildspecs and appspec.yml, and never overwrites without --force', async () => {
    const out = await tempDir('mtpipe-render-');
    dirs.push(out);
    const rendered = await mtpipe(['render', '--out', out]);
    expect(rendered.code, explain(rendered)).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'appspec.yml',
      'buildspec-deploy-dev.yml',
      'buildspec-deploy-prod.yml',
      'buildspec-test-dev.yml',
      'buildspec-test-prod.yml',
      'buildspec.yml',
      'scripts',
    ]);
    expect(await readdir(join(out, 'scripts'))).toEqual(['mtpipe-smoke-test.py']);
    expect(parse(await readFile(join(out, 'buildspec.yml'), 'utf8'))).toMatchObject({ version: 0.2 });
    expect(parse(await readFile(join(out, 'appspec.yml'), 'utf8'))).toBeNull();

    await writeFile(join(out, 'buildspec.yml'), 'mine\n');
    const refused = await mtpipe(['render', '--out', out]);
    expect(refused.code, explain(refused)).toBe(2);
    expect(refused.stderr).toContain(`${join(out, 'buildspec.yml')} exists`);
    expect(await readFile(join(out, 'buildspec.yml'), 'utf8')).toBe('mine\n');

    const forced = await mtpipe(['render', '--out', out, '--force', '--env', 'dev']);
    expect(forced.code, explain(forced)).toBe(0);
    expect(await readFile(join(out, 'buildspec.yml'), 'utf8')).not.toBe('mine\n');
    expect(await readdir(out)).toContain('buildspec-deploy.yml');
  });

  it('release creates live, then shifts it to a new version through CodeDeploy', async () => {
    const endpoint = ['--endpoint-url', moto];
    expect((await mtpipe(['create-deploy', '--yes', ...endpoint], { config: WITH_STACK })).code).toBe(0);

    const first = await mtpipe(['release', 'TranslationPromptGeneratorCDK', '--env', 'dev', '--yes', ...endpoint], { config: WITH_STACK });
    expect(first.code, explain(first)).toBe(0);
    const name = /MtStack-TranslationPromptGeneratorCDK-[A-Z0-9]+/.exec(first.stdout)?.[0];
    expect(name, first.stdout).toBeDefined();
    expect((await lambda.send(new GetAliasCommand({ FunctionName: name!, Name: 'live' }))).FunctionVersion).toBe('1');

    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name!, Description: 'v2' }));
    const dry = await mtpipe(['release', 'TranslationPromptGeneratorCDK', '--env', 'dev', '--dry-run', '--debug', ...endpoint], { config: WITH_STACK });
    expect(dry.code, explain(dry)).toBe(0);
    expect(debugWrites(dry.stderr)).toEqual([]);

    const second = await mtpipe(['release', 'TranslationPromptGeneratorCDK', '--env', 'dev', '--yes', ...endpoint], { config: WITH_STACK });
    expect(second.code, explain(second)).toBe(0);
    expect(second.stdout).toContain('version 2');
    expect((await lambda.send(new GetAliasCommand({ FunctionName: name!, Name: 'live' }))).FunctionVersion).toBe('2');
  });
});
