import {
  CloudWatchClient,
  DashboardNotFoundError,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  PutDashboardCommand,
  ResourceNotFound,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeResourcePoliciesCommand,
  LimitExceededException,
  PutResourcePolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudwatchDashboard, markerTags, ownershipMarker, type DashboardSpec } from '../../../src/aws/cloudwatch-dashboard.js';
import { logsResourcePolicy, type LogsResourcePolicySpec } from '../../../src/aws/logs-resource-policy.js';
import { changeFor } from '../../../src/engine/plan.js';
import type { Desired } from '../../../src/engine/types.js';
import { dashboardBody, metric, metricWidget, textWidget } from '../../../src/templates/dashboard-widgets.js';
import { testTarget } from '../../support/target.js';
import { sentCommands } from '../aws/mock-sdk.js';

const cloudwatchMock = mockClient(CloudWatchClient);
const logsMock = mockClient(CloudWatchLogsClient);
const target = testTarget();
const meta = { $metadata: {} };

const body = dashboardBody([
  textWidget(`# health\n${ownershipMarker('mt', 'us-east-1')}`),
  metricWidget('Lambda errors', 'us-east-1', [metric('AWS/Lambda', 'Errors', { FunctionName: 'fn-1' }, { stat: 'Sum' })], { stat: 'Sum' }),
]);
const spec: DashboardSpec = { name: 'mt-dev-health', body };
const ARN = 'arn:aws:cloudwatch::123456789012:dashboard/mt-dev-health';

