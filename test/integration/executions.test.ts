/**
 * run, watch and approve against moto's pipeline, through the real SDK over HTTP. moto has no executions:
 * test/support/moto_ext_executions.py simulates one that walks the stages (tag mtpipe-sim:seconds sets
 * each action's time, mtpipe-sim:fail makes actions fail).
 */
import { CodePipelineClient, GetPipelineStateCommand, TagResourceCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { approve } from '../../src/commands/approve.js';
import type { ExecutionView } from '../../src/commands/execution-state.js';
import { run } from '../../src/commands/run.js';
import { openSession, type Session } from '../../src/commands/session.js';
import { approvalNote, outcomeError } from '../../src/commands/watch.js';
import { ExecutionDisplay } from '../../src/ui/execution-view.js';
import { NonInteractivePrompter } from '../../src/ui/prompter.js';
import { ConsoleReporter } from '../../src/ui/reporter.js';
import { validateCalls } from '../support/api-models.js';
import type { AwsCall } from '../../src/aws/call-log.js';
import { ACCOUNT, HF_TOKEN, REGION, restoreHfTokenAfterEach, setHfToken } from '../support/aws-state.js';
import { captureStream, runInProcess, SHARED_ACCOUNT_OVERRIDES } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const codepipeline = new CodePipelineClient({ endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
afterAll(() => codepipeline.destroy());

const PIPELINE = 'mt-pipeline-pipeline';
const OVERRIDES = { ...SHARED_ACCOUNT_OVERRIDES, 'notifications.approvers': ['lead@example.com'] };

async function bootstrap(simulation: Record<string, string> = {}): Promise<void> {
  setHfToken(HF_TOKEN);
  const result = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto, { overrides: OVERRIDES });
  expect(result.error, `${String(result.error)}\n${result.stderr}`).toBeUndefined();
  const tags = Object.entries({ 'mtpipe-sim:seconds': '0.2', ...simulation }).map(([key, value]) => ({ key, value }));
  await codepipeline.send(new TagResourceCommand({ resourceArn: `arn:aws:codepipeline:${REGION}:${ACCOUNT}:${PIPELINE}`, tags }));
}

async function session(calls: AwsCall[] = []): Promise<{ session: Session; stderr: ReturnType<typeof captureStream> }> {
  const stderr = captureStream();
  const reporter = new ConsoleReporter({ json: false, debug: false, color: false, stdout: captureStream(), stderr });
  const opened = await openSession(
    { yes: true, dryRun: false, json: false, debug: false, color: false, adopt: false, concurrency: 8, endpointUrl: moto },
    { overrides: OVERRIDES, flagFor: () => undefined },
    { reporter, prompter: new NonInteractivePrompter(), observers: [(call) => calls.push(call)] },
  );
  return { session: opened, stderr };
}

describe('run, watch and approve (simulated executions)', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  it('an approval: watch says who was notified and how to approve; approve prod lets the execution go on to Succeeded (exit 0)', async () => {
    await bootstrap();
    const calls: AwsCall[] = [];
    const { session: opened } = await session(calls);
    const shown = captureStream();
    const views: ExecutionView[] = [];
    let approved: Promise<unknown> | undefined;
    const plain = new ExecutionDisplay(shown, approvalNote(opened.draft.config));
    const display = {
      update(view: ExecutionView) {
        views.push(view);
        plain.update(view);
        const waiting = view.stages.find((stage) => stage.name === 'Approve-prod')?.status === 'InProgress';
        if (waiting && !approved) approved = approve(opened, { env: 'prod', comment: 'dev looks right' });
      },
      print: (lines: string[]) => plain.print(lines),
    };

    const result = await run(opened, { watch: true, intervalSeconds: 0.2 }, { display });
    await approved;

    expect(result.watched?.view.status).toBe('Succeeded');
    expect(outcomeError(result.watched!)).toBeUndefined();
    expect(result.watched!.view.stages.map((stage) => `${stage.name}:${stage.status}`)).toEqual([
      'Source:Succeeded', 'BuildAndTest:Succeeded', 'Deploy-dev:Succeeded', 'Test-dev:Succeeded', 'Approve-prod:Succeeded', 'Deploy-prod:Succeeded', 'Test-prod:Succeeded',
    ]);
    expect(shown.text()).toContain(
      '  Approve-prod waits for approval: mtpipe approve prod  (or: mtpipe approve prod --reject --comment "why"); notified lead@example.com (SNS topic mt-pipeline-approvals)',
    );
    // each build's console link (a poll may not catch a 0.2 s build InProgress: the view is asserted, not the line)
    expect(result.watched!.view.stages[1]!.actions[0]!.url).toMatch(/^https:\/\/console\.aws\.amazon\.com\/codebuild\/home\?region=us-east-1#\/builds\/mt-pipeline-build-and-test:[0-9a-f-]{36}\/view\/new$/);
    // the approval was answered with the token GetPipelineState showed, and the summary given
    const state = await codepipeline.send(new GetPipelineStateCommand({ name: PIPELINE }));
    const approval = state.stageStates!.find((stage) => stage.stageName === 'Approve-prod')!.actionStates![0]!.latestExecution!;
    expect(approval).toMatchObject({ status: 'Succeeded', summary: 'dev looks right' });
    expect(approval.token).toBeUndefined();
    await validateCalls(calls);
  });

  it('a failing action: the execution fails (exit 1) and the last lines of its build log are printed', async () => {
    await bootstrap({ 'mtpipe-sim:fail': 'Test-dev' });
    const { session: opened } = await session();
    const shown = captureStream();

    const result = await run(opened, { watch: true, intervalSeconds: 0.2 }, { display: new ExecutionDisplay(shown) });

    const watched = result.watched!;
    expect(watched.view.status).toBe('Failed');
    expect(watched.view.stages.map((stage) => stage.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded', 'Failed', 'Pending', 'Pending', 'Pending']);
    expect(outcomeError(watched)).toMatchObject({ exitCode: 1, message: expect.stringContaining('failed: Test-dev › Test-dev (Build terminated with state: FAILED') });
    expect(watched.failedBuildLogs).toHaveLength(1);
    expect(watched.failedBuildLogs[0]).toMatchObject({ stage: 'Test-dev', logGroup: '/aws/codebuild/mt-pipeline-integration-test-dev' });
    expect(watched.failedBuildLogs[0]!.lines).toHaveLength(30);
    expect(watched.failedBuildLogs[0]!.lines.at(-2)).toBe('[Container] Command did not exit successfully ./scripts/test.sh exit status 1');
    const text = shown.text();
    expect(text).toMatch(/Test-dev › Test-dev: Failed \(\d+s\) {2}https:\/\/console\.aws\.amazon\.com\/codebuild\/home\?region=us-east-1#\/builds\/mt-pipeline-integration-test-dev:/);
    expect(text).toContain('--- last 30 lines of build mt-pipeline-integration-test-dev:');
    expect(text).toContain('FAILED test_translation.py::test_quality - AssertionError');
  });

  it('a newer execution supersedes the one waiting for approval: it ends Superseded, naming the newer one', async () => {
    await bootstrap();
    const { session: opened } = await session();
    const first = await run(opened, { watch: false });
    // wait until the first waits for approval
    let waiting = false;
    for (let i = 0; i < 150 && !waiting; i++) {
      const state = await codepipeline.send(new GetPipelineStateCommand({ name: PIPELINE }));
      waiting = state.stageStates!.find((s) => s.stageName === 'Approve-prod')?.latestExecution?.status === 'InProgress';
      if (!waiting) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(waiting).toBe(true);
    const second = await run(opened, { watch: false });
    await approve(opened, { env: 'prod', comment: 'ship it' });
    const { watch } = await import('../../src/commands/watch.js');
    const watched = await watch(opened, { execution: first.executionId!, intervalSeconds: 0.2 }, { display: new ExecutionDisplay(captureStream()) });
    expect(watched.view.status).toBe('Superseded');
    expect(watched.supersededBy).toBe(second.executionId);
    expect(outcomeError(watched)).toMatchObject({ exitCode: 1, message: `execution ${first.executionId} of ${PIPELINE} was superseded by execution ${second.executionId}` });
  });
});
