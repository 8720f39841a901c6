import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/engine/plan.js';
import { indexDesired } from '../../../src/engine/graph.js';
import { TAG_PROJECT } from '../../../src/engine/types.js';
import { AwsError } from '../../../src/errors.js';
import { FakeKind, fakeTarget, want } from './fakes.js';

const options = { project: 'mt', adopt: false };

describe('plan', () => {
  it('plans create when find returns undefined, with the fields it would set', async () => {
    const kind = new FakeKind();
    const [change] = await plan([want(kind, 'a', { value: 'hello' })], options);
    expect(change!.action).toBe('create');
    expect(change!.diffs).toEqual([{ field: 'value', to: 'hello' }]);
    expect(change!).not.toHaveProperty('current');
    expect(kind.calls).toEqual(['find:dev/a']);
  });

  it('plans noop when the diff is empty, and keeps the current state', async () => {
    const kind = new FakeKind().put('dev', { name: 'a', value: 'v1' });
    const [change] = await plan([want(kind, 'a')], options);
    expect(change!.action).toBe('noop');
    expect(change!.diffs).toEqual([]);
    expect(change!.current).toEqual({ name: 'a', value: 'v1' });
  });

  it('plans update with the differing fields', async () => {
    const kind = new FakeKind().put('dev', { name: 'a', value: 'old', tags: { [TAG_PROJECT]: 'mt' } });
    const [change] = await plan([want(kind, 'a', { value: 'new', tags: { [TAG_PROJECT]: 'mt', team: 'x' } })], options);
    expect(change!.action).toBe('update');
    expect(change!.diffs).toEqual([
      { field: 'value', from: 'old', to: 'new' },
      { field: 'tags', from: {}, to: { team: 'x' } },
    ]);
    expect(change!.unmanaged).toBeUndefined();
    expect(change!.blocked).toBeUndefined();
  });

  it('reads a dependent of a resource to be created at the same time, and uses what it found', async () => {
    // b exists (someone deleted its dependency a): the plan says so instead of assuming a create
    const kind = new FakeKind().put('dev', { name: 'b', value: 'v1' });
    const changes = await plan([want(kind, 'b', { dependsOn: ['a'] }), want(kind, 'a')], options);
    expect(changes.map((c) => c.action)).toEqual(['noop', 'create']);
    expect(kind.calls.sort()).toEqual(['find:dev/a', 'find:dev/b']);
  });

  it('takes a failed read of a dependent whose dependency is to be created as absent, unless told to read all', async () => {
    const kind = new FakeKind();
    kind.readErrors.set('b', new Error('ParentNotFound'));
    const changes = await plan([want(kind, 'b', { dependsOn: ['a'] }), want(kind, 'a')], options);
    expect(changes.map((c) => c.action)).toEqual(['create', 'create']);
    await expect(plan([want(kind, 'b', { dependsOn: ['a'] }), want(kind, 'a')], { ...options, readAll: true })).rejects.toThrow(/reading fake:thing "b"/);
  });

  it('reads every resource at once, without waiting for its dependencies to be read', async () => {
    const kind = new FakeKind({ readTicks: 2 }).put('dev', { name: 'a', value: 'v1' }).put('dev', { name: 'b', value: 'v1' }).put('dev', { name: 'c', value: 'v1' });
    const changes = await plan([want(kind, 'a'), want(kind, 'b', { dependsOn: ['a'] }), want(kind, 'c', { dependsOn: ['b'] })], options);
    expect(changes.map((c) => c.action)).toEqual(['noop', 'noop', 'noop']);
    expect(kind.maxReadsInFlight).toBe(3);
  });

  it('reads a dependent whose dependency exists', async () => {
    const kind = new FakeKind().put('dev', { name: 'a', value: 'v1' }).put('dev', { name: 'b', value: 'v1' });
    const changes = await plan([want(kind, 'a'), want(kind, 'b', { dependsOn: ['a'] })], options);
    expect(changes.map((c) => c.action)).toEqual(['noop', 'noop']);
    expect(kind.calls).toEqual(['find:dev/a', 'find:dev/b']);
  });

  it('never reads an offline target: everything is a create', async () => {
    const offline = fakeTarget('dev', true);
    const kind = new FakeKind().put('dev', { name: 'a', value: 'v1' });
    const batched = new FakeKind({ kind: 'fake:batched', batch: true }).put('dev', { name: 'c', value: 'v1' });
    const changes = await plan(
      [want(kind, 'a', { target: offline }), want(kind, 'b', { target: offline, dependsOn: ['a'] }), want(batched, 'c', { target: offline })],
      options,
    );
    expect(changes.map((c) => c.action)).toEqual(['create', 'create', 'create']);
    expect(kind.calls).toEqual([]);
    expect(batched.calls).toEqual([]);
  });

  it('reads all items of a batching kind with one findMany per (kind, target), in spec order', async () => {
    const dev = fakeTarget('dev');
    const prod = fakeTarget('prod');
    const kind = new FakeKind({ batch: true })
      .put('dev', { name: 'b', value: 'v1' })
      .put('dev', { name: 'd', value: 'v1' })
      .put('prod', { name: 'b', value: 'old' });
    const changes = await plan(
      [
        want(kind, 'c', { id: 'dev/c', target: dev }),
        want(kind, 'b', { id: 'dev/b', target: dev }),
        want(kind, 'b', { id: 'prod/b', target: prod }),
        want(kind, 'd', { id: 'dev/d', target: dev, dependsOn: ['dev/b'] }),
        want(kind, 'a', { id: 'dev/a', target: dev }),
      ],
      options,
    );
    expect(changes.map((c) => `${c.desired.id}:${c.action}`)).toEqual(['dev/c:create', 'dev/b:noop', 'prod/b:update', 'dev/d:noop', 'dev/a:create']);
    expect(kind.calls.filter((call) => call.startsWith('findMany')).sort()).toEqual(['findMany:dev/c,b,d,a', 'findMany:prod/b']);
    expect(kind.calls.filter((call) => call.startsWith('find:'))).toEqual([]);
  });

  describe('resources without the project tag', () => {
    const foreign = { [TAG_PROJECT]: 'someone-else' };

    it('block what depends on them and would be written, unless adopt; a dependent with nothing to change is left alone', async () => {
      const parents = new FakeKind({ kind: 'fake:role' }).put('dev', { name: 'r', value: 'old', tags: foreign });
      const children = new FakeKind({ kind: 'fake:role-policy' }).put('dev', { name: 'same', value: 'v1' });
      const desired = [
        want(parents, 'r', { value: 'new', tags: { [TAG_PROJECT]: 'mt' } }),
        want(children, 'p', { id: 'p', dependsOn: ['r'] }),
        want(children, 'same', { id: 'same', dependsOn: ['r'] }),
      ];
      const [, child, unchanged] = await plan(desired, options);
      expect(child!.action).toBe('create');
      expect(child!.blocked).toBe('belongs to fake:role "r", which exists without the tag mtpipe:project=mt; mtpipe changes it only with --adopt');
      expect(unchanged!.action).toBe('noop');
      expect(unchanged!.blocked).toBeUndefined();

      const adopted = await plan(desired, { ...options, adopt: true });
      expect(adopted.map((c) => c.blocked)).toEqual([undefined, undefined, undefined]);
    });

    it('are unmanaged and blocked for update without adopt', async () => {
      const kind = new FakeKind().put('dev', { name: 'a', value: 'old', tags: foreign });
      const [change] = await plan([want(kind, 'a', { value: 'new' })], options);
      expect(change!.action).toBe('update');
      expect(change!.unmanaged).toBe(true);
      expect(change!.blocked).toContain(`${TAG_PROJECT}=mt`);
      expect(change!.blocked).toContain('--adopt');
    });

    it('are not blocked with adopt', async () => {
      const kind = new FakeKind().put('dev', { name: 'a', value: 'old', tags: foreign });
      const [change] = await plan([want(kind, 'a', { value: 'new' })], { ...options, adopt: true });
      expect(change!.unmanaged).toBe(true);
      expect(change!.blocked).toBeUndefined();
    });

    it('are flagged but not blocked when nothing changes', async () => {
      const kind = new FakeKind().put('dev', { name: 'a', value: 'v1', tags: {} });
      const [change] = await plan([want(kind, 'a')], options);
      expect(change!.action).toBe('noop');
      expect(change!.unmanaged).toBe(true);
      expect(change!.blocked).toBeUndefined();
    });

    it('is not said of resources carrying the tag', async () => {
      const kind = new FakeKind().put('dev', { name: 'a', value: 'old', tags: { [TAG_PROJECT]: 'mt' } });
      const [change] = await plan([want(kind, 'a', { value: 'new' })], options);
      expect(change!.unmanaged).toBeUndefined();
      expect(change!.blocked).toBeUndefined();
    });
  });

  it("turns a kind's check() problem into blocked", async () => {
    const kind = new FakeKind();
    kind.problems.set('a', 'the Hugging Face token is required');
    const changes = await plan([want(kind, 'a'), want(kind, 'b')], options);
    expect(changes[0]!.blocked).toBe('the Hugging Face token is required');
    expect(changes[1]!.blocked).toBeUndefined();
  });

  it('wraps a read error in an AwsError naming the kind, resource and environment', async () => {
    const kind = new FakeKind({ kind: 'fake:widget' });
    const cause = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    kind.readErrors.set('w1', cause);
    const error = await plan([want(kind, 'w1')], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).message).toBe('reading fake:widget "w1" in dev: AccessDeniedException: User is not authorized');
    expect((error as AwsError).cause).toBe(cause);
    expect((error as AwsError).exitCode).toBe(1);
  });

  it('wraps a batched read error in an AwsError naming the kind and environment', async () => {
    const kind = new FakeKind({ kind: 'fake:widget', batch: true });
    const cause = new Error('throttled');
    kind.readErrors.set('w2', cause);
    const prod = fakeTarget('prod');
    const error = await plan([want(kind, 'w1', { target: prod }), want(kind, 'w2', { target: prod })], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).message).toMatch(/^reading .*fake:widget.* in prod: throttled$/);
    expect((error as AwsError).cause).toBe(cause);
  });

  describe('rejects a broken resource graph', () => {
    const kind = new FakeKind();
    it('duplicate ids', async () => {
      await expect(plan([want(kind, 'a'), want(kind, 'a')], options)).rejects.toThrow(/resource id a appears twice/);
      expect(kind.calls).toEqual([]);
    });
    it('unknown dependency', async () => {
      await expect(plan([want(kind, 'a', { dependsOn: ['ghost'] })], options)).rejects.toThrow(/a depends on unknown resource ghost/);
    });
    it('cycle', () => {
      const desired = [want(kind, 'a', { dependsOn: ['c'] }), want(kind, 'b', { dependsOn: ['a'] }), want(kind, 'c', { dependsOn: ['b'] })];
      expect(() => indexDesired(desired)).toThrow(/dependency cycle a -> c -> b -> a/);
    });
    it('self dependency', async () => {
      await expect(plan([want(kind, 'a', { dependsOn: ['a'] })], options)).rejects.toThrow(/dependency cycle/);
    });
  });
});
