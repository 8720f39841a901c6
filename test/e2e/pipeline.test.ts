/** `mtpipe create-pipeline` as a user runs it (bin/mtpipe, built), against moto. */
import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, TEST_ENVIRONMENTS_YAML, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const moto = inject('motoUrl');
const codepipeline = new CodePipelineClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const dirs: string[] = [];
// the tests' environments (prod may share moto's one account) and who is notified
const CONFIG = `notifications:\n  approvers: [lead@example.com]\n  alerts: [ops@example.com]\n${TEST_ENVIRONMENTS_YAML}`;

async function mtpipe(args: string[], config = CONFIG): Promise<CliRun> {
  const home = await tempDir('mtpipe-home-');
  const cwd = await tempDir();
  dirs.push(home, cwd);
  await writeFile(join(cwd, 'mtpipe.yaml'), config);
  return runCli(args, { cwd, env: cleanEnv({ home, extra: { HF_TOKEN: 'hf_e2ePipelineToken' } }), timeoutMs: 90_000 });
}

describe('mtpipe create-pipeline', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => codepipeline.destroy());

  it('before the earlier steps: refuses, naming the command that creates what is missing, and writes nothing', async () => {
    const run = await mtpipe(['create-pipeline', '--yes', '--debug', '--endpoint-url', moto]);
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('run `mtpipe setup-security` first');
    expect(run.stderr).toContain('run `mtpipe create-builds` first');
    expect(debugWrites(run.stderr)).toEqual([]);
  });

  it('after bootstrap: nothing to change; the outputs name the console link, the topics and who has to confirm', async () => {
    const first = await mtpipe(['bootstrap', '--yes', '--endpoint-url', moto]);
    expect(first.code, explain(first)).toBe(0);
    expect((await codepipeline.send(new GetPipelineCommand({ name: 'mt-pipeline-pipeline' }))).pipeline?.stages!.map((s) => s.name)).toEqual([
      'Source',
      'BuildAndTest',
      'Deploy-dev',
      'Test-dev',
      'Approve-prod',
      'Deploy-prod',
      'Test-prod',
    ]);

    const again = await mtpipe(['create-pipeline', '--yes', '--debug', '--endpoint-url', moto]);
    expect(again.code, explain(again)).toBe(0);
    expect(debugCalls(again.stderr).some((call) => call.operation === 'GetPipeline')).toBe(true);
    expect(debugWrites(again.stderr)).toEqual([]);
    expect(again.stdout).toMatch(/^No changes — \d+ resources up to date( \(and \d+ read only, not managed by this command\))?\./);
    // what people still have to do is said after every run; the console link with --verbose
    expect(again.stdout).toContain('SNS topic mt-pipeline-pipeline-alerts: still to confirm their subscription (email from AWS Notifications): ops@example.com');
    expect(again.stdout).not.toContain('https://us-east-1.console.aws.amazon.com/codesuite/codepipeline');
    const verbose = await mtpipe(['create-pipeline', '--yes', '--verbose', '--endpoint-url', moto]);
    expect(verbose.stdout).toContain('https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/mt-pipeline-pipeline/view?region=us-east-1');

    const json = await mtpipe(['create-pipeline', '--yes', '--json', '--endpoint-url', moto]);
    expect(json.code, explain(json)).toBe(0);
    const outputs = (JSON.parse(json.stdout) as { outputs: Record<string, Record<string, unknown>> }).outputs['create-pipeline']!;
    expect(outputs.pipelines).toEqual([
      {
        name: 'mt-pipeline-pipeline',
        arn: 'arn:aws:codepipeline:us-east-1:123456789012:mt-pipeline-pipeline',
        consoleUrl: 'https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/mt-pipeline-pipeline/view?region=us-east-1',
        environments: ['dev', 'prod'],
        branch: 'main',
      },
    ]);
    expect(outputs.approvalTopic).toEqual({ name: 'mt-pipeline-approvals', arn: 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-approvals', unconfirmed: ['lead@example.com'] });
  });

  it('PARALLEL is refused before any AWS call, with the reason', async () => {
    const run = await mtpipe(['create-pipeline', '--yes', '--debug', '--endpoint-url', moto], `pipeline:\n  executionMode: PARALLEL\n${TEST_ENVIRONMENTS_YAML}`);
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('pipeline.executionMode: PARALLEL is refused for a deploy pipeline');
    expect(debugCalls(run.stderr)).toEqual([]);
  });
});
