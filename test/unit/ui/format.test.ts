import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/engine/types.js';
import { diffForJson, formatPlan, formatResults, summaryLine } from '../../../src/ui/format.js';
import { changeOf, FakeKind, fakeTarget, want } from '../engine/fakes.js';

const c = createColors(false);
const SECRET = 'hf_TOPsecret_0123456789';
const kind = new FakeKind({ kind: 'ssm:parameter' });
const dev = fakeTarget('dev');
const prod = { ...fakeTarget('prod'), account: '222222222222', region: 'us-east-1' };

function sample(): Change[] {
  return [
    changeOf(want(kind, '/mt/dev/token', { id: 'dev/token', target: dev }), 'create', [
      { field: 'name', to: '/mt/dev/token' },
      { field: 'value', to: SECRET, secret: true },
    ]),
    changeOf(want(kind, '/mt/prod/token', { id: 'prod/token', target: prod }), 'update', [{ field: 'value', from: `${SECRET}-old`, to: SECRET, secret: true }], {}),
    changeOf(want(kind, '/mt/dev/input', { id: 'dev/input', target: dev }), 'update', [{ field: 'value', from: 'a-bucket', to: 'b-bucket' }], {}),
    changeOf(want(kind, '/mt/dev/output', { id: 'dev/output', target: dev }), 'noop'),
    changeOf(want(kind, '/mt/prod/output', { id: 'prod/output', target: prod }), 'noop'),
    changeOf(want(kind, '/mt/prod/old', { id: 'prod/old', target: prod }), 'delete', [], {}),
  ];
}

describe('formatPlan', () => {
  it('never prints a secret value', () => {
    const text = formatPlan(sample(), c, { offline: false }).join('\n');
    expect(text).not.toContain('hf_TOPsecret');
    expect(text).toContain('      value: (secret)');
    expect(text).toContain('      value: (secret) changed');
  });

  it('never prints a secret even when it is a multi-line value', () => {
    const multi = { token: SECRET, nested: { again: SECRET } };
    const change = changeOf(want(kind, 'doc', { target: dev }), 'update', [{ field: 'doc', from: {}, to: multi, secret: true }], {});
    expect(formatPlan([change], c, { offline: false }).join('\n')).not.toContain('hf_TOPsecret');
  });

  it('shows ordinary diffs', () => {
    const text = formatPlan(sample(), c, { offline: false }).join('\n');
    expect(text).toContain('      name: "/mt/dev/token"');
    expect(text).toContain('      value: "a-bucket" → "b-bucket"');
  });

  it('groups changes per environment, in order of first appearance', () => {
    const lines = formatPlan(sample(), c, { offline: false });
    const devHeader = lines.indexOf('dev (account 111111111111, eu-west-1)');
    const prodHeader = lines.indexOf('prod (account 222222222222, us-east-1)');
    expect(devHeader).toBe(0);
    expect(prodHeader).toBeGreaterThan(devHeader);
    expect(lines.filter((l) => /^\S.*\(account/.test(l))).toHaveLength(2);
    const at = (line: string) => lines.indexOf(line);
    // both dev changes sit under the dev header, before prod's
    for (const line of ['  + ssm:parameter /mt/dev/token', '  ~ ssm:parameter /mt/dev/input']) {
      expect(at(line)).toBeGreaterThan(devHeader);
      expect(at(line)).toBeLessThan(prodHeader);
    }
    for (const line of ['  ~ ssm:parameter /mt/prod/token', '  - ssm:parameter /mt/prod/old']) expect(at(line)).toBeGreaterThan(prodHeader);
    // noops are counted, not listed
    expect(lines.filter((l) => l === '  = 1 unchanged')).toHaveLength(2);
    expect(lines.some((l) => l.includes('/mt/dev/output'))).toBe(false);
  });

  it('ends with a summary line counting each action', () => {
    const lines = formatPlan(sample(), c, { offline: false });
    expect(lines.at(-1)).toBe('Plan: 1 to create, 2 to update, 1 to delete, 2 unchanged.');
    expect(summaryLine([])).toBe('Plan: 0 to create, 0 to update, 0 to delete, 0 unchanged.');
  });

  it('counts what the run only reads (references, e.g. the solution\'s stacks) apart, as drift does', () => {
    const stacks = new FakeKind({ kind: 'cloudformation:stack' });
    Object.assign(stacks, { isReference: true });
    const changes = [...sample(), changeOf(want(stacks, 'WorkflowStack', { id: 'dev/stack', target: dev }), 'noop')];
    expect(summaryLine(changes)).toBe('Plan: 1 to create, 2 to update, 1 to delete, 2 unchanged (and 1 read only, not managed by this command).');
    const results = [
      { id: 'dev/output', kind: 'ssm:parameter', name: '/mt/dev/output', env: 'dev', status: 'unchanged' as const },
      { id: 'dev/stack', kind: 'cloudformation:stack', name: 'WorkflowStack', env: 'dev', status: 'unchanged' as const, reference: true as const },
    ];
    expect(formatResults(results, c, false)).toEqual(['No changes — 1 resource up to date (and 1 read only, not managed by this command).']);
    expect(formatResults(results.slice(0, 1), c, false)).toEqual(['No changes — 1 resource up to date.']);
  });

  it('shows the offline banner only offline', () => {
    const offline = formatPlan(sample(), c, { offline: true });
    expect(offline[0]).toMatch(/^Offline plan: no AWS credentials/);
    expect(formatPlan(sample(), c, { offline: false }).join('\n')).not.toContain('Offline');
  });

  it('says when a resource is unmanaged or blocked', () => {
    const change = { ...changeOf(want(kind, 'x', { target: dev }), 'update', [], {}), unmanaged: true, blocked: 'needs --adopt' };
    const lines = formatPlan([change], c, { offline: false });
    expect(lines).toContain('      exists but is not tagged as managed by mtpipe');
    expect(lines).toContain('      ! needs --adopt');
  });
});

describe('diffForJson', () => {
  it('drops the values of secret diffs', () => {
    expect(diffForJson({ field: 'value', from: 'a', to: SECRET, secret: true })).toEqual({ field: 'value', secret: true });
    expect(diffForJson({ field: 'tier', from: 'Standard', to: 'Advanced' })).toEqual({ field: 'tier', from: 'Standard', to: 'Advanced' });
  });
});
