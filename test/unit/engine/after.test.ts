import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/engine/apply.js';
import { indexDesired } from '../../../src/engine/graph.js';
import { plan } from '../../../src/engine/plan.js';
import { changeOf, FakeKind, RULES, want } from './fakes.js';

/** `after`: ordering-only dependencies, honoured when the id is in the plan, ignored otherwise. */
describe('after (ordering only)', () => {
  it('applies an item after the ids it names that are in the plan', async () => {
    const kind = new FakeKind({ writeTicks: { alarm: 3, group: 1 } });
    const changes = [changeOf({ ...want(kind, 'group'), after: ['alarm'] }, 'create'), changeOf(want(kind, 'alarm'), 'create')];
    await apply(changes, { concurrency: 8, ...RULES });
    expect(kind.log.indexOf('end:alarm')).toBeLessThan(kind.log.indexOf('start:group'));
  });

  it('ignores ids that are not in the plan (dependsOn on them is an internal error)', async () => {
    const kind = new FakeKind();
    expect(() => indexDesired([{ ...want(kind, 'group'), dependsOn: ['alarm'] }])).toThrow(/unknown resource alarm/);
    const changes = await plan([{ ...want(kind, 'group'), after: ['alarm'] }], RULES);
    expect(changes.map((change) => change.action)).toEqual(['create']);
    const results = await apply(changes, { concurrency: 8, ...RULES });
    expect(results.map((result) => result.status)).toEqual(['created']);
  });

  it('does not hold an item back when what it is ordered after fails', async () => {
    const kind = new FakeKind();
    kind.failWrites.add('alarm');
    const changes = [changeOf(want(kind, 'alarm'), 'create'), changeOf({ ...want(kind, 'group'), after: ['alarm'] }, 'create')];
    const results = await apply(changes, { concurrency: 8, ...RULES });
    expect(results.map((result) => [result.name, result.status])).toEqual([
      ['alarm', 'failed'],
      ['group', 'created'],
    ]);
  });

  it('reports a cycle through after', () => {
    const kind = new FakeKind();
    expect(() => indexDesired([{ ...want(kind, 'a'), after: ['b'] }, { ...want(kind, 'b'), dependsOn: ['a'] }])).toThrow(/dependency cycle/);
  });
});
