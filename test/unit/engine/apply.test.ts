import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/engine/apply.js';
import type { ProgressEvent } from '../../../src/engine/types.js';
import { changeOf, FakeAlreadyExists, FakeKind, fakeTarget, want, RULES } from './fakes.js';

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
    await apply(changes, { concurrency: 8, ...RULES });
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
    const results = await apply(changes, { concurrency, ...RULES });
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
    const results = await apply(changes, { concurrency: 2, ...RULES });
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
    const results = await apply(changes, { concurrency: 8, ...RULES });
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
    await apply(changes, { concurrency: 8, ...RULES, onProgress: (event) => events.push(event) });
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
    const [result] = await apply([blocked], { concurrency: 8, ...RULES });
    expect(kind.calls).toEqual([]);
    expect(result!.status).toBe('failed');
  });
});

describe('apply: a create that meets "already exists"', () => {
  const OWNED = { 'mtpipe:project': 'mt' };

  it('reads the resource again and finishes it with update (a create whose response was lost); the result stays created', async () => {
    // the first attempt made the resource but not all of it (e.g. a log group without its retention)
    const kind = new FakeKind({ alreadyExists: true }).put('dev', { name: 'logs', value: 'half-made', tags: OWNED });
    const [result] = await apply([changeOf(want(kind, 'logs', { value: 'v1', tags: OWNED }), 'create')], { concurrency: 8, ...RULES });
    expect(result).toMatchObject({ status: 'created', arn: 'arn:aws:fake:eu-west-1:111111111111:thing/logs' });
    expect(kind.calls).toEqual(['create:dev/logs', 'find:dev/logs', 'update:dev/logs']);
    expect(kind.state.get('dev/logs')).toEqual({ name: 'logs', value: 'v1', tags: OWNED });
  });

  it('writes nothing more when what exists is already as wanted', async () => {
    const kind = new FakeKind({ alreadyExists: true }).put('dev', { name: 'logs', value: 'v1', tags: OWNED });
    const [result] = await apply([changeOf(want(kind, 'logs', { tags: OWNED }), 'create')], { concurrency: 8, ...RULES });
    expect(result!.status).toBe('created');
    expect(kind.calls).toEqual(['create:dev/logs', 'find:dev/logs']);
  });

  it("does not change someone else's resource without --adopt, with the plan's message", async () => {
    const kind = new FakeKind({ alreadyExists: true }).put('dev', { name: 'logs', value: 'theirs', tags: { team: 'x' } });
    const [result] = await apply([changeOf(want(kind, 'logs', { tags: OWNED }), 'create')], { concurrency: 8, ...RULES });
    expect(result).toMatchObject({
      status: 'failed',
      error: 'creating fake:thing "logs" in dev: exists without the tag mtpipe:project=mt; mtpipe changes it only with --adopt',
    });
    expect(kind.calls).toEqual(['create:dev/logs', 'find:dev/logs']);
    expect(kind.state.get('dev/logs')!.value).toBe('theirs');
  });

  it('changes it with --adopt', async () => {
    const kind = new FakeKind({ alreadyExists: true }).put('dev', { name: 'logs', value: 'theirs', tags: { team: 'x' } });
    const [result] = await apply([changeOf(want(kind, 'logs', { tags: OWNED }), 'create')], { concurrency: 8, ...RULES, adopt: true });
    expect(result!.status).toBe('created');
    expect(kind.calls).toEqual(['create:dev/logs', 'find:dev/logs', 'update:dev/logs']);
  });

  it('fails as before for a kind without the predicate', async () => {
    const kind = new FakeKind().put('dev', { name: 'logs', value: 'v1', tags: OWNED });
    const [result] = await apply([changeOf(want(kind, 'logs', { tags: OWNED }), 'create')], { concurrency: 8, ...RULES });
    expect(result).toMatchObject({ status: 'failed', error: 'creating fake:thing "logs" in dev: FakeAlreadyExists: logs exists' });
    expect(kind.calls).toEqual(['create:dev/logs']);
  });

  it('rethrows the create error when the resource cannot be read after all', async () => {
    const kind = new FakeKind({ alreadyExists: true });
    kind.create = async () => {
      kind.calls.push('create:dev/ghost');
      throw new FakeAlreadyExists('ghost exists');
    };
    const [result] = await apply([changeOf(want(kind, 'ghost'), 'create')], { concurrency: 8, ...RULES });
    expect(result).toMatchObject({ status: 'failed', error: 'creating fake:thing "ghost" in dev: FakeAlreadyExists: ghost exists' });
  });
});

describe('apply: what a write is told', () => {
  it('knows which resources this run created (by name and ARN), not those it updated or found', async () => {
    const kind = new FakeKind();
    kind.createdArns.set('role', 'arn:aws:iam::111111111111:role/mtpipe/role');
    const changes = [
      changeOf(want(kind, 'role'), 'create'),
      changeOf(want(kind, 'old'), 'update', [], { name: 'old', value: 'x' }),
      changeOf(want(kind, 'policy', { dependsOn: ['role', 'old'] }), 'create'),
    ];
    await apply(changes, { concurrency: 8, ...RULES });
    const context = kind.contexts.get('policy')!;
    expect(context.createdInThisRun('fake:thing', 'role')).toBe(true);
    expect(context.createdInThisRun('fake:thing', 'arn:aws:iam::111111111111:role/mtpipe/role')).toBe(true);
    expect(context.createdInThisRun('other:kind', 'role')).toBe(false);
    expect(context.createdInThisRun('fake:thing', 'old')).toBe(false);
  });

  it('turns a wait into a progress event of its change', async () => {
    const kind = new FakeKind();
    const events: ProgressEvent[] = [];
    const change = changeOf(want(kind, 'policy'), 'create');
    kind.create = async (_target, _spec, context) => {
      context?.waiting('waiting for IAM to propagate', 12_000);
      return {};
    };
    await apply([change], { concurrency: 8, ...RULES, onProgress: (event) => events.push(event) });
    expect(events.map((event) => event.type)).toEqual(['start', 'wait', 'done']);
    expect(events[1]).toEqual({ type: 'wait', change, reason: 'waiting for IAM to propagate', waitedMs: 12_000 });
  });
});
