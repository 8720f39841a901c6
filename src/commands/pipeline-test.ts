/**
 * Bootstrap's step 7 (seed §8.6): a one-line commit through the CodeCommit API, then the executions it
 * started — found by the commit among each pipeline's source revisions — watched to their end.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { branchHead, commitPipelineTest } from '../aws/codecommit-commit.js';
import { recentExecutions } from '../aws/codepipeline-execution.js';
import { pipelineNames, pipelinesOf } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import { codecommitBranchFiles } from '../aws/codecommit-branch-files.js';
import { codecommitRepository } from '../aws/codecommit-repository.js';
import { isRepositoryNotFound } from '../aws/errors.js';
import type { Change, Target } from '../engine/types.js';
import { AbortedError, AwsError, MtpipeError } from '../errors.js';
import { ExecutionDisplay } from '../ui/execution-view.js';
import { approvalNote, DEFAULT_INTERVAL_SECONDS, outcomeError, watchExecution, type WatchResult } from './watch.js';

/** How long the push trigger (EventBridge) may take to start a pipeline on the test commit. */
export const TRIGGER_TIMEOUT_MS = 5 * 60_000;

export interface PipelineTestOptions {
  /** between two reads; default 5 s */
  intervalMs?: number;
  /** how long to look for the execution the commit started; default TRIGGER_TIMEOUT_MS */
  triggerTimeoutMs?: number;
  signal?: AbortSignal;
  display?: Pick<ExecutionDisplay, 'update' | 'print'>;
  /** stop at a manual approval instead of waiting for someone to answer it (no terminal: CI) */
  stopAtApproval?: boolean;
  /** the branch's tip as testStart read it: not read again (a tip moved since makes the commit read it anew) */
  head?: string;
}

export interface PipelineTestResult {
  /** why no test ran (a source that is not CodeCommit, no code on the branch yet) */
  skipped?: string;
  /** the branch has no code yet: nothing can have been deployed either */
  noCode?: boolean;
  commitId?: string;
  /** false: the branch's tip was already a test commit (a rerun after a kill): no second one */
  committed?: boolean;
  executions: { pipeline: string; executionId: string; status: string; watched: WatchResult }[];
}

/**
 * Commits the test change (or finds the one a killed run made), then watches the execution of each
 * pipeline that builds repository.branch. Never throws for an execution's outcome: see testFailure.
 * Throws MtpipeError when no execution of the commit appears in time, AwsError for AWS failures,
 * AbortedError when `signal` aborts.
 */
export async function pipelineTest(target: Target, config: Config, options: PipelineTestOptions = {}): Promise<PipelineTestResult> {
  const start = options.head !== undefined ? { head: options.head } : await testStart(target, config);
  if (!('head' in start)) return { ...start, executions: [] };
  const where = { repositoryName: config.repository.name, branchName: config.repository.branch };
  let test: { commitId: string; created: boolean };
  try {
    test = await commitPipelineTest(target, where, new Date(), start.head);
  } catch (error) {
    throw new AwsError(`committing the test change to ${where.repositoryName} branch ${where.branchName}`, error);
  }
  const pipelines = pipelinesOf(config).filter((pipeline) => pipeline.branch === config.repository.branch);
  const executions: PipelineTestResult['executions'] = [];
  for (const pipeline of pipelines) {
    const executionId = await executionOf(target, pipeline.name, test.commitId, options);
    const watched = await watchExecution(target, pipeline.name, executionId, {
      display: options.display ?? new ExecutionDisplay(process.stderr, approvalNote(config)),
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_SECONDS * 1000,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stopAtApproval ? { stopAtApproval: true } : {}),
      watchAgain: 'mtpipe watch',
    });
    executions.push({ pipeline: pipeline.name, executionId, status: watched.view.status, watched });
  }
  return { commitId: test.commitId, committed: test.created, executions };
}

/**
 * Why no test can run, before anything is asked: a source that is not CodeCommit, or a branch with no
 * code yet (then nothing can have been deployed either). Throws AwsError.
 */
export async function testSkipped(target: Target, config: Config): Promise<{ skipped: string; noCode?: boolean } | undefined> {
  const start = await testStart(target, config);
  return 'head' in start ? undefined : start;
}

/** Whether step 7 can run: the branch tip to test, or why not. */
export type TestStart = { head: string } | { skipped: string; noCode?: boolean };

