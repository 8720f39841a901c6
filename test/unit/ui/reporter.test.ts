import { describe, expect, it } from 'vitest';
import type { Change, ResourceResult } from '../../../src/engine/types.js';
import { ConsoleReporter, type RunReport } from '../../../src/ui/reporter.js';
import { changeOf, FakeKind, fakeTarget, want } from '../engine/fakes.js';

const SECRET = 'hf_REPORTERsecret_987';

/** A stream stand-in that keeps what is written; not a terminal. */
function stream() {
  const chunks: string[] = [];
  const fake = {
    isTTY: false,
    columns: 100,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
  };
  return { stream: fake as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

function reporter(json: boolean) {
  const out = stream();
  const err = stream();
  const r = new ConsoleReporter({ json, debug: false, color: false, stdout: out.stream, stderr: err.stream });
  return { r, out, err };
}

const kind = new FakeKind({ kind: 'ssm:parameter' });
const changes: Change[] = [
  changeOf(want(kind, '/mt/dev/hf', { id: 'dev/hf', target: fakeTarget('dev') }), 'create', [{ field: 'value', to: SECRET, secret: true }]),
  changeOf(want(kind, '/mt/dev/in', { id: 'dev/in', target: fakeTarget('dev') }), 'update', [{ field: 'value', from: 'a', to: 'b' }], {}),
  changeOf(want(kind, 'repo', { id: 'repo', target: fakeTarget('shared') }), 'noop'),
];
const results: ResourceResult[] = [
  { id: 'dev/hf', kind: 'ssm:parameter', name: '/mt/dev/hf', env: 'dev', status: 'created', arn: 'arn:aws:ssm:eu-west-1:111111111111:parameter/mt/dev/hf' },
  { id: 'dev/in', kind: 'ssm:parameter', name: '/mt/dev/in', env: 'dev', status: 'failed', error: 'updating ssm:parameter "/mt/dev/in" in dev: denied' },
  { id: 'repo', kind: 'ssm:parameter', name: 'repo', env: 'shared', status: 'unchanged' },
];
const report: RunReport = { command: 'set-params', dryRun: false, offline: false, changes, results, outputs: { 'set-params': { count: 2 } }, notes: ['a note'] };

function runAll(r: ConsoleReporter) {
  r.info('reading the current state…');
  r.plan(changes, { offline: false });
  r.progress({ type: 'start', change: changes[0]! });
  r.progress({ type: 'done', change: changes[0]!, result: results[0]! });
  r.progress({ type: 'start', change: changes[1]! });
  r.progress({ type: 'done', change: changes[1]!, result: results[1]! });
  r.progress({ type: 'done', change: changes[2]!, result: results[2]! });
  r.warn('careful');
  r.done(report);
}

describe('ConsoleReporter --json', () => {
  it('prints nothing on stdout for the plan', () => {
    const { r, out } = reporter(true);
    r.plan(changes, { offline: true });
    expect(out.text()).toBe('');
  });

  it('prints exactly one JSON document on stdout, with changes, resources and outputs', () => {
    const { r, out, err } = reporter(true);
    runAll(r);
    const doc = JSON.parse(out.text()) as Record<string, unknown>;
    expect(doc).toMatchObject({ command: 'set-params', dryRun: false, offline: false, resources: results, outputs: { 'set-params': { count: 2 } } });
    expect(doc.changes).toEqual([
      { id: 'dev/hf', kind: 'ssm:parameter', name: '/mt/dev/hf', env: 'dev', action: 'create', diffs: [{ field: 'value', secret: true }] },
      { id: 'dev/in', kind: 'ssm:parameter', name: '/mt/dev/in', env: 'dev', action: 'update', diffs: [{ field: 'value', from: 'a', to: 'b' }] },
      { id: 'repo', kind: 'ssm:parameter', name: 'repo', env: 'shared', action: 'noop', diffs: [] },
    ]);
    expect(out.text()).not.toContain('hf_REPORTERsecret');
    expect(err.text()).not.toContain('hf_REPORTERsecret');
    // progress, info and warnings stay on stderr
    expect(err.text()).toContain('creating ssm:parameter /mt/dev/hf (dev)');
    expect(err.text()).toContain('warning: careful');
    expect(out.text()).not.toContain('warning');
  });

  it('marks unmanaged and blocked changes, and omits resources in a dry run', () => {
    const { r, out } = reporter(true);
    const blocked = { ...changes[1]!, unmanaged: true, blocked: 'needs --adopt' };
    r.done({ ...report, dryRun: true, changes: [blocked], results: undefined, notes: [] });
    const doc = JSON.parse(out.text()) as { changes: Record<string, unknown>[] };
    expect(doc.changes[0]).toMatchObject({ unmanaged: true, blocked: 'needs --adopt' });
    expect(doc).not.toHaveProperty('resources');
  });
});

describe('ConsoleReporter (human)', () => {
  it('prints the plan and the results on stdout, progress on stderr', () => {
    const { r, out, err } = reporter(false);
    runAll(r);
    const stdout = out.text();
    const stderr = err.text();
    expect(stdout).toContain('  + ssm:parameter /mt/dev/hf');
    expect(stdout).toContain('Plan: 1 to create, 1 to update, 0 to delete, 1 unchanged.');
    expect(stdout).toMatch(/^created\s+ssm:parameter \/mt\/dev\/hf {2}arn:aws:ssm:eu-west-1:111111111111:parameter\/mt\/dev\/hf$/m);
    expect(stdout).toMatch(/^failed\s+ssm:parameter \/mt\/dev\/in$/m);
    expect(stdout).toContain('\na note\n');
    expect(stdout).not.toContain('hf_REPORTERsecret');
    expect(stdout).not.toContain('creating');

    expect(stderr.split('\n')).toEqual([
      'reading the current state…',
      'creating ssm:parameter /mt/dev/hf (dev)',
      '✓ created ssm:parameter /mt/dev/hf (dev)',
      'updating ssm:parameter /mt/dev/in (dev)',
      '✗ failed ssm:parameter /mt/dev/in (dev): updating ssm:parameter "/mt/dev/in" in dev: denied',
      'warning: careful',
      '',
    ]);
  });

  it('a run with nothing to do: one line for the resources, only the notes that still need action', () => {
    const unchanged = (n: number): ResourceResult[] =>
      Array.from({ length: n }, (_, i) => ({ id: `r${i}`, kind: 'ssm:parameter', name: `/mt/p${i}`, env: 'dev', status: 'unchanged' }));
    const noop = { ...report, changes: [changes[2]!], results: unchanged(53), notes: ['Repository x: clone it', '  git clone y'], actions: ['bootstrap CDK: cdk bootstrap aws://1/us-east-1'] };
    const { r, out } = reporter(false);
    r.plan(noop.changes, { offline: false, dryRun: false });
    r.done(noop);
    expect(out.text()).toBe(
      ['No changes — 53 resources up to date.', '', 'To do:', '  bootstrap CDK: cdk bootstrap aws://1/us-east-1', '(--verbose lists every resource and note)', ''].join('\n'),
    );

    // --verbose: the plan, every resource and every note
    const verbose = stream();
    const v = new ConsoleReporter({ json: false, debug: false, color: false, verbose: true, stdout: verbose.stream, stderr: stream().stream });
    v.plan(noop.changes, { offline: false, dryRun: false });
    v.done(noop);
    const lines = verbose.text().split('\n');
    expect(lines).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.');
    expect(lines).toContain('No changes — 53 resources up to date.');
    expect(lines.filter((line) => /^unchanged\s+ssm:parameter \/mt\/p\d+$/.test(line))).toHaveLength(53);
    expect(lines).toContain('  git clone y');
    expect(lines).toContain('  bootstrap CDK: cdk bootstrap aws://1/us-east-1');
  });

  it('a run that changed something: the changed and failed resources, a count of the rest, every note', () => {
    const { r, out } = reporter(false);
    r.done({ ...report, actions: ['do this'] });
    expect(out.text()).toMatch(/^created\s+ssm:parameter \/mt\/dev\/hf {2}arn:\S+\nfailed\s+ssm:parameter \/mt\/dev\/in\n1 unchanged\n\na note\nTo do:\n {2}do this\n$/);
  });

  it('a plan problem is shown before the summary; --json carries problems, notes and actions', () => {
    const { r, out } = reporter(false);
    r.plan(changes, { offline: true, problems: ['environments dev and prod both resolve to one account'], dryRun: true });
    expect(out.text()).toMatch(/! environments dev and prod both resolve to one account\nPlan: 1 to create/);
    const json = reporter(true);
    json.r.done({ ...report, problems: ['p'], actions: ['a'] });
    expect(JSON.parse(json.out.text())).toMatchObject({ problems: ['p'], notes: ['a note'], actions: ['a'] });
  });

  it('shows debug lines only with --debug', () => {
    const quiet = reporter(false);
    quiet.r.debug('GetParameters');
    expect(quiet.err.text()).toBe('');
    const err = stream();
    new ConsoleReporter({ json: false, debug: true, color: false, stdout: stream().stream, stderr: err.stream }).debug('GetParameters');
    expect(err.text()).toBe('GetParameters\n');
  });

  it('shows a wait on the progress line: a plain line without a terminal, after the label on the spinner', () => {
    const { r, err } = reporter(false);
    r.progress({ type: 'start', change: changes[0]! });
    r.progress({ type: 'wait', change: changes[0]!, reason: 'waiting for IAM to propagate', waitedMs: 12_400 });
    expect(err.text().split('\n')).toContain('ssm:parameter /mt/dev/hf (dev): waiting for IAM to propagate — 12 s');

    const tty = stream();
    (tty.stream as { isTTY: boolean }).isTTY = true;
    const onTerminal = new ConsoleReporter({ json: false, debug: false, color: false, stdout: stream().stream, stderr: tty.stream });
    onTerminal.progress({ type: 'start', change: changes[0]! });
    onTerminal.progress({ type: 'wait', change: changes[0]!, reason: 'waiting for IAM to propagate', waitedMs: 3000 });
    onTerminal.close();
    expect(tty.text()).toContain('ssm:parameter /mt/dev/hf (dev): waiting for IAM to propagate — 3 s');
  });
});
