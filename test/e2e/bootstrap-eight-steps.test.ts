/**
 * The done-when of the eight-steps issue, as a user runs it: `bootstrap --yes --source DIR` against a
 * fresh emulator holding the deployed sample solution — the code pushed (less the ignored files), the
 * pipeline started by the test commit and watched up to prod's approval (non-interactive: nobody
 * answers it there), then `mtpipe approve prod` and `mtpipe watch` to its end, verify's table; a rerun
 * makes no second test commit.
 */
import { CodeCommitClient, GetBranchCommand, GetDifferencesCommand } from '@aws-sdk/client-codecommit';
import { CodePipelineClient, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, explain, removeDirs, runCli, tempDir, writeTestConfig } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { writeSourceTree } from '../support/source-tree.js';
import { deploySampleSolution } from '../support/solution-fixture.js';

const moto = inject('motoUrl');
const TOKEN = `hf_e2eEight${Math.random().toString(36).slice(2, 12)}`;
const config = { endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
const codecommit = new CodeCommitClient(config);
const codepipeline = new CodePipelineClient(config);
const dirs: string[] = [];

/** A small tree shaped like the sample: its CDK app marker, a function, and what .gitignore leaves out. */
async function sourceTree(): Promise<string> {
  const dir = await tempDir('mtpipe-source-');
  dirs.push(dir);
  return writeSourceTree(dir, { ignored: true });
}

async function branchFiles(): Promise<string[]> {
  const { branch } = await codecommit.send(new GetBranchCommand({ repositoryName: 'machine-translation', branchName: 'main' }));
  const { differences } = await codecommit.send(new GetDifferencesCommand({ repositoryName: 'machine-translation', afterCommitSpecifier: branch!.commitId! }));
  return (differences ?? []).map((difference) => difference.afterBlob!.path!).sort();
}

describe('mtpipe bootstrap --yes --source DIR: the eight steps', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => [codecommit, codepipeline].forEach((client) => client.destroy()));

  it('pushes, provisions, runs the test commit through the pipeline, verifies; a rerun makes no second test commit', async () => {
    await deploySampleSolution(moto, { endpointName: 'mt-pipeline-dev-qe-endpoint', topicName: 'mt-pipeline-dev-qe-topic' });
    const source = await sourceTree();
    const cwd = await tempDir();
    const home = await tempDir('mtpipe-home-');
    dirs.push(cwd, home);
    await writeTestConfig(cwd);
    const env = cleanEnv({ home, extra: { HF_TOKEN: TOKEN } });

    const first = await runCli(['bootstrap', '--yes', '--source', source, '--endpoint-url', moto], { cwd, env, timeoutMs: 150_000 });
    expect(first.code, explain(first)).toBe(0);
    expect(first.stderr).toMatch(/step 1 of 8: repository/);
    expect(first.stderr).toMatch(/step 7 of 8 \(test\): a test commit through the pipeline/);
    expect(first.stderr).toMatch(/Approve-prod waits for approval: mtpipe approve prod/);
    const waiting = /^Pipeline mt-pipeline-pipeline, execution ([0-9a-f-]{36}) for test commit [0-9a-f]{8}: waits at Approve-prod \(everything before it succeeded\); answer with mtpipe approve prod, then follow it with mtpipe watch \1$/m.exec(first.stdout);
    expect(waiting, first.stdout).not.toBeNull();
    // verify's table follows: the pipeline's last execution waits at the approval
    expect(first.stdout).toMatch(/tool account/);
    expect(first.stdout).toMatch(/stack WorkflowStack\s+ok/);

    // as the output says: approve, then watch it to its end
    const approve = await runCli(['approve', 'prod', '--endpoint-url', moto], { cwd, env });
    expect(approve.code, explain(approve)).toBe(0);
    const watched = await runCli(['watch', waiting![1]!, '--interval', '0.5', '--endpoint-url', moto], { cwd, env, timeoutMs: 60_000 });
    expect(watched.code, explain(watched)).toBe(0);
    expect(watched.stdout).toMatch(/Succeeded/);

    const files = await branchFiles();
    expect(files).toEqual(expect.arrayContaining(['.gitignore', 'deployment/app.py', 'deployment/cdk.json', 'source/lambda/prompt/lambda_handler.py', 'buildspec.yml', 'appspec.yml', '.mtpipe/last-test']));
    expect(files.filter((file) => file.startsWith('cdk.out/') || file.endsWith('.log'))).toEqual([]);
    const { pipelineExecutionSummaries: executions } = await codepipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'mt-pipeline-pipeline' }));
    expect(executions?.map((execution) => [execution.status, execution.trigger?.triggerType])).toEqual([['Succeeded', 'CloudWatchEvent']]);
    const tip = (await codecommit.send(new GetBranchCommand({ repositoryName: 'machine-translation', branchName: 'main' }))).branch?.commitId;

    // again: nothing to provision, nothing to push, the same test commit's execution watched again
    const second = await runCli(['bootstrap', '--yes', '--source', source, '--endpoint-url', moto], { cwd, env, timeoutMs: 150_000 });
    expect(second.code, explain(second)).toBe(0);
    expect(second.stdout).toMatch(/^No changes — \d+ resources up to date \(and \d+ read only, not managed by this command\)\.$/m);
    expect(second.stdout).toMatch(/for the test commit of an earlier run [0-9a-f]{8}: Succeeded/);
    expect((await codecommit.send(new GetBranchCommand({ repositoryName: 'machine-translation', branchName: 'main' }))).branch?.commitId).toBe(tip);
    const after = await codepipeline.send(new ListPipelineExecutionsCommand({ pipelineName: 'mt-pipeline-pipeline' }));
    expect(after.pipelineExecutionSummaries).toHaveLength(1);
  }, 360_000);
});