/**
 * The branch's tip the test commit goes on (one GetBranch; pass it to pipelineTest as `head`), or why no
 * test can run (see testSkipped). Throws AwsError.
 */
export async function testStart(target: Target, config: Config): Promise<TestStart> {
  if (config.source.provider !== 'codecommit') return { skipped: 'the source is a CodeConnections repository: push a commit there, then mtpipe watch' };
  const where = { repositoryName: config.repository.name, branchName: config.repository.branch };
  let head: string | undefined;
  try {
    head = await branchHead(target, where);
  } catch (error) {
    throw new AwsError(`reading branch ${where.branchName} of ${where.repositoryName}`, error);
  }
  return head ? { head } : noCode(config);
}

function noCode(config: Config): TestStart {
  const { name, branch } = config.repository;
  return { skipped: `no code on ${name} branch ${branch} yet: push it (mtpipe push --source DIR), then run mtpipe bootstrap --only test,verify`, noCode: true };
}

/**
 * testStart read with the plan, before the apply (bootstrap's read-ahead; see ReadAheadHook). The answer
 * holds after an apply that pushed no files; a repository that did not exist (`repositoryMissing`)
 * has no code once the apply created it, and then no read is needed after the apply either.
 */
export const testStartAhead = {
  async read(target: Target, config: Config): Promise<TestStart & { repositoryMissing?: true }> {
    try {
      return await testStart(target, config);
    } catch (error) {
      if (error instanceof AwsError && isRepositoryNotFound(error.cause)) return { ...noCode(config), repositoryMissing: true };
      throw error;
    }
  },
  holds(answer: TestStart & { repositoryMissing?: true }, written: Change[]): boolean {
    if (written.some((change) => change.desired.kind.kind === codecommitBranchFiles.kind)) return false;
    return !answer.repositoryMissing || written.some((change) => change.desired.kind.kind === codecommitRepository.kind && change.action === 'create');
  },
};

/** The execution whose source revision is `commitId`, polled until the push trigger has started it. */
async function executionOf(target: Target, pipeline: string, commitId: string, options: PipelineTestOptions): Promise<string> {
  const deadline = Date.now() + (options.triggerTimeoutMs ?? TRIGGER_TIMEOUT_MS);
  for (;;) {
    let summaries;
    try {
      summaries = await recentExecutions(target, pipeline);
    } catch (error) {
      throw new AwsError(`listing the executions of ${pipeline}`, error);
    }
    const found = summaries.find((summary) => summary.sourceRevisions?.some((revision) => revision.revisionId === commitId));
    if (found?.pipelineExecutionId) return found.pipelineExecutionId;
    if (Date.now() >= deadline) {
      throw new MtpipeError('no_execution_of_commit', `no execution of ${pipeline} started for commit ${commitId} within ${Math.round((options.triggerTimeoutMs ?? TRIGGER_TIMEOUT_MS) / 1000)} s`, {
        hint: `the push trigger (EventBridge rule ${pipelineNames.triggerRule(pipeline)}) did not start it: check that rule, or start the pipeline with mtpipe run`,
      });
    }
    try {
      await delay(options.intervalMs ?? DEFAULT_INTERVAL_SECONDS * 1000, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      throw new AbortedError(`stopped waiting for the execution of commit ${commitId}; the commit stays`, 'watch the pipeline: mtpipe watch');
    }
  }
}

/** The first execution that did not succeed, as the error bootstrap ends with (exit 1); undefined when all did. */
export function testFailure(result: PipelineTestResult): MtpipeError | undefined {
  for (const execution of result.executions) {
    const error = outcomeError(execution.watched);
    if (error) return error;
  }
  return undefined;
}

/** Lines for stdout. */
export function pipelineTestNotes(result: PipelineTestResult): string[] {
  if (result.skipped) return [`Test skipped: ${result.skipped}.`];
  const commit = `${result.committed ? 'test commit' : 'the test commit of an earlier run'} ${result.commitId?.slice(0, 8)}`;
  return result.executions.map((execution) =>
    execution.watched.waitingAt
      ? `Pipeline ${execution.pipeline}, execution ${execution.executionId} for ${commit}: waits at ${execution.watched.waitingAt} (everything before it succeeded); answer with mtpipe approve ${execution.watched.waitingAt.replace(/^Approve-/, '')}, then follow it with mtpipe watch ${execution.executionId}`
      : `Pipeline ${execution.pipeline}, execution ${execution.executionId} for ${commit}: ${execution.status}`,
  );
}
