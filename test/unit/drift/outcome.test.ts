import { describe, expect, it } from 'vitest';
import { differencesOf, driftOutcome, formatDrift, type DriftResult } from '../../../src/commands/drift.js';
import { DifferencesError, EXIT_DIFFERENCES } from '../../../src/errors.js';
import { captureStream } from '../../support/harness.js';
import { change } from '../verify/fakes.js';

const result = (extra: Partial<DriftResult> = {}): DriftResult => ({ command: 'drift', inSync: true, differences: [], unchanged: 5, ...extra });

describe('what drift counts as a difference', () => {
  it('creates, updates, deletes and blocked changes; not what is in sync, and not reads of references', () => {
    const changes = [
      change('ssm:parameter', '/mt/dev/a', 'update', { env: 'dev' }),
      change('iam:role', 'mt-pipeline', 'create'),
      change('ssm:parameter', '/mt/dev/old', 'delete', { env: 'dev' }),
      change('iam:role', 'mt-build', 'noop', { blocked: 'serves region eu-west-1' }),
      change('s3:bucket', 'mt-artifacts', 'noop'),
      change('cloudformation:stack', 'WorkflowStack', 'noop', { reference: true }),
      change('codeconnections:connection', 'arn', 'create', { reference: true, blocked: 'does not exist' }),
    ];
    expect(differencesOf(changes).map((c) => c.desired.id)).toEqual(['dev/ssm:parameter//mt/dev/a', 'shared/iam:role/mt-pipeline', 'dev/ssm:parameter//mt/dev/old', 'shared/iam:role/mt-build']);
  });
});

describe('the exit of drift', () => {
  it('in sync: none (exit 0)', () => {
    expect(driftOutcome(result())).toBeUndefined();
    expect(driftOutcome(result({ stacks: [{ env: 'dev', stack: 'A', status: 'NOT_DEPLOYED', resources: [] }] }))).toBeUndefined();
  });

  it('a difference: DifferencesError, exit 3, with the way back', () => {
    const outcome = driftOutcome(result({ inSync: false, differences: [{ id: 'x', kind: 'ssm:parameter', name: 'a', env: 'dev', action: 'update', diffs: [] }] }));
    expect(outcome).toBeInstanceOf(DifferencesError);
    expect(outcome?.exitCode).toBe(EXIT_DIFFERENCES);
    expect(EXIT_DIFFERENCES).toBe(3);
    expect(outcome?.message).toBe('drift: 1 resource(s) differ from the configuration');
    expect(outcome?.hint).toBe('run `mtpipe bootstrap` to put them back (`mtpipe bootstrap --dry-run` shows the same plan)');
  });

  it('a drifted stack: exit 3 naming it; a detection that failed alone: exit 1', () => {
    const drifted = driftOutcome(result({ inSync: false, stacks: [{ env: 'dev', stack: 'WorkflowStack', status: 'DRIFTED', resources: [] }] }));
    expect(drifted?.exitCode).toBe(3);
    expect(drifted?.message).toBe('drift: 1 stack(s) drifted (WorkflowStack in dev)');
    const failed = driftOutcome(result({ stacks: [{ env: 'dev', stack: 'A', status: 'FAILED', reason: 'timed out', resources: [] }] }));
    expect(failed?.exitCode).toBe(1);
    expect(failed?.message).toBe('drift detection failed for A in dev: timed out');
  });
});

describe("drift's report", () => {
  it('in sync: one line', () => {
    expect(formatDrift(result(), [], captureStream(), false)).toEqual(['In sync — 5 resources match the configuration.']);
  });

  it('the differences as the plan shows them, and each stack with its drifted resources', () => {
    const differing = [change('ssm:parameter', '/mt/dev/a', 'update', { env: 'dev', diffs: [{ field: 'value', from: 'x', to: 'y' }] })];
    const lines = formatDrift(
      result({
        inSync: false,
        differences: [{ id: 'x', kind: 'ssm:parameter', name: '/mt/dev/a', env: 'dev', action: 'update', diffs: [] }],
        stacks: [
          {
            env: 'dev',
            stack: 'WorkflowStack',
            status: 'DRIFTED',
            resources: [{ logicalId: 'Fn', type: 'AWS::Lambda::Function', status: 'MODIFIED', differences: [{ path: '/TracingConfig/Mode', expected: 'PassThrough', actual: 'Active' }] }],
          },
          { env: 'prod', stack: 'WorkflowStack', status: 'NOT_DEPLOYED', resources: [] },
        ],
      }),
      differing,
      captureStream(),
      false,
    );
    expect(lines).toEqual([
      'dev (account 111111111111, eu-west-1)',
      '  ~ ssm:parameter /mt/dev/a',
      '      value: "x" → "y"',
      'Drift: 1 difference, 5 resources in sync.',
      'stack WorkflowStack (dev): DRIFTED',
      '  MODIFIED Fn (AWS::Lambda::Function)',
      '      /TracingConfig/Mode: PassThrough → Active',
      'stack WorkflowStack (prod): NOT_DEPLOYED (nothing to check yet)',
    ]);
  });
});
