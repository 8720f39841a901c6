import { describe, expect, it } from 'vitest';
import { limiter } from '../../../src/engine/limit.js';

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

/** Counts tasks in flight through one limiter. */
function meter(concurrency: number) {
  const limit = limiter(concurrency);
  const m = { running: 0, max: 0, order: [] as string[] };
  const run = (name: string, body: () => Promise<void>) =>
    limit(async () => {
      m.running++;
      m.max = Math.max(m.max, m.running);
      m.order.push(name);
      try {
        await body();
      } finally {
        m.running--;
      }
    });
  return { m, run };
}

describe('limiter', () => {
  it('runs at most `concurrency` tasks at once, in the order they came', async () => {
    const { m, run } = meter(2);
    await Promise.all(Array.from({ length: 7 }, (_, i) => run(`t${i}`, () => new Promise((r) => setTimeout(r, i % 3)))));
    expect(m.max).toBe(2);
    expect(m.order).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
  });

  it('returns what the task returns and frees the slot when a task throws', async () => {
    const limit = limiter(1);
    await expect(limit(async () => 42)).resolves.toBe(42);
    await expect(limit(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(limit(async () => 'still works')).resolves.toBe('still works');
  });

  // A task that arrives between one task's end and the resumption of the waiter it woke
  // must not take the freed slot as well: the bound must hold whatever the timing.
  it.each([0, 1, 2, 3, 4])('keeps the bound when a task arrives %i microtasks after a slot is freed', async (delay) => {
    const { m, run } = meter(1);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = run('first', () => gate);
    const waiting = run('waiting', () => ticks(5));
    await ticks(3);
    open();
    const late = (async () => {
      await ticks(delay);
      return run('late', () => ticks(5));
    })();
    await Promise.all([first, waiting, late]);
    expect(m.max).toBe(1);
  });
});

describe('limiter priorities', () => {
  it('starts the waiting task of highest priority first, in arrival order among equals', async () => {
    const limit = limiter(1);
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(name);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    await Promise.all([limit(task('first')), limit(task('low'), 0), limit(task('high'), 5), limit(task('low2'), 0), limit(task('high2'), 5)]);
    expect(order).toEqual(['first', 'high', 'high2', 'low', 'low2']);
  });
});
