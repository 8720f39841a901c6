import { isReadOperation } from './call-log.js';
import { errorName, isTransientConflict } from './errors.js';

/**
 * mtpipe's own retry of the errors the SDK's standard strategy leaves alone (`transient` in errors.ts:
 * SSM TooManyUpdates, ConcurrentModification…), for every write of every client: capped exponential
 * backoff with full jitter (the AWS Architecture Blog's "Exponential Backoff And Jitter").
 */
export interface ConflictRetryPolicy {
  /** attempts in all, the first included */
  maxAttempts: number;
  /** the cap of the first wait; doubles with each retry */
  baseDelayMs: number;
  /** no wait is longer */
  maxDelayMs: number;
  /** injected by tests */
  random?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

/** 6 attempts, waits capped at 1, 2, 4, 8, 16 s: at most 31 s in all, about 15 s on average. */
export const CONFLICT_RETRY: ConflictRetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 20_000 };

/** One retry, as `--debug` shows it. */
export interface RetryNote {
  service: string;
  operation: string;
  /** the error name that is retried */
  error: string;
  /** the attempt about to be made (2 for the first retry) */
  attempt: number;
  maxAttempts: number;
  waitedMs: number;
}

export function formatRetry(note: RetryNote): string {
  return `retrying ${note.service} ${note.operation} after ${note.error} (attempt ${note.attempt} of ${note.maxAttempts}, waited ${(note.waitedMs / 1000).toFixed(1)} s)`;
}

/** The wait before retry number `retry` (1 for the first): uniformly random in [0, min(max, base·2^(retry-1))). */
export function backoffDelay(retry: number, policy: ConflictRetryPolicy): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor((policy.random ?? Math.random)() * cap);
}

type Next = (args: { input: unknown }) => Promise<unknown>;
interface Context {
  clientName?: string;
  commandName?: string;
}

/**
 * A client plugin whose middleware sends a write again while it fails with a transient conflict, at most
 * `policy.maxAttempts` times; the last error is thrown. Added before the call observer, so each attempt
 * is observed (and logged with --debug) as the call it is.
 */
export function conflictRetryPlugin(policy: ConflictRetryPolicy, onRetry?: (note: RetryNote) => void) {
  const sleep = policy.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const middleware = (next: Next, context: Context) => async (args: { input: unknown }) => {
    const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    if (isReadOperation(operation)) return next(args);
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(args);
      } catch (error) {
        if (attempt >= policy.maxAttempts || !isTransientConflict(error)) throw error;
        const waitedMs = backoffDelay(attempt, policy);
        await sleep(waitedMs);
        onRetry?.({ service, operation, error: errorName(error), attempt: attempt + 1, maxAttempts: policy.maxAttempts, waitedMs });
      }
    }
  };
  return {
    applyToStack(stack: { add(middleware: unknown, options: Record<string, unknown>): void }) {
      stack.add(middleware, { step: 'initialize', name: 'mtpipeConflictRetry', priority: 'high' });
    },
  };
}
