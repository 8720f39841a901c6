/**
 * `mtpipe watch [EXECUTION]`: follows a pipeline execution until it ends. Each poll is two reads:
 * GetPipelineExecution (the execution's own status: Superseded and Stopped exist only there) and
 * ListActionExecutions filtered by the execution id (every action of this execution, with start and
 * update times and the build's link). GetPipelineState would be one call, but it shows each stage's
 * *latest* execution, which is another one as soon as a newer execution enters the stage, and it has
 * neither the execution's status nor start times. The declared stages are read once (GetPipeline).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { actionExecutions, buildLogTail, declaredStages, getExecution, latestExecution, recentExecutions, type BuildLogTail } from '../aws/codepipeline-execution.js';
import { isPipelineExecutionNotFound, isPipelineNotFound } from '../aws/errors.js';
import { approvalTopicName } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Target } from '../engine/types.js';
import { AbortedError, AwsError, describeCause, MtpipeError, UserInputError } from '../errors.js';
import { ExecutionDisplay, formatDuration, type ApprovalNote } from '../ui/execution-view.js';
import { allActions, elapsedMs, executionView, isFinished, pendingApprovals, type ExecutionView } from './execution-state.js';
import { commandLine, openToolTarget, selectPipeline } from './pipeline-target.js';
import type { CommandSession } from './session.js';

export const DEFAULT_INTERVAL_SECONDS = 5;
/** lines of a failed build's log shown */
export const LOG_TAIL_LINES = 30;

export interface WatchOptions {
  /** between polls; default 5 s */
  intervalMs?: number;
  /** aborting it (Ctrl-C) stops watching: AbortedError, exit 130; the execution goes on */
  signal?: AbortSignal;
  /** where the live view goes (default: stderr) */
  display?: Pick<ExecutionDisplay, 'update' | 'print'>;
  /** the command that watches this execution again, for the Ctrl-C hint */
  watchAgain?: string;
  logLines?: number;
  /** stop (without failing) when the execution waits at a manual approval: bootstrap without a terminal */
  stopAtApproval?: boolean;
}

export interface FailedBuildLog extends BuildLogTail {
  stage: string;
  action: string;
  /** why the log could not be read */
  error?: string;
}

export interface WatchResult {
  view: ExecutionView;
  /** a Superseded execution: the newer execution that overtook it */
  supersededBy?: string;
  /** the last lines of each failed CodeBuild action's log */
  failedBuildLogs: FailedBuildLog[];
  /** stopAtApproval: the stage whose approval the execution waits for (it goes on once answered) */
  waitingAt?: string;
}

/**
 * Polls one execution until it is Succeeded, Failed, Stopped, Superseded or Cancelled, showing each view
 * on `display`; then, for a failure, reads the tail of each failed build's log. Returns the final view;
 * never throws for the execution's outcome (see `outcomeError`). Throws AbortedError when `signal` aborts,
 * AWS errors as AwsError.
 */
