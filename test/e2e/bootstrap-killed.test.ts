/**
 * bootstrap killed at any point (SIGKILL: no clean-up of any kind) and run again: it finishes, with no
 * duplicate resource (one key per alias, one pipeline execution per commit) and no second test commit;
 * a third run writes nothing.
 */
import { spawn } from 'node:child_process';
import { CodeCommitClient, GetBranchCommand, GetCommitCommand } from '@aws-sdk/client-codecommit';
import { CodePipelineClient, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { DescribeKeyCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, debugWrites, explain, removeDirs, runCli, tempDir, writeTestConfig } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { writeSourceTree } from '../support/source-tree.js';
import { deploySampleSolution } from '../support/solution-fixture.js';

const moto = inject('motoUrl');
const TOKEN = `hf_e2eKilled${Math.random().toString(36).slice(2, 12)}`;
const config = { endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
const codecommit = new CodeCommitClient(config);
const codepipeline = new CodePipelineClient(config);
const kms = new KMSClient(config);
const dirs: string[] = [];

async function sourceTree(): Promise<string> {
  const dir = await tempDir('mtpipe-source-');
  dirs.push(dir);
  return writeSourceTree(dir);
}

/** Starts bootstrap and kills it (SIGKILL) once its progress on stderr has shown `lines` lines matching `after`. */
function killedBootstrap(args: string[], cwd: string, env: Record<string, string>, after: RegExp, lines: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let seen = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      seen = stderr.split('\n').filter((line) => after.test(line)).length;
      if (seen >= lines) child.kill('SIGKILL');
    });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', () => resolve(stderr));
  });
}

/** Commit messages from the branch's tip back to the first commit. */
async function history(): Promise<string[]> {
  const messages: string[] = [];
  let id = (await codecommit.send(new GetBranchCommand({ repositoryName: 'machine-translation', branchName: 'main' }))).branch?.commitId;
  while (id) {
    const { commit } = await codecommit.send(new GetCommitCommand({ repositoryName: 'machine-translation', commitId: id }));
    messages.push(commit?.message ?? '');
    id = commit?.parents?.[0];
  }
  return messages;
}

/** Enabled customer keys, and the aliases mtpipe names them by: one key per alias. */
async function keysAndAliases(): Promise<{ enabled: number; aliases: number }> {
  const { Keys = [] } = await kms.send(new ListKeysCommand({}));
  const states = await Promise.all(Keys.map(async (key) => (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState));
  const { Aliases = [] } = await kms.send(new ListAliasesCommand({}));
  return { enabled: states.filter((state) => state === 'Enabled').length, aliases: Aliases.filter((alias) => alias.AliasName?.startsWith('alias/mt-pipeline-')).length };
}

describe('bootstrap killed and run again', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => [codecommit, codepipeline, kms].forEach((client) => client.destroy()));

  it.each([
    ['in the middle of the apply', /^✓ created /m, 30],
    ['right after the test commit', /step 7 of 8 \(test\)/, 1],
  ])('killed %s: the next run finishes with no duplicate and no second test commit; the one after writes nothing', async (_when, after, lines) => {
    await deploySampleSolution(moto, { endpointName: 'mt-pipeline-dev-qe-endpoint', topicName: 'mt-pipeline-dev-qe-topic' });
    const source = await sourceTree();
    const cwd = await tempDir();
    const home = await tempDir('mtpipe-home-');
    dirs.push(cwd, home);
    await writeTestConfig(cwd);
    const env = cleanEnv({ home, extra: { HF_TOKEN: TOKEN } });
    const args = ['bootstrap', '--yes', '--source', source, '--endpoint-url', moto];

    const killed = await killedBootstrap(args, cwd, env, after, lines);
    expect(killed).toMatch(after);

    const again = await runCli(args, { cwd, env, timeoutMs: 150_000 });
    expect(again.code, explain(again)).toBe(0);
    expect(again.stdout).toMatch(/waits at Approve-prod/);
    const tests = (await history()).filter((message) => message.startsWith('mtpipe: pipeline test'));
    expect(tests).toHaveLength(1);
    const { pipelineExecutionSummaries = [] } = await codepipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'mt-pipeline-pipeline' }));
    expect(pipelineExecutionSummaries).toHaveLength(1);
    const { enabled, aliases } = await keysAndAliases();
    expect(enabled, 'one enabled key per alias; a key a killed run left without its alias is scheduled for deletion').toBe(aliases);

    const third = await runCli([...args, '--debug'], { cwd, env, timeoutMs: 150_000 });
    expect(third.code, explain(third)).toBe(0);
    expect(debugWrites(third.stderr).map((call) => `${call.service}.${call.operation}`)).toEqual([]);
  }, 360_000);
});
