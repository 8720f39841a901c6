import type { Target } from './types.js';

/**
 * Runs at most `concurrency` of the given tasks at once. A task waiting for a slot is started before
 * those of lower `priority` (default 0), in the order they came among equals.
 */
export function limiter(concurrency: number): <T>(task: () => Promise<T>, priority?: number) => Promise<T> {
  let running = 0;
  const waiting: { priority: number; start: () => void }[] = [];
  // A finished task hands its slot straight to the next waiting one, so no newcomer can slip in between.
  const release = () => {
    let next = 0;
    for (let i = 1; i < waiting.length; i++) if (waiting[i]!.priority > waiting[next]!.priority) next = i;
    const [chosen] = waiting.splice(next, 1);
    if (chosen) chosen.start();
    else running--;
  };
  return async (task, priority = 0) => {
    if (running >= concurrency) await new Promise<void>((start) => waiting.push({ priority, start }));
    else running++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

export type Limit = ReturnType<typeof limiter>;

/**
 * Reads in flight at once per AWS service, account and region. AWS throttles each account per API
 * with token buckets whose sizes it mostly does not publish; the SDK backs off and retries a throttled
 * call (ThrottlingException, "Rate exceeded": standard retry mode, exponential backoff with jitter).
 * These caps keep mtpipe's own bursts below where throttling starts:
 * - IAM: rate quotas per API that "can't be increased" (AWS re:Post, "How do I resolve API throttling or
 *   'Rate exceeded' errors for IAM and AWS STS?"), shared with everything else in the account;
 * - SSM Parameter Store: 40 transactions per second by default, shared by GetParameter,
 *   GetParameters and GetParametersByPath (AWS Systems Manager endpoints and quotas);
 * - S3 reads a bucket's settings one call per setting, and serves at least 5,500 GET/HEAD requests per
 *   second per prefix (Amazon S3 User Guide, "Best practices design patterns: optimizing Amazon S3 performance").
 */
export const READS_IN_FLIGHT: Record<string, number> = { default: 16, iam: 8, ssm: 8, s3: 32 };

/**
 * Writes in flight at once per service, account and region (each also capped by --concurrency): a
 * write waits for what it depends on and for a free slot of its own service, never for another
 * service's writes. SSM's PutParameter shares the Parameter Store quota above.
 */
export const WRITES_IN_FLIGHT: Record<string, number> = { default: 8, ssm: 4 };

/** The service a kind's calls go to: the part of its name before the colon ("iam:role" → "iam"). */
export function serviceOf(kind: string): string {
  return kind.slice(0, kind.indexOf(':') === -1 ? undefined : kind.indexOf(':'));
}

/**
 * One limiter per service and place (account and region; IAM per account, its names being global),
 * created on first use with `caps[service] ?? caps.default`, never above `ceiling`.
 */
export function serviceLimits(caps: Record<string, number>, ceiling = Number.POSITIVE_INFINITY): (kind: string, target: Target) => Limit {
  const limits = new Map<string, Limit>();
  return (kind, target) => {
    const service = serviceOf(kind);
    const key = service === 'iam' ? `iam ${target.account}` : `${service} ${target.account} ${target.region}`;
    let limit = limits.get(key);
    if (!limit) {
      limit = limiter(Math.max(1, Math.min(ceiling, caps[service] ?? caps.default ?? 8)));
      limits.set(key, limit);
    }
    return limit;
  };
}
