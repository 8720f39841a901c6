/**
 * The deploy and test builds of an environment in another account take the credentials of the role
 * mtpipe made there before cdk deploy / the smoke test: the rendered command, run in bash with the AWS
 * CLI against moto.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { defaultConfig } from '../../src/config/defaults.js';
import { configSchema } from '../../src/config/schema.js';
import { renderBuildspecs } from '../../src/templates/buildspecs.js';
import { REGION } from '../support/aws-state.js';

const moto = inject('motoUrl');
const OTHER = '210987654321';
const aws = spawnSync('aws', ['--version']).status === 0;

function assumeCommand(file: 'buildspec-deploy.yml' | 'buildspec-test.yml'): string {
  const config = configSchema.parse({ ...defaultConfig(REGION), environments: { prod: { account: OTHER } } });
  const { phases } = parse(renderBuildspecs(config, 'prod')[file]) as { phases: { build: { commands: string[] } } };
  const [command, ...more] = phases.build.commands.filter((c) => c.includes('MTPIPE_ENVIRONMENT_ROLE_ARN'));
  expect(more).toStrictEqual([]);
  return command!;
}

function runAsBuild(command: string, roleArn: string | undefined) {
  return spawnSync('bash', ['-c', `${command}\naws sts get-caller-identity --query Arn --output text`], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ENDPOINT_URL: moto,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: REGION,
      MTPIPE_ENV: 'prod',
      ...(roleArn ? { MTPIPE_ENVIRONMENT_ROLE_ARN: roleArn } : {}),
    },
  });
}

describe.skipIf(!aws)('the environment role in the deploy and test builds', () => {
  it.each(['buildspec-deploy.yml', 'buildspec-test.yml'] as const)('%s: assumes the role the project names, and runs on with its credentials', (file) => {
    const run = runAsBuild(assumeCommand(file), `arn:aws:iam::${OTHER}:role/mtpipe/mt-pipeline-deployer-prod`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(`arn:aws:sts::${OTHER}:assumed-role/mt-pipeline-deployer-prod/mtpipe-prod`);
  });

  it('without a role (an environment in the tool account) keeps the build role', () => {
    const run = runAsBuild(assumeCommand('buildspec-deploy.yml'), undefined);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).not.toContain('assumed-role');
  });

  it('stops the build when the role cannot be assumed', () => {
    const run = runAsBuild(assumeCommand('buildspec-deploy.yml'), 'not-an-arn');
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
  });
});
