import { BatchGetBuildsCommand } from '@aws-sdk/client-codebuild';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetPipelineCommand, GetPipelineExecutionCommand, ListActionExecutionsCommand, ListPipelineExecutionsCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionView } from '../../../src/commands/execution-state.js';
import { run } from '../../../src/commands/run.js';
import { outcomeError, watch, watchExecution } from '../../../src/commands/watch.js';
import { AbortedError, MtpipeError, UserInputError } from '../../../src/errors.js';
import { testTarget } from '../../support/target.js';
import { BUILD_ID, BUILD_URL, codebuildMock, codepipelineMock, config, detail, EXECUTION, logsMock, PIPELINE, resetMocks, sentCommands, session, STAGES } from './fixtures.js';

beforeEach(() => resetMocks());

/** A display that keeps every view and printed line. */
function recorder() {
  const views: ExecutionView[] = [];
  const printed: string[] = [];
  return { views, printed, display: { update: (view: ExecutionView) => void views.push(view), print: (lines: string[]) => void printed.push(...lines) } };
}

const declared = () => codepipelineMock.on(GetPipelineCommand).resolves({ pipeline: { name: PIPELINE, roleArn: 'r', stages: STAGES, version: 3 } });
const LIST_INPUT = { pipelineName: PIPELINE, filter: { pipelineExecutionId: EXECUTION }, maxResults: 100 };

describe('watchExecution', () => {
  it('polls GetPipelineExecution and ListActionExecutions (filtered by the execution) until it ends; a failed build: its log tail', async () => {
    declared();
    codepipelineMock
      .on(GetPipelineExecutionCommand)
      .resolvesOnce({ pipelineExecution: { pipelineExecutionId: EXECUTION, pipelineVersion: 3, status: 'InProgress' } })
      .resolves({ pipelineExecution: { pipelineExecutionId: EXECUTION, pipelineVersion: 3, status: 'Failed', statusSummary: 'BuildAndTest failed' } });
    const failedBuild = detail('BuildAndTest', 'Failed', 5, 90, {
      input: { actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' } },
      output: { executionResult: { externalExecutionId: BUILD_ID, externalExecutionUrl: BUILD_URL, errorDetails: { code: 'JobFailed', message: 'exit status 1' } } },
    });
    codepipelineMock
      .on(ListActionExecutionsCommand)
      .resolvesOnce({ actionExecutionDetails: [detail('Source', 'Succeeded', 0, 5)] })
      .resolves({ actionExecutionDetails: [failedBuild, detail('Source', 'Succeeded', 0, 5)] });
    codebuildMock.on(BatchGetBuildsCommand).resolves({ builds: [{ id: BUILD_ID, logs: { groupName: '/aws/codebuild/mt-pipeline-build-and-test', streamName: 'abc' } }] });
    logsMock.on(GetLogEventsCommand).resolves({ events: [{ message: 'npm test\n' }, { message: 'FAILED test_quality' }] });
    const { views, printed, display } = recorder();

    const result = await watchExecution(testTarget(), PIPELINE, EXECUTION, { intervalMs: 1, display });

    expect(sentCommands(codepipelineMock)).toEqual([
      ['GetPipelineExecutionCommand', { pipelineName: PIPELINE, pipelineExecutionId: EXECUTION }],
      ['GetPipelineCommand', { name: PIPELINE, version: 3 }],
      ['ListActionExecutionsCommand', LIST_INPUT],
      ['GetPipelineExecutionCommand', { pipelineName: PIPELINE, pipelineExecutionId: EXECUTION }],
      ['ListActionExecutionsCommand', LIST_INPUT],
    ]);
    expect(sentCommands(codebuildMock)).toEqual([['BatchGetBuildsCommand', { ids: [BUILD_ID] }]]);
    expect(sentCommands(logsMock)).toEqual([['GetLogEventsCommand', { logGroupName: '/aws/codebuild/mt-pipeline-build-and-test', logStreamName: 'abc', startFromHead: false, limit: 30 }]]);
    expect(views.map((view) => view.status)).toEqual(['InProgress', 'Failed']);
    expect(views[1]!.stages.map((stage) => `${stage.name}:${stage.status}`)).toEqual(['Source:Succeeded', 'BuildAndTest:Failed', 'Approve-prod:Pending', 'Deploy-prod:Pending']);
    expect(printed).toEqual([
      `--- last 2 lines of build ${BUILD_ID} (BuildAndTest › BuildAndTest; log group /aws/codebuild/mt-pipeline-build-and-test, stream abc) ---`,
      'npm test',
      'FAILED test_quality',
      '---',
    ]);
    const error = outcomeError(result)!;
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(`execution ${EXECUTION} of ${PIPELINE} failed: BuildAndTest › BuildAndTest (exit status 1)`);
  });

  it('Succeeded: exit 0 (no error); Superseded names the newer execution; Stopped is exit 1', async () => {
    declared();
    codepipelineMock.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [] });
    codepipelineMock.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { pipelineExecutionId: EXECUTION, status: 'Succeeded' } });
    expect(outcomeError(await watchExecution(testTarget(), PIPELINE, EXECUTION, { intervalMs: 1, display: recorder().display }))).toBeUndefined();

    codepipelineMock.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { pipelineExecutionId: EXECUTION, status: 'Superseded' } });
    const newer = 'aaaaaaaa-7cf7-4ad1-8d8b-f2b2f2b3c6e1';
    codepipelineMock.on(ListPipelineExecutionsCommand).resolves({
      pipelineExecutionSummaries: [{ pipelineExecutionId: 'bbbbbbbb-7cf7-4ad1-8d8b-f2b2f2b3c6e1' }, { pipelineExecutionId: newer }, { pipelineExecutionId: EXECUTION }],
    });
    const superseded = await watchExecution(testTarget(), PIPELINE, EXECUTION, { intervalMs: 1, display: recorder().display });
    expect(superseded.supersededBy).toBe(newer);
    expect(outcomeError(superseded)).toMatchObject({ exitCode: 1, message: `execution ${EXECUTION} of ${PIPELINE} was superseded by execution ${newer}`, hint: `watch the newer one: mtpipe watch ${newer}` });

    codepipelineMock.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { pipelineExecutionId: EXECUTION, status: 'Stopped' } });
    expect(outcomeError(await watchExecution(testTarget(), PIPELINE, EXECUTION, { intervalMs: 1, display: recorder().display }))).toMatchObject({ exitCode: 1 });
  });

  it('Ctrl-C (the signal aborts): AbortedError, exit 130, the execution keeps running and how to watch again', async () => {
    declared();
    codepipelineMock.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [] });
    codepipelineMock.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { pipelineExecutionId: EXECUTION, status: 'InProgress' } });
    const controller = new AbortController();
    const watching = watchExecution(testTarget(), PIPELINE, EXECUTION, { intervalMs: 60_000, signal: controller.signal, display: recorder().display, watchAgain: 'mtpipe watch' });
    setTimeout(() => controller.abort(), 50);
    const error = await watching.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ exitCode: 130, message: `stopped watching: execution ${EXECUTION} of ${PIPELINE} keeps running in CodePipeline`, hint: `watch it again: mtpipe watch ${EXECUTION}` });
  });
});

