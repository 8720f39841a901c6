import { describe, expect, it } from 'vitest';
import { connectionChecks } from '../../../src/commands/verify/connection.js';
import { presenceChecks } from '../../../src/commands/verify/resources.js';
import { subscriptionChecks } from '../../../src/commands/verify/subscriptions.js';
import { change } from './fakes.js';

describe('presence of what bootstrap wants, from its plan', () => {
  it('ok per category when everything exists, in a fixed order', () => {
    const rows = presenceChecks([
      change('codebuild:project', 'mt-build-and-test', 'noop'),
      change('iam:role', 'mt-pipeline', 'noop'),
      change('ssm:parameter', '/mt/dev/a', 'noop'),
      change('ssm:parameter', '/mt/dev/b', 'noop'),
      change('s3:bucket', 'mt-artifacts', 'noop'),
      change('sns:topic', 'mt-approvals', 'noop'),
    ]);
    expect(rows).toEqual([
      { check: 'parameters', status: 'ok', reason: 'all 2 exist' },
      { check: 'roles and policies', status: 'ok', reason: '1 exists' },
      { check: 'buckets', status: 'ok', reason: '1 exists' },
      { check: 'topics', status: 'ok', reason: '1 exists' },
      { check: 'other resources', status: 'ok', reason: '1 exists' },
    ]);
  });

  it('failed naming what is missing (planned for creation); a warning when all exist but some differ', () => {
    const rows = presenceChecks([
      change('ssm:parameter', '/mt/dev/a', 'create'),
      change('ssm:parameter', '/mt/dev/b', 'noop'),
      change('iam:role', 'mt-pipeline', 'noop'),
      change('iam:role-policy', 'mt-pipeline/mtpipe-least-privilege', 'update'),
    ]);
    expect(rows).toEqual([
      { check: 'parameters', status: 'failed', reason: 'missing 1 of 2: ssm:parameter /mt/dev/a (run `mtpipe bootstrap`)' },
      {
        check: 'roles and policies',
        status: 'warning',
        reason: 'all 2 exist; 1 differ from the configuration (`mtpipe drift` shows how): iam:role-policy mt-pipeline/mtpipe-least-privilege',
      },
    ]);
  });

  it("leaves out reads of others' resources (the solution's stacks) and planned deletions", () => {
    expect(presenceChecks([change('cloudformation:stack', 'WorkflowStack', 'create', { reference: true }), change('ssm:parameter', '/mt/dev/old', 'delete')])).toEqual([]);
  });
});

describe('subscriptions, from what the plan read of each topic', () => {
  it('a pending confirmation is a warning naming the address', () => {
    const topic = (subscriptions: { endpoint: string; protocol: string; confirmed: boolean }[]) =>
      change('sns:topic', 'mt-approvals', 'noop', { current: { arn: 'arn', kmsMasterKeyId: '', policy: [], tags: {}, subscriptions } });
    expect(subscriptionChecks([topic([{ endpoint: 'a@example.com', protocol: 'email', confirmed: true }, { endpoint: 'b@example.com', protocol: 'email', confirmed: false }])])).toEqual([
      { check: 'subscriptions of mt-approvals', status: 'warning', reason: 'pending confirmation: b@example.com (each must follow the link AWS emailed)' },
    ]);
    expect(subscriptionChecks([topic([{ endpoint: 'a@example.com', protocol: 'email', confirmed: true }])])).toEqual([
      { check: 'subscriptions of mt-approvals', status: 'ok', reason: '1 confirmed' },
    ]);
  });

  it('a topic that does not exist has no row (the presence check names it)', () => {
    expect(subscriptionChecks([change('sns:topic', 'mt-approvals', 'create')])).toEqual([]);
  });
});

describe('the source connection', () => {
  const arn = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/abc';
  it('AVAILABLE is ok; PENDING fails with where to complete the handshake; missing fails', () => {
    expect(connectionChecks([change('codeconnections:connection', 'mt', 'noop', { current: { name: 'mt', arn, status: 'AVAILABLE', tags: {} } })])).toEqual([
      { check: 'source connection', status: 'ok', reason: `${arn} AVAILABLE` },
    ]);
    expect(connectionChecks([change('codeconnections:connection', 'mt', 'noop', { current: { name: 'mt', arn, status: 'PENDING', tags: {} } })])).toEqual([
      {
        check: 'source connection',
        status: 'failed',
        reason: `${arn} PENDING: complete the handshake with the provider at https://console.aws.amazon.com/codesuite/settings/connections?region=eu-west-1`,
      },
    ]);
    expect(connectionChecks([change('codeconnections:connection', 'mt', 'create')])).toEqual([
      { check: 'source connection', status: 'failed', reason: 'mt does not exist (run `mtpipe create-pipeline`)' },
    ]);
  });

  it('a CodeCommit source has no connection row', () => {
    expect(connectionChecks([change('codecommit:repository', 'machine-translation', 'noop')])).toEqual([]);
  });
});
