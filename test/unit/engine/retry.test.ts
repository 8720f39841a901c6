import { describe, expect, it } from 'vitest';
import { IAM_PROPAGATION_TIMEOUT_MS, retryWhile, whileIamPropagates } from '../../../src/engine/retry.js';
import { runThatCreated } from '../write-context.js';

class Retryable extends Error {
  override name = 'Retryable';
}

/** A fake clock: sleeping moves time forward, nothing really waits. */
function clock() {
  let time = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
  };
}

/** An operation that fails with the given errors in turn, then returns "ok". */
function failing(errors: Error[]) {
  let calls = 0;
  const operation = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'ok';
  };
  return { operation, calls: () => calls };
}

const isRetryable = (error: unknown) => error instanceof Retryable;

describe('retryWhile', () => {
  it('returns at once when the operation succeeds', async () => {
    const c = clock();
    const op = failing([]);
    await expect(retryWhile(op.operation, isRetryable, { timeoutMs: 10_000, ...c })).resolves.toBe('ok');
    expect(op.calls()).toBe(1);
    expect(c.sleeps).toEqual([]);
  });

  it('retries retryable errors until the operation succeeds, doubling the wait', async () => {
    const c = clock();
    const op = failing([new Retryable('1'), new Retryable('2'), new Retryable('3')]);
    await expect(retryWhile(op.operation, isRetryable, { timeoutMs: 60_000, initialDelayMs: 100, ...c })).resolves.toBe('ok');
    expect(op.calls()).toBe(4);
    expect(c.sleeps).toEqual([100, 200, 400]);
  });

  it('caps the wait at maxDelayMs', async () => {
    const c = clock();
    const op = failing(Array.from({ length: 5 }, (_, i) => new Retryable(String(i))));
    await retryWhile(op.operation, isRetryable, { timeoutMs: 60_000, initialDelayMs: 1000, maxDelayMs: 3000, ...c });
    expect(c.sleeps).toEqual([1000, 2000, 3000, 3000, 3000]);
  });

  it('defaults to a 1 s first wait', async () => {
    const c = clock();
    const op = failing([new Retryable('1'), new Retryable('2')]);
    await retryWhile(op.operation, isRetryable, { timeoutMs: 60_000, ...c });
    expect(c.sleeps).toEqual([1000, 2000]);
  });

  it('rethrows a non-retryable error at once', async () => {
    const c = clock();
    const fatal = new Error('AccessDenied');
    const op = failing([new Retryable('1'), fatal]);
    await expect(retryWhile(op.operation, isRetryable, { timeoutMs: 60_000, ...c })).rejects.toBe(fatal);
    expect(op.calls()).toBe(2);
    expect(c.sleeps).toEqual([1000]);
  });

  it('stops at the deadline and rethrows the last error', async () => {
    const c = clock();
    const errors = Array.from({ length: 50 }, (_, i) => new Retryable(`attempt ${i + 1}`));
    const op = failing(errors);
    const error = await retryWhile(op.operation, isRetryable, { timeoutMs: 10_000, initialDelayMs: 1000, ...c }).catch((e: unknown) => e);
    // waits 1 + 2 + 4 = 7 s; the next wait (8 s) would pass the 10 s deadline
    expect(c.sleeps).toEqual([1000, 2000, 4000]);
    expect(op.calls()).toBe(4);
    expect(error).toBe(errors[3]);
    expect(c.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
  });

  it('counts the time the operation itself takes against the deadline', async () => {
    const c = clock();
    const start = c.now();
    const starts: number[] = [];
    const slow = async () => {
      starts.push(c.now() - start);
      await c.sleep(3000); // each attempt takes 3 s of (fake) time
      throw new Retryable(`attempt ${starts.length}`);
    };
    await expect(retryWhile(slow, isRetryable, { timeoutMs: 10_000, initialDelayMs: 1000, ...c })).rejects.toThrow('attempt 3');
    // attempt ends at 3 s, wait 1 s; ends at 7 s, wait 2 s; ends at 12 s: past the deadline, no more waiting
    expect(starts).toEqual([0, 4000, 9000]);
    expect(c.now() - start).toBe(12_000);
  });

  it('uses a two-minute IAM propagation timeout', () => {
    expect(IAM_PROPAGATION_TIMEOUT_MS).toBe(120_000);
  });

  it('tells how long it has waited before each wait', async () => {
    const c = clock();
    const told: number[] = [];
    const op = failing([new Retryable('1'), new Retryable('2'), new Retryable('3')]);
    await retryWhile(op.operation, isRetryable, { timeoutMs: 60_000, ...c, onWait: (ms) => told.push(ms) });
    expect(told).toEqual([1000, 3000, 7000]);
  });
});

describe('whileIamPropagates', () => {
  it('shows each wait on the progress line of the write', async () => {
    const c = clock();
    const context = runThatCreated();
    const op = failing([new Retryable('1'), new Retryable('2')]);
    await whileIamPropagates(op.operation, isRetryable, { timeoutMs: 60_000, ...c, context });
    expect(context.waits).toEqual([
      ['waiting for IAM to propagate', 1000],
      ['waiting for IAM to propagate', 3000],
    ]);
  });
});