/** The same JSON with every object's keys in reverse order, as another serialiser might write it. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]));
  return value;
}

beforeEach(() => {
  cloudwatchMock.reset();
  logsMock.reset();
});

describe('cloudwatchDashboard', () => {
  it('reads a dashboard with GetDashboard; absent is undefined (both names the SDK gives the error)', async () => {
    cloudwatchMock.on(GetDashboardCommand).resolves({ DashboardName: spec.name, DashboardArn: ARN, DashboardBody: JSON.stringify(body) });
    expect(await cloudwatchDashboard.find(target, spec)).toStrictEqual({ name: spec.name, arn: ARN, body });
    expect(sentCommands(cloudwatchMock)).toStrictEqual([['GetDashboardCommand', { DashboardName: 'mt-dev-health' }]]);

    cloudwatchMock.on(GetDashboardCommand).rejects(new DashboardNotFoundError({ message: 'Dashboard mt-dev-health does not exist', ...meta }));
    expect(await cloudwatchDashboard.find(target, spec)).toBeUndefined();
    cloudwatchMock.on(GetDashboardCommand).rejects(new ResourceNotFound({ message: 'Dashboard does not exist', ...meta }));
    expect(await cloudwatchDashboard.find(target, spec)).toBeUndefined();
    cloudwatchMock.on(GetDashboardCommand).rejects(new Error('AccessDenied'));
    await expect(cloudwatchDashboard.find(target, spec)).rejects.toThrow('AccessDenied');
  });

  it('compares the body as parsed JSON: reordered keys and defaults AWS fills in are no difference', () => {
    const echoed = reordered(body) as { widgets: { type: string; properties: Record<string, unknown> }[] };
    expect(cloudwatchDashboard.diff({ name: spec.name, arn: ARN, body: echoed }, spec)).toEqual([]);
    // a default AWS leaves out on the way back (or a console edit that restores it) is no change either
    const { view: _view, ...withoutView } = echoed.widgets[1]!.properties;
    const trimmed = { ...echoed, widgets: [echoed.widgets[0], { ...echoed.widgets[1], properties: withoutView }] };
    expect(cloudwatchDashboard.diff({ name: spec.name, arn: ARN, body: trimmed }, spec)).toEqual([]);
    // a real change is one
    const edited = JSON.parse(JSON.stringify(body)) as typeof body;
    (edited.widgets[1]!.properties as { title: string }).title = 'renamed in the console';
    expect(cloudwatchDashboard.diff({ name: spec.name, arn: ARN, body: edited }, spec).map((d) => d.field)).toEqual(['body']);
  });

  it('writes the whole body with PutDashboard and fails clearly on validation messages', async () => {
    cloudwatchMock.on(PutDashboardCommand).resolves({ DashboardValidationMessages: [] });
    expect(await cloudwatchDashboard.create(target, spec)).toEqual({ arn: ARN });
    expect(sentCommands(cloudwatchMock)).toStrictEqual([['PutDashboardCommand', { DashboardName: 'mt-dev-health', DashboardBody: JSON.stringify(body) }]]);

    cloudwatchMock.on(PutDashboardCommand).resolves({ DashboardValidationMessages: [{ DataPath: '/widgets/1/properties/metrics/0', Message: 'Should NOT have more than 2 items' }] });
    await expect(cloudwatchDashboard.update(target, spec, { name: spec.name, arn: ARN, body: {} }, [])).rejects.toThrow(
      'CloudWatch saved dashboard mt-dev-health but reports: /widgets/1/properties/metrics/0 Should NOT have more than 2 items',
    );
  });

  it('deletes with DeleteDashboards', async () => {
    cloudwatchMock.on(DeleteDashboardsCommand).resolves({});
    await cloudwatchDashboard.delete!(target, { name: spec.name, arn: ARN, body }, spec);
    expect(sentCommands(cloudwatchMock)).toStrictEqual([['DeleteDashboardsCommand', { DashboardNames: ['mt-dev-health'] }]]);
  });

  it('owns a dashboard by the marker in its body: one without it is changed only with --adopt', () => {
    expect(markerTags(body)).toEqual({ 'mtpipe:project': 'mt', 'mtpipe:region': 'us-east-1' });
    const item: Desired = { id: 'dev/cloudwatch:dashboard/mt-dev-health', kind: cloudwatchDashboard as Desired['kind'], target, spec };
    const someoneElses = { name: spec.name, arn: ARN, body: { widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 2, properties: { markdown: 'ours' } }] } };
    const planned = changeFor(item, someoneElses, { project: 'mt', region: 'us-east-1', adopt: false }, []);
    expect(planned).toMatchObject({ action: 'update', unmanaged: true, blocked: expect.stringMatching(/without the tag mtpipe:project=mt/) });
    expect(changeFor(item, someoneElses, { project: 'mt', region: 'us-east-1', adopt: true }, []).blocked).toBeUndefined();
    // another project's marker is not this project's either
    const other = { ...someoneElses, body: dashboardBody([textWidget(ownershipMarker('other', 'us-east-1'))]) };
    expect(changeFor(item, other, { project: 'mt', region: 'us-east-1', adopt: false }, []).unmanaged).toBe(true);
    // names are account-wide: the project's dashboard serving another region is refused
    const elsewhere = { ...someoneElses, body: dashboardBody([textWidget(ownershipMarker('mt', 'eu-west-1'))]) };
    expect(changeFor(item, elsewhere, { project: 'mt', region: 'us-east-1', adopt: false }, []).blocked).toMatch(/serves region eu-west-1/);
  });

  it('refuses at plan time a body over 500 widgets or 1 MB', () => {
    const many = dashboardBody(Array.from({ length: 501 }, (_, i) => textWidget(`w${i}`)));
    expect(cloudwatchDashboard.check!(undefined, { name: 'big', body: many })).toMatch(/501 widgets; a dashboard holds at most 500/);
    const heavy = dashboardBody([textWidget('x'.repeat(1_000_001))]);
    expect(cloudwatchDashboard.check!(undefined, { name: 'big', body: heavy })).toMatch(/at most 1000000 bytes/);
    expect(cloudwatchDashboard.check!(undefined, spec)).toBeUndefined();
  });
});

describe('logsResourcePolicy', () => {
  const policy: LogsResourcePolicySpec = {
    name: 'mtpipe-mt-pipeline-events',
    statements: [{ Sid: 'PipelineEventsToLogs', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/mt-pipeline:*' }],
  };
  const added = { Sid: 'AddedByHand', Effect: 'Allow', Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' };

  it('finds its own policy by name among the region\'s policies, paging', async () => {
    logsMock
      .on(DescribeResourcePoliciesCommand, { limit: 50 })
      .resolvesOnce({ resourcePolicies: [{ policyName: 'someone-elses', policyDocument: '{}' }], nextToken: 't' })
      .resolvesOnce({ resourcePolicies: [{ policyName: policy.name, policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [added] }) }] });
    expect(await logsResourcePolicy.find(target, policy)).toStrictEqual({ name: policy.name, statements: [added] });
    expect(sentCommands(logsMock)).toStrictEqual([
      ['DescribeResourcePoliciesCommand', { limit: 50 }],
      ['DescribeResourcePoliciesCommand', { limit: 50, nextToken: 't' }],
    ]);
  });

  it('writes its statements and keeps the ones someone added to the policy', async () => {
    logsMock.on(PutResourcePolicyCommand).resolves({});
    const current = { name: policy.name, statements: [added] };
    const diffs = logsResourcePolicy.diff(current, policy);
    expect(diffs.map((d) => d.field)).toEqual(['statements']);
    await logsResourcePolicy.update(target, policy, current, diffs);
    expect(sentCommands(logsMock)).toStrictEqual([
      ['PutResourcePolicyCommand', { policyName: policy.name, policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [added, ...policy.statements] }) }],
    ]);
    // as AWS returns it (one-element lists as strings are the same statement): nothing to do
    expect(logsResourcePolicy.diff({ name: policy.name, statements: [added, ...policy.statements.map((s) => ({ ...s }))] }, policy)).toEqual([]);
  });

  it('explains the limit of 10 policies per region', async () => {
    logsMock.on(PutResourcePolicyCommand).rejects(new LimitExceededException({ message: 'Resource limit exceeded.', ...meta }));
    await expect(logsResourcePolicy.create(target, policy)).rejects.toThrow(/holds 10 resource policies in us-east-1 already .*\(mtpipe-mt-pipeline-events\)/);
  });
});
