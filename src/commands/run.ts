/** `mtpipe run [--env ENV] [--no-watch]`: starts the pipeline, prints the execution id, then watches it. */
import { randomUUID } from 'node:crypto';
import { startExecution } from '../aws/codepipeline-execution.js';
import { isPipelineNotFound } from '../aws/errors.js';
import { AwsError, MtpipeError } from '../errors.js';
import { ExecutionDisplay } from '../ui/execution-view.js';
import { commandLine, openToolTarget, selectPipeline } from './pipeline-target.js';
import type { CommandSession } from './session.js';
import { approvalNote, DEFAULT_INTERVAL_SECONDS, validateWatch, watchExecution, type WatchOptions, type WatchResult } from './watch.js';

export interface RunRequest {
  /** false: print the execution id and return (--no-watch) */
  watch: boolean;
  intervalSeconds?: number;
}

export interface RunResult {
  pipeline: string;
  dryRun: boolean;
  executionId?: string;
  /** the watched execution's end (when watched) */
  watched?: WatchResult;
}

export type RunSession = CommandSession<'info'>;

export interface RunDeps extends Pick<WatchOptions, 'signal' | 'display'> {
  /** the StartPipelineExecution clientRequestToken (tests give a fixed one); default a random UUID */
  token?: () => string;
}

export async function run(session: RunSession, request: RunRequest, deps: RunDeps = {}): Promise<RunResult> {
  validateWatch({ ...(request.intervalSeconds !== undefined ? { intervalSeconds: request.intervalSeconds } : {}) });
  const config = session.draft.config;
  const { name: pipeline } = selectPipeline(config, session.options.env, 'run');
  if (session.options.dryRun) return { pipeline, dryRun: true };
  const { target, close } = await openToolTarget(session);
  try {
    // one token per invocation: the SDK's retries of this request start one execution; a second `mtpipe run` starts another
    const token = (deps.token ?? randomUUID)();
    let executionId: string;
    try {
      executionId = await startExecution(target, pipeline, token);
    } catch (error) {
      if (isPipelineNotFound(error)) throw new MtpipeError('pipeline_not_found', `no pipeline ${pipeline}`, { cause: error, hint: 'create it with `mtpipe create-pipeline`' });
      throw new AwsError(`starting pipeline ${pipeline}`, error);
    }
    const watchAgain = commandLine(config, session.options.env, 'watch');
    session.reporter.info(`started execution ${executionId} of ${pipeline}${request.watch ? '' : ` — follow it: ${watchAgain} ${executionId}`}`);
    if (!request.watch) return { pipeline, dryRun: false, executionId };
    const watched = await watchExecution(target, pipeline, executionId, {
      display: deps.display ?? new ExecutionDisplay(process.stderr, approvalNote(config)),
      intervalMs: (request.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * 1000,
      watchAgain,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    return { pipeline, dryRun: false, executionId, watched };
  } finally {
    close();
  }
}
