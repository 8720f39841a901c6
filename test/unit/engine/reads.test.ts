import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/engine/apply.js';
import { READS_IN_FLIGHT, serviceOf } from '../../../src/engine/limit.js';
import { plan } from '../../../src/engine/plan.js';
import { ReadAhead } from '../../../src/engine/reads.js';
import { changeOf, FakeKind, fakeTarget, RULES, want } from './fakes.js';

describe('reads', () => {
  it('makes one read of a resource that a question read before the plan', async () => {
    const kind = new FakeKind().put('dev', { name: 'token', value: 'v1' });
    const reads = new ReadAhead();
    // the question's resource and the plan's are distinct objects with the same id and kind
    expect(await reads.current(want(kind, 'token'))).toEqual({ name: 'token', value: 'v1' });
    const [change] = await plan([want(kind, 'token')], { ...RULES, reads });
    expect(change!.action).toBe('noop');
    expect(kind.calls).toEqual(['find:dev/token']);
  });

  it('keeps the reads of one service within its cap while another service reads at the same time', async () => {
    const iam = new FakeKind({ kind: 'iam:fake', readTicks: 2 });
    const logs = new FakeKind({ kind: 'logs:fake', readTicks: 2 });
    const names = Array.from({ length: 12 }, (_, i) => `r${i}`);
    await plan([...names.map((name) => want(iam, name, { id: `iam-${name}` })), ...names.map((name) => want(logs, name, { id: `logs-${name}` }))], RULES);
    expect(iam.maxReadsInFlight).toBe(READS_IN_FLIGHT.iam);
    expect(logs.maxReadsInFlight).toBe(12);
  });

  it('caps reads per account and region: two places read side by side', async () => {
    const iam = new FakeKind({ kind: 'iam:fake', readTicks: 2 });
    const other = { ...fakeTarget('prod'), account: '222222222222' };
    const names = Array.from({ length: 8 }, (_, i) => `r${i}`);
    await plan([...names.map((name) => want(iam, name, { id: `dev-${name}` })), ...names.map((name) => want(iam, name, { id: `prod-${name}`, target: other }))], RULES);
    expect(iam.maxReadsInFlight).toBe(2 * READS_IN_FLIGHT.iam!);
  });

  it('names the service of a kind by the part before the colon', () => {
    expect(serviceOf('iam:role-policy')).toBe('iam');
    expect(serviceOf('cloudwatch:alarm')).toBe('cloudwatch');
  });
});

describe('writes per service', () => {
  it('never makes one service wait for the writes of another, each within --concurrency', async () => {
    const ssm = new FakeKind({ kind: 'ssm:fake', writeTicks: { a: 3, b: 3, c: 3 } });
    const logs = new FakeKind({ kind: 'logs:fake', writeTicks: { a: 3, b: 3, c: 3 } });
    const changes = ['a', 'b', 'c'].flatMap((name) => [changeOf(want(ssm, name, { id: `ssm-${name}` }), 'create'), changeOf(want(logs, name, { id: `logs-${name}` }), 'create')]);
    await apply(changes, { ...RULES, concurrency: 2 });
    expect(ssm.maxInFlight).toBe(2);
    expect(logs.maxInFlight).toBe(2);
    // both services wrote at the same time: logs' first write started before ssm's first ended
    expect(logs.log.indexOf('start:a')).toBe(0);
    expect(ssm.log.slice(0, 2)).toEqual(['start:a', 'start:b']);
  });
});

describe('writes along the critical path', () => {
  it('gives a busy service slot to the write with the longest chain of writes after it', async () => {
    // one slot for fake:role; "leaf" came first, but "root" has a chain of two writes after it
    const role = new FakeKind({ kind: 'role:fake' });
    const other = new FakeKind({ kind: 'project:fake' });
    const changes = [
      changeOf(want(role, 'blocker', { id: 'blocker' }), 'create'),
      changeOf(want(role, 'leaf', { id: 'leaf' }), 'create'),
      changeOf(want(role, 'root', { id: 'root' }), 'create'),
      changeOf(want(other, 'project', { id: 'project', dependsOn: ['root'] }), 'create'),
      changeOf(want(other, 'pipeline', { id: 'pipeline', dependsOn: ['project'] }), 'create'),
    ];
    await apply(changes, { ...RULES, concurrency: 1 });
    expect(role.log.filter((entry) => entry.startsWith('start:'))).toEqual(['start:blocker', 'start:root', 'start:leaf']);
  });
});