describe('watch and run', () => {
  it('watch without an execution follows the latest one (ListPipelineExecutions, maxResults 1)', async () => {
    declared();
    codepipelineMock.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [{ pipelineExecutionId: EXECUTION, status: 'Succeeded' }] });
    codepipelineMock.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [] });
    codepipelineMock.on(GetPipelineExecutionCommand).resolves({ pipelineExecution: { pipelineExecutionId: EXECUTION, status: 'Succeeded' } });
    const result = await watch(session().value, { intervalSeconds: 1 }, { display: recorder().display });
    expect(result.view.executionId).toBe(EXECUTION);
    expect(sentCommands(codepipelineMock)[0]).toEqual(['ListPipelineExecutionsCommand', { pipelineName: PIPELINE, maxResults: 1 }]);
  });

  it('a pipeline that never ran: exit 1 saying so', async () => {
    codepipelineMock.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [] });
    await expect(watch(session().value, {}, { display: recorder().display })).rejects.toMatchObject({ exitCode: 1, message: `pipeline ${PIPELINE} has not run yet`, hint: 'start it: mtpipe run' });
  });

  it('run starts the pipeline with a clientRequestToken and prints the execution id (--no-watch)', async () => {
    codepipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: EXECUTION });
    const { value, info } = session();
    const result = await run(value, { watch: false }, { token: () => 'token-1' });
    expect(result).toEqual({ pipeline: PIPELINE, dryRun: false, executionId: EXECUTION });
    expect(sentCommands(codepipelineMock)).toEqual([['StartPipelineExecutionCommand', { name: PIPELINE, clientRequestToken: 'token-1' }]]);
    expect(info).toEqual([`started execution ${EXECUTION} of ${PIPELINE} — follow it: mtpipe watch ${EXECUTION}`]);
  });

  it('run: the default token is a fresh UUID for each run', async () => {
    codepipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: EXECUTION });
    await run(session().value, { watch: false });
    await run(session().value, { watch: false });
    const tokens = sentCommands(codepipelineMock).map(([, input]) => (input as { clientRequestToken: string }).clientRequestToken);
    expect(tokens[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(tokens[1]).not.toBe(tokens[0]);
  });

  it('per-environment pipelines: run needs --env when there are several (exit 2, no AWS call); with --env, that pipeline', async () => {
    const perEnv = config({ pipeline: { layout: 'per-environment' } });
    const error = await run(session({ config: perEnv }).value, { watch: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as MtpipeError).exitCode).toBe(2);
    expect((error as MtpipeError).message).toContain('which of dev, prod?');
    expect(codepipelineMock.calls()).toHaveLength(0);

    codepipelineMock.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: EXECUTION });
    await run(session({ config: perEnv, env: 'prod' }).value, { watch: false }, { token: () => 't' });
    expect(sentCommands(codepipelineMock)).toEqual([['StartPipelineExecutionCommand', { name: 'mt-pipeline-prod-pipeline', clientRequestToken: 't' }]]);
  });

  it('bad input: an execution that is no id, an interval out of range (exit 2, no AWS call)', async () => {
    await expect(watch(session().value, { execution: 'latest' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(watch(session().value, { intervalSeconds: 0 })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--interval') });
    expect(codepipelineMock.calls()).toHaveLength(0);
  });
});