export async function watchExecution(target: Target, pipeline: string, executionId: string, options: WatchOptions = {}): Promise<WatchResult> {
  const display = options.display ?? new ExecutionDisplay(process.stderr);
  const interval = options.intervalMs ?? DEFAULT_INTERVAL_SECONDS * 1000;
  const interrupted = () =>
    new AbortedError(`stopped watching: execution ${executionId} of ${pipeline} keeps running in CodePipeline`, `watch it again: ${options.watchAgain ?? 'mtpipe watch'} ${executionId}`);
  const read = async <T>(doing: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (options.signal?.aborted) throw interrupted();
      if (isPipelineExecutionNotFound(error)) throw new MtpipeError('execution_not_found', `pipeline ${pipeline} has no execution ${executionId}`, { cause: error, hint: `list its executions: aws codepipeline list-pipeline-executions --pipeline-name ${pipeline}` });
      if (isPipelineNotFound(error)) throw new MtpipeError('pipeline_not_found', `no pipeline ${pipeline}`, { cause: error, hint: 'create it with `mtpipe create-pipeline`' });
      throw new AwsError(doing, error);
    }
  };

  let execution = await read(`reading execution ${executionId} of ${pipeline}`, () => getExecution(target, pipeline, executionId));
  const stages = await read(`reading pipeline ${pipeline}`, () => declaredStages(target, pipeline, execution.pipelineVersion));
  let view: ExecutionView;
  for (;;) {
    const details = await read(`reading the actions of execution ${executionId}`, () => actionExecutions(target, pipeline, executionId));
    view = executionView(pipeline, execution, stages, details);
    display.update(view);
    if (isFinished(view.status)) break;
    if (options.stopAtApproval && pendingApprovals(view).length > 0) {
      return { view, failedBuildLogs: [], waitingAt: pendingApprovals(view)[0]!.stage };
    }
    try {
      await delay(interval, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      throw interrupted();
    }
    execution = await read(`reading execution ${executionId} of ${pipeline}`, () => getExecution(target, pipeline, executionId));
  }

  const result: WatchResult = { view, failedBuildLogs: [] };
  if (view.status === 'Superseded') {
    const newer = await read(`listing the executions of ${pipeline}`, () => recentExecutions(target, pipeline));
    const supersededBy = supersedingExecution(newer, executionId);
    if (supersededBy) result.supersededBy = supersededBy;
  }
  if (view.status === 'Failed') {
    for (const { stage, action } of allActions(view)) {
      if (action.status !== 'Failed' || action.provider !== 'CodeBuild' || !action.externalId) continue;
      const failed: FailedBuildLog = { stage, action: action.name, buildId: action.externalId, lines: [] };
      try {
        Object.assign(failed, await buildLogTail(target, action.externalId, options.logLines ?? LOG_TAIL_LINES));
      } catch (error) {
        // the outcome is known; a log that cannot be read is said, not fatal
        failed.error = describeCause(error);
      }
      result.failedBuildLogs.push(failed);
      display.print(logLines(failed));
    }
  }
  return result;
}

/** The execution that superseded `executionId`: the first one started after it (`newestFirst`: ListPipelineExecutions order). */
export function supersedingExecution(newestFirst: { pipelineExecutionId?: string; startTime?: Date }[], executionId: string): string | undefined {
  const index = newestFirst.findIndex((summary) => summary.pipelineExecutionId === executionId);
  if (index <= 0) return index === 0 ? undefined : newestFirst[0]?.pipelineExecutionId;
  return newestFirst[index - 1]!.pipelineExecutionId;
}

export function logLines(log: FailedBuildLog): string[] {
  if (log.error) return [`(could not read the log of build ${log.buildId}: ${log.error})`];
  if (log.lines.length === 0) return [`(build ${log.buildId} of ${log.stage} › ${log.action} has no CloudWatch log)`];
  return [`--- last ${log.lines.length} lines of build ${log.buildId} (${log.stage} › ${log.action}; log group ${log.logGroup}, stream ${log.logStream}) ---`, ...log.lines, '---'];
}

/** Who was told of a waiting approval and how to answer it, from the configuration. */
export function approvalNote(config: Config): ApprovalNote {
  const topic = approvalTopicName(config.project);
  const approvers = config.notifications.approvers;
  return (stage) => {
    const env = stage.startsWith('Approve-') ? stage.slice('Approve-'.length) : '<env>';
    const who = approvers.length > 0 ? `notified ${approvers.join(', ')} (SNS topic ${topic})` : `nobody notified (SNS topic ${topic} has no subscriber: set notifications.approvers)`;
    return `  ${stage} waits for approval: mtpipe approve ${env}  (or: mtpipe approve ${env} --reject --comment "why"); ${who}`;
  };
}

/** An execution that ended other than Succeeded: exit 1. */
export class ExecutionNotSucceededError extends MtpipeError {
  constructor(readonly result: WatchResult) {
    const { view, supersededBy } = result;
    const what = `execution ${view.executionId} of ${view.pipeline}`;
    const failed = allActions(view).filter(({ action }) => action.status === 'Failed');
    const message =
      view.status === 'Superseded'
        ? `${what} was superseded${supersededBy ? ` by execution ${supersededBy}` : ' by a newer execution'}`
        : view.status === 'Failed'
          ? `${what} failed${failed.map(({ stage, action }) => `: ${stage} › ${action.name}${action.error ? ` (${action.error})` : ''}`).join('')}`
          : `${what} ended ${view.status}${view.statusSummary ? ` (${view.statusSummary})` : ''}`;
    const hint = supersededBy ? `watch the newer one: mtpipe watch ${supersededBy}` : view.status === 'Failed' ? 'fix the cause and push again (or retry the failed stage in the console)' : undefined;
    super(`execution_${view.status.toLowerCase()}`, message, hint ? { hint } : {});
  }
}

