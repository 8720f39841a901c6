import type { WriteContext } from './types.js';

/** How long mtpipe waits for IAM changes to reach other services (the Terraform AWS provider's propagationTimeout). */
export const IAM_PROPAGATION_TIMEOUT_MS = 2 * 60 * 1000;
/** CodeDeploy checks a deployment group's role more slowly. */
export const CODEDEPLOY_ROLE_PROPAGATION_TIMEOUT_MS = 5 * 60 * 1000;

export interface RetryOptions {
  timeoutMs: number;
  /** first wait; doubles up to maxDelayMs */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** injected by tests */
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
  /** told before each wait how long the retries have taken so far plus that wait, in ms */
  onWait?: (waitedMs: number) => void;
}

/**
 * Calls `operation` until it succeeds, retrying only errors for which `isRetryable` is true,
 * for at most `timeoutMs`. Any other error, or the last one at the deadline, is thrown.
 */
export async function retryWhile<T>(
  operation: () => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  options: RetryOptions,
): Promise<T> {
  const wait = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1000;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error) || now() + delay > deadline) throw error;
      options.onWait?.(now() - started + delay);
      await wait(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 15_000);
    }
  }
}

/** What the progress line says while a write waits for IAM. */
export const IAM_PROPAGATION_WAIT = 'waiting for IAM to propagate';

/**
 * Retries `operation` while `isPropagation` says its error is IAM not having caught up with a change of
 * this run yet, and shows the wait on the progress line. The call site builds `isPropagation` with
 * `context.createdInThisRun`: an error about anything this run did not create is permanent and thrown at
 * once (a managed policy that does not exist is not retried for two minutes).
 */
export function whileIamPropagates<T>(
  operation: () => Promise<T>,
  isPropagation: (error: unknown) => boolean,
  options: RetryOptions & { context: WriteContext | undefined },
): Promise<T> {
  const { context, ...retry } = options;
  return retryWhile(operation, isPropagation, { ...retry, onWait: (waitedMs) => context?.waiting(IAM_PROPAGATION_WAIT, waitedMs) });
}
