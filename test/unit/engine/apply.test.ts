import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/engine/apply.js';
import type { ProgressEvent } from '../../../src/engine/types.js';
import { changeOf, FakeKind, fakeTarget, want } from './fakes.js';

describe('apply', () => {
  it('runs dependencies before their dependents', async () => {
    const kind = new FakeKind({ writeTicks: { a: 3, b: 1, c: 2, d: 1 } });
    // d depends on b and c, which both depend on a; listed dependents first
    const changes = [
      changeOf(want(kind, 'd', { dependsOn: ['b', 'c'] }), 'create'),
      changeOf(want(kind, 'c', { dependsOn: ['a'] }), 'create'),
      changeOf(want(kind, 'b', { dependsOn: ['a'] }), 'create'),
      changeOf(want(kind, 'a'), 'create'),
    ];
    await apply(changes, { concurrency: 8 });
    const at = (event: string) => kind.log.indexOf(event);
    expect(at('end:a')).toBeLessThan(at('start:b'));
    expect(at('end:a')).toBeLessThan(at('start:c'));
    expect(at('end:b')).toBeLessThan(at('start:d'));
    expect(at('end:c')).toBeLessThan(at('start:d'));
    // b and c are independent of each other: they overlap
    expect(at('start:c')).toBeLessThan(at('end:b'));
  });

  it.each([1, 3])('keeps at most %i writes in flight, and uses that many', async (concurrency) => {
    const ticks = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`r${i}`, 1 + (i % 4)]));
    const kind = new FakeKind({ writeTicks: ticks });
    const changes = Array.from({ length: 12 }, (_, i) =>
      // every fourth resource depends on the one before it, so writes also start while others run
      changeOf(want(kind, `r${i}`, i % 4 === 3 ? { dependsOn: [`r${i - 1}`] } : {}), i % 2 ? 'update' : 'create', [], i % 2 ? { name: `r${i}` } : undefined),
    );
    const results = await apply(changes, { concurrency });
    expect(results.every((r) => r.status !== 'failed')).toBe(true);
    expect(kind.calls).toHaveLength(12);
    expect(kind.maxInFlight).toBe(concurrency);
  });

  it('fails the dependents of a failed resource without stopping independent ones', async () => {
    const kind = new FakeKind({ writeTicks: { ok: 3 } });
    kind.failWrites.add('bad');
    const changes = [
      changeOf(want(kind, 'bad'), 'create'),
      changeOf(want(kind, 'child', { dependsOn: ['bad'] }), 'create'),
      changeOf(want(kind, 'grandchild', { dependsOn: ['child'] }), 'create'),
      changeOf(want(kind, 'ok'), 'create'),
    ];
    const results = await apply(changes, { concurrency: 2 });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['bad', 'failed'],
      ['child', 'failed'],
      ['grandchild', 'failed'],
      ['ok', 'created'],
    ]);
    expect(results[0]!.error).toBe('creating fake:thing "bad" in dev: boom on bad');
    expect(results[1]!.error).toBe('not attempted: fake:thing "bad" failed');
    expect(results[2]!.error).toBe('not attempted: fake:thing "child" failed');
    expect(kind.calls.sort()).toEqual(['create:dev/bad', 'create:dev/ok']);
    expect(kind.state.has('dev/ok')).toBe(true);
  });

  it('returns results in input order with statuses and ARNs', async () => {
    const kind = new FakeKind({ writeTicks: { first: 4 } });
    kind.createdArns.set('first', 'arn:from:create');
    kind.failWrites.add('broken');
    const prod = fakeTarget('prod');
    const changes = [
      changeOf(want(kind, 'first'), 'create'),
      changeOf(want(kind, 'second', { target: prod }), 'update', [{ field: 'value', from: 'a', to: 'b' }], { name: 'second', value: 'a' }),
      changeOf(want(kind, 'same'), 'noop'),
      changeOf(want(kind, 'broken'), 'update', [], { name: 'broken', value: 'x' }),
    ];
    const results = await apply(changes, { concurrency: 8 });
    expect(results).toEqual([
      { id: 'first', kind: 'fake:thing', name: 'first', env: 'dev', status: 'created', arn: 'arn:from:create' },
      { id: 'second', kind: 'fake:thing', name: 'second', env: 'prod', status: 'updated', arn: 'arn:aws:fake:eu-west-1:111111111111:thing/second' },
      { id: 'same', kind: 'fake:thing', name: 'same', env: 'dev', status: 'unchanged', arn: 'arn:aws:fake:eu-west-1:111111111111:thing/same' },
      { id: 'broken', kind: 'fake:thing', name: 'broken', env: 'dev', status: 'failed', error: 'updating fake:thing "broken" in dev: boom on broken' },
    ]);
    // a noop makes no write call
    expect(kind.calls.sort()).toEqual(['create:dev/first', 'update:dev/broken', 'update:prod/second']);
  });

  it('emits start before a write and done after it; noops and skipped resources only get done', async () => {
    const kind = new FakeKind();
    kind.failWrites.add('a');
    const events: ProgressEvent[] = [];
    const changes = [
      changeOf(want(kind, 'a'), 'create'),
      changeOf(want(kind, 'b', { dependsOn: ['a'] }), 'create'),
      changeOf(want(kind, 'c'), 'noop'),
    ];
    await apply(changes, { concurrency: 8, onProgress: (event) => events.push(event) });
    const summary = events.map((e) => `${e.type}:${e.change.desired.id}${e.type === 'done' ? `:${e.result.status}` : ''}`);
    expect([...summary].sort()).toEqual(['done:a:failed', 'done:b:failed', 'done:c:unchanged', 'start:a']);
    expect(summary.indexOf('start:a')).toBeLessThan(summary.indexOf('done:a:failed'));
    expect(summary.indexOf('done:a:failed')).toBeLessThan(summary.indexOf('done:b:failed'));
    const doneA = events.find((e) => e.type === 'done' && e.change.desired.id === 'a');
    expect(doneA?.change).toBe(changes[0]);
  });

  it('refuses a blocked change (types.ts: "apply refuses it")', async () => {
    const kind = new FakeKind();
    const blocked = { ...changeOf(want(kind, 'a'), 'update', [], { name: 'a', value: 'x' }), blocked: 'exists without the tag' };
    const [result] = await apply([blocked], { concurrency: 8 });
    expect(kind.calls).toEqual([]);
    expect(result!.status).toBe('failed');
  });
});
