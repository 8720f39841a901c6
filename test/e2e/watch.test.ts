/** `mtpipe run`, `watch` and `approve` as a user runs them (bin/mtpipe, built), against moto's simulated executions. */
import { CodePipelineClient, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-codepipeline';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, explain, removeDirs, runCli, tempDir, TEST_ENVIRONMENTS_YAML, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const moto = inject('motoUrl');
const codepipeline = new CodePipelineClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const PIPELINE_ARN = 'arn:aws:codepipeline:us-east-1:123456789012:mt-pipeline-pipeline';
const dirs: string[] = [];
let cwd = '';
let env: Record<string, string> = {};

async function mtpipe(args: string[]): Promise<CliRun> {
  return runCli([...args, '--endpoint-url', moto], { cwd, env, timeoutMs: 60_000 });
}

/** Starts `mtpipe args`, sends SIGINT once stderr contains `when`, and collects the end. */
async function interrupted(args: string[], when: string): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args, '--endpoint-url', moto], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes(when) && !child.killed) child.kill('SIGINT');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe('mtpipe run / watch / approve', () => {
  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    await resetMoto(moto);
    const home = await tempDir('mtpipe-home-');
    cwd = await tempDir();
    dirs.push(home, cwd);
    env = cleanEnv({ home, extra: { HF_TOKEN: 'hf_e2eWatchToken' } });
    await writeFile(join(cwd, 'mtpipe.yaml'), `notifications:\n  approvers: [lead@example.com]\n${TEST_ENVIRONMENTS_YAML}`);
    const boot = await mtpipe(['bootstrap', '--yes']);
    expect(boot.code, explain(boot)).toBe(0);
    await codepipeline.send(new TagResourceCommand({ resourceArn: PIPELINE_ARN, tags: [{ key: 'mtpipe-sim:seconds', value: '0.2' }] }));
  });
  afterEach(() => removeDirs(dirs));
  afterAll(() => codepipeline.destroy());

  it('Ctrl-C while watching: exit 130, the execution keeps running; approve prod; watch again: exit 0', async () => {
    const started = await mtpipe(['run', '--no-watch']);
    expect(started.code, explain(started)).toBe(0);
    const executionId = started.stdout.trim();
    expect(executionId).toMatch(/^[0-9a-f-]{36}$/);

    const stopped = await interrupted(['watch', '--interval', '0.2'], 'waits for approval');
    expect(stopped.code, explain(stopped)).toBe(130);
    expect(stopped.stderr).toContain('mtpipe approve prod');
    expect(stopped.stderr).toContain(`aborted: stopped watching: execution ${executionId} of mt-pipeline-pipeline keeps running in CodePipeline`);
    expect(stopped.stderr).toContain(`hint: watch it again: mtpipe watch ${executionId}`);

    const approved = await mtpipe(['approve', 'prod', '--comment', 'looks right']);
    expect(approved.code, explain(approved)).toBe(0);
    expect(approved.stdout).toBe(`Approved Approve-prod of mt-pipeline-pipeline (execution ${executionId}): looks right\n`);

    const watched = await mtpipe(['watch', executionId, '--interval', '0.2', '--json']);
    expect(watched.code, explain(watched)).toBe(0);
    const document = JSON.parse(watched.stdout) as { status: string; stages: { name: string; status: string }[] };
    expect(document.status).toBe('Succeeded');
    expect(document.stages.every((stage) => stage.status === 'Succeeded')).toBe(true);

    const again = await mtpipe(['approve', 'prod']);
    expect(again.code, explain(again)).toBe(1);
    expect(again.stderr).toContain(`error: no approval pending for prod: stage Approve-prod is Succeeded (execution ${executionId})`);
  });

  it('a failed execution: run exits 1 with the build log tail; approve of an unknown environment exits 2', async () => {
    await codepipeline.send(new TagResourceCommand({ resourceArn: PIPELINE_ARN, tags: [{ key: 'mtpipe-sim:fail', value: 'BuildAndTest' }] }));
    const failed = await mtpipe(['run', '--interval', '0.2']);
    expect(failed.code, explain(failed)).toBe(1);
    expect(failed.stderr).toContain('BuildAndTest › BuildAndTest: Failed');
    expect(failed.stderr).toContain('[Container] Phase complete: BUILD State: FAILED');
    expect(failed.stderr).toMatch(/error: execution [0-9a-f-]{36} of mt-pipeline-pipeline failed: BuildAndTest › BuildAndTest/);
    expect(failed.stdout).toMatch(/^Execution [0-9a-f-]{36} of mt-pipeline-pipeline: Failed/);

    await codepipeline.send(new UntagResourceCommand({ resourceArn: PIPELINE_ARN, tagKeys: ['mtpipe-sim:fail'] }));
    const unknown = await mtpipe(['approve', 'qa']);
    expect(unknown.code, explain(unknown)).toBe(2);
    expect(unknown.stderr).toContain('no environment "qa" in the configuration (known: dev, prod)');
  });
});
