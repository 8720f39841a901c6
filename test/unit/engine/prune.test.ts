import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/engine/apply.js';
import { plan } from '../../../src/engine/plan.js';
import { TAG_PROJECT, type ResourceKind, type Target } from '../../../src/engine/types.js';
import { AwsError } from '../../../src/errors.js';
import { FakeKind, fakeTarget, want, type FakeCurrent, type FakeSpec, RULES } from './fakes.js';

/** A fake kind that can list what it owns under a prefix, and delete. */
class PrunableKind extends FakeKind {
  readonly listed: string[] = [];
  listError: Error | undefined;

  async listUnwanted(target: Target, scope: string, project: string, isWanted: (name: string) => boolean) {
    this.listed.push(`${target.name}:${scope}`);
    if (this.listError) throw this.listError;
    return [...this.state.entries()]
      .filter(([key, current]) => key.startsWith(`${target.name}/${scope}`) && current.tags?.[TAG_PROJECT] === project)
      .map(([, current]) => current)
      .filter((current) => !isWanted(current.name))
      .map((current): { spec: FakeSpec; current: FakeCurrent } => ({ spec: { name: current.name, value: current.value }, current }));
  }

  async delete(target: Target, current: FakeCurrent) {
    this.calls.push(`delete:${target.name}/${current.name}`);
    this.state.delete(`${target.name}/${current.name}`);
  }
}

const owned = { [TAG_PROJECT]: 'mt' };

describe('plan with prune scopes', () => {
  it('plans deletion of owned resources no longer wanted, and only those', async () => {
    const kind = new PrunableKind()
      .put('dev', { name: 'p/keep', value: 'v1', tags: owned })
      .put('dev', { name: 'p/gone', value: 'v1', tags: owned })
      .put('dev', { name: 'p/foreign', value: 'v1', tags: { [TAG_PROJECT]: 'other' } })
      .put('dev', { name: 'q/outside', value: 'v1', tags: owned });
    const target = fakeTarget('dev');
    const changes = await plan([want(kind, 'p/keep', { target, tags: owned })], {
      project: 'mt',
      adopt: false,
      prune: [{ kind: kind as ResourceKind<unknown, unknown>, target, scope: 'p/' }],
    });
    expect(changes.map((c) => [c.action, c.desired.kind.name(c.desired.spec)])).toEqual([
      ['noop', 'p/keep'],
      ['delete', 'p/gone'],
    ]);

    const results = await apply(changes, { concurrency: 2, ...RULES });
    expect(results.map((r) => [r.status, r.name])).toEqual([
      ['unchanged', 'p/keep'],
      ['deleted', 'p/gone'],
    ]);
    expect(kind.calls).toContain('delete:dev/p/gone');
    expect(kind.state.has('dev/p/foreign')).toBe(true);
    expect(kind.state.has('dev/q/outside')).toBe(true);
  });

  it('does not list anything for an offline target', async () => {
    const kind = new PrunableKind();
    const target = fakeTarget('dev', true);
    await plan([], { project: 'mt', adopt: false, prune: [{ kind: kind as ResourceKind<unknown, unknown>, target, scope: 'p/' }] });
    expect(kind.listed).toEqual([]);
  });

  it('wraps a listing failure in an AwsError naming the scope', async () => {
    const kind = new PrunableKind();
    kind.listError = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    const target = fakeTarget('prod');
    const planning = plan([], { project: 'mt', adopt: false, prune: [{ kind: kind as ResourceKind<unknown, unknown>, target, scope: 'p/' }] });
    await expect(planning).rejects.toBeInstanceOf(AwsError);
    await expect(planning).rejects.toThrow(/fake:thing resources under p\/ in prod: AccessDeniedException: denied/);
  });
});
