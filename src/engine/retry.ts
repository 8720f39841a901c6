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
  const deadline = now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1000;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error) || now() + delay > deadline) throw error;
      await wait(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 15_000);
    }
  }
}
