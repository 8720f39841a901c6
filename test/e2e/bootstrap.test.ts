import { BatchGetProjectsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeDeployClient, ListDeploymentGroupsCommand } from '@aws-sdk/client-codedeploy';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const TOKEN = `hf_e2eBootstrap${Math.random().toString(36).slice(2, 12)}`;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const codebuild = new CodeBuildClient({ endpoint: moto, region: 'us-east-1', credentials });
const codedeploy = new CodeDeployClient({ endpoint: moto, region: 'us-east-1', credentials });
const iam = new IAMClient({ endpoint: moto, region: 'us-east-1', credentials });
const dirs: string[] = [];

async function mtpipe(args: string[]): Promise<CliRun> {
  const home = await tempDir('mtpipe-home-');
  const cwd = await tempDir();
  dirs.push(home, cwd);
  return runCli(args, { cwd, env: cleanEnv({ home, extra: { HF_TOKEN: TOKEN } }) });
}

/** The done-when of the security/builds/deploy issue, as a user would run it: default configuration plus HF_TOKEN. */
describe('mtpipe bootstrap --yes against a fresh emulator', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => {
    for (const client of [codebuild, codedeploy, iam]) client.destroy();
  });

  it('creates every step\'s resources; the same command again makes zero write calls; a dry run makes none', async () => {
    const first = await mtpipe(['bootstrap', '--yes', '--endpoint-url', moto]);
    expect(first.code, explain(first)).toBe(0);
    for (const resource of ['iam:role mt-pipeline-build', 's3:bucket mt-pipeline-artifacts-123456789012-us-east-1', 'codebuild:project mt-pipeline-cdk-deploy-prod', 'codedeploy:deployment-group mt-pipeline-prod', 'codepipeline:pipeline mt-pipeline-pipeline', 'events:rule mt-pipeline-pipeline-trigger']) {
      expect(first.stdout).toMatch(new RegExp(`^created\\s+${resource}`, 'm'));
    }
    const { projects } = await codebuild.send(
      new BatchGetProjectsCommand({ names: ['mt-pipeline-build-and-test', 'mt-pipeline-cdk-deploy-dev', 'mt-pipeline-integration-test-prod'] }),
    );
    expect(projects?.map((p) => [p.name, p.environment?.privilegedMode ?? false])).toEqual([
      ['mt-pipeline-build-and-test', true],
      ['mt-pipeline-cdk-deploy-dev', false],
      ['mt-pipeline-integration-test-prod', false],
    ]);
    expect((await codedeploy.send(new ListDeploymentGroupsCommand({ applicationName: 'mt-pipeline-lambda' }))).deploymentGroups?.sort()).toEqual([
      'mt-pipeline-dev',
      'mt-pipeline-prod',
    ]);
    expect((await iam.send(new GetRoleCommand({ RoleName: 'mt-pipeline-codedeploy-prod' }))).Role?.Path).toBe('/mtpipe/');

    const second = await mtpipe(['bootstrap', '--yes', '--debug', '--endpoint-url', moto]);
    expect(second.code, explain(second)).toBe(0);
    expect(debugCalls(second.stderr).length).toBeGreaterThan(50);
    expect(debugWrites(second.stderr), second.stderr).toEqual([]);
    // a rerun with nothing to do: one line, and only what still needs the user's action
    expect(second.stdout.replace(/\/tmp\/mtpipe-e2e-\w+/, '<cwd>')).toBe(
      [
        'No changes — 87 resources up to date (and 6 read only, not managed by this command).',
        '',
        'To do:',
        '  dev, prod: cdk-deploy deploys through the CDK bootstrap roles; bootstrap once with: cdk bootstrap aws://123456789012/us-east-1 --qualifier hnb659fds',
        '  No code pushed: <cwd> holds no deployment/cdk.json: pass --source DIR (the solution\'s directory), or push later with mtpipe push --source DIR',
        '  No approver is notified: set notifications.approvers to email addresses.',
        '  No one is alerted of alarms (SNS mt-pipeline-dev-alerts, mt-pipeline-prod-alerts): set notifications.alerts (or environments.<env>.alerts) to email addresses.',
        '(--verbose lists every resource and note)',
        '',
        'Test skipped: no code on machine-translation branch main yet: push it (mtpipe push --source DIR), then run mtpipe bootstrap --only test,verify.',
        'Verify skipped too (step 8 of 8 (verify)): nothing is deployed before the code is pushed.',
        '',
      ].join('\n'),
    );
    // --verbose: every resource and every note; --json: every resource, note and action
    const verbose = await mtpipe(['bootstrap', '--yes', '--verbose', '--endpoint-url', moto]);
    expect(verbose.code, explain(verbose)).toBe(0);
    expect(verbose.stdout.split('\n').filter((line) => /^unchanged /.test(line))).toHaveLength(93);
    expect(verbose.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 87 unchanged (and 6 read only, not managed by this command).');
    expect(verbose.stdout).toContain('git clone https://git-codecommit.us-east-1.amazonaws.com/v1/repos/machine-translation');
    const json = await mtpipe(['bootstrap', '--yes', '--json', '--endpoint-url', moto]);
    const doc = JSON.parse(json.stdout) as { resources: { status: string }[]; notes: string[]; actions: string[] };
    expect(doc.resources.filter((r) => r.status === 'unchanged')).toHaveLength(93);
    expect(doc.notes.length).toBeGreaterThan(20);
    expect(doc.actions).toHaveLength(4);

    const dry = await mtpipe(['bootstrap', '--dry-run', '--debug', '--endpoint-url', moto]);
    expect(dry.code, explain(dry)).toBe(0);
    expect(debugWrites(dry.stderr)).toEqual([]);
    expect(dry.stdout).toMatch(/Plan: 0 to create, 0 to update, 0 to delete, \d+ unchanged( \(and \d+ read only, not managed by this command\))?\./);

    for (const run of [first, second, dry]) {
      expect(run.stdout).not.toContain(TOKEN);
      expect(run.stderr).not.toContain(TOKEN);
    }
  });
});