/** The error for an execution that did not succeed; undefined for Succeeded. */
export function outcomeError(result: WatchResult): ExecutionNotSucceededError | undefined {
  return result.view.status === 'Succeeded' || result.waitingAt ? undefined : new ExecutionNotSucceededError(result);
}

/** The one line on stdout after watching: "Execution <id> of <pipeline>: Succeeded (4m 10s)". */
export function watchSummary(result: WatchResult, now = Date.now()): string {
  const { view } = result;
  const total = elapsedMs(view.stages.flatMap((stage) => stage.actions), now);
  return `Execution ${view.executionId} of ${view.pipeline}: ${view.status}${total === undefined ? '' : ` (${formatDuration(total)})`}${result.supersededBy ? `, superseded by ${result.supersededBy}` : ''}`;
}

/** --json: the final state as one document. */
export function watchJson(result: WatchResult): Record<string, unknown> {
  const { view } = result;
  return {
    pipeline: view.pipeline,
    executionId: view.executionId,
    status: view.status,
    ...(view.statusSummary ? { statusSummary: view.statusSummary } : {}),
    ...(result.supersededBy ? { supersededBy: result.supersededBy } : {}),
    stages: view.stages,
    failedBuildLogs: result.failedBuildLogs,
  };
}

export interface WatchRequest {
  /** an execution id; default the pipeline's latest */
  execution?: string;
  intervalSeconds?: number;
}

export type WatchSession = CommandSession<'info'>;

export function validateWatch(request: WatchRequest): void {
  const problems: string[] = [];
  if (request.execution !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(request.execution)) {
    problems.push(`[EXECUTION]: "${request.execution}" is not a pipeline execution id (a UUID such as 3137f7cb-7cf7-4ad1-8d8b-f2b2f2b3c6e1)`);
  }
  if (request.intervalSeconds !== undefined && !(request.intervalSeconds > 0 && request.intervalSeconds <= 300)) problems.push('--interval: must be a number of seconds, more than 0 and at most 300');
  if (problems.length > 0) throw new UserInputError(problems);
}

/** `mtpipe watch`: the execution given, or the latest one of the pipeline. */
export async function watch(session: WatchSession, request: WatchRequest, options: Omit<WatchOptions, 'intervalMs' | 'watchAgain'> = {}): Promise<WatchResult> {
  validateWatch(request);
  const config = session.draft.config;
  const pipeline = selectPipeline(config, session.options.env, 'watch');
  const { target, close } = await openToolTarget(session);
  try {
    const executionId = request.execution ?? (await latestOf(target, pipeline.name));
    return await watchExecution(target, pipeline.name, executionId, {
      ...options,
      display: options.display ?? new ExecutionDisplay(process.stderr, approvalNote(config)),
      intervalMs: (request.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * 1000,
      watchAgain: commandLine(config, session.options.env, 'watch'),
    });
  } finally {
    close();
  }
}

async function latestOf(target: Target, pipeline: string): Promise<string> {
  try {
    const latest = await latestExecution(target, pipeline);
    if (!latest?.pipelineExecutionId) throw new MtpipeError('no_execution', `pipeline ${pipeline} has not run yet`, { hint: 'start it: mtpipe run' });
    return latest.pipelineExecutionId;
  } catch (error) {
    if (error instanceof MtpipeError) throw error;
    if (isPipelineNotFound(error)) throw new MtpipeError('pipeline_not_found', `no pipeline ${pipeline}`, { cause: error, hint: 'create it with `mtpipe create-pipeline`' });
    throw new AwsError(`listing the executions of ${pipeline}`, error);
  }
}
