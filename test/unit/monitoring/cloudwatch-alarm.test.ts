import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  TagResourceCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudwatchAlarm, type Alarm, type AlarmSpec } from '../../../src/aws/cloudwatch-alarm.js';
import { testTarget } from '../../support/target.js';
import { indexHolds } from '../aws/tag-index-mock.js';
import { sentCommands } from '../aws/mock-sdk.js';

const cloudwatch = mockClient(CloudWatchClient);
const target = testTarget({ name: 'dev' });
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mt-dev-alerts';
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'dev' };
const arnOf = (name: string) => `arn:aws:cloudwatch:${target.region}:${target.account}:alarm:${name}`;

const single: AlarmSpec = {
  name: 'mt-dev-lambda-fn-duration',
  description: 'fn: longest invocation above 80% of its timeout',
  metric: { namespace: 'AWS/Lambda', metricName: 'Duration', dimensions: { FunctionName: 'fn' }, stat: 'Maximum', period: 300 },
  comparisonOperator: 'GreaterThanThreshold',
  threshold: 2400,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  treatMissingData: 'notBreaching',
  actions: [TOPIC],
  tags: TAGS,
};

const insights: AlarmSpec = {
  ...single,
  name: 'mt-dev-lambda-errors',
  description: 'errors of all functions',
  metric: undefined,
  queries: [{ id: 'errors', expression: `SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = 'a' OR FunctionName = 'b'`, period: 60, returnData: true }],
  threshold: 0,
};

/** What DescribeAlarms answers for `spec` once CloudWatch filled its defaults in. */
function described(spec: AlarmSpec, overrides: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: spec.name,
    AlarmArn: arnOf(spec.name),
    AlarmDescription: spec.description,
    ActionsEnabled: true,
    OKActions: [TOPIC],
    AlarmActions: [TOPIC],
    InsufficientDataActions: [],
    StateValue: 'INSUFFICIENT_DATA',
    ...(spec.metric
      ? {
          MetricName: spec.metric.metricName,
          Namespace: spec.metric.namespace,
          Statistic: 'Maximum',
          Dimensions: Object.entries(spec.metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Period: spec.metric.period,
        }
      : {
          Metrics: spec.queries!.map((query) => ({ Id: query.id, Expression: query.expression, Period: query.period, ReturnData: true })),
        }),
    EvaluationPeriods: spec.evaluationPeriods,
    DatapointsToAlarm: spec.datapointsToAlarm,
    Threshold: spec.threshold,
    ComparisonOperator: spec.comparisonOperator,
    TreatMissingData: spec.treatMissingData,
    ...overrides,
  };
}

const current = (spec: AlarmSpec, overrides: Partial<MetricAlarm> = {}, tags: Record<string, string> = TAGS): Alarm => ({ arn: arnOf(spec.name), read: described(spec, overrides), tags });

beforeEach(() => {
  cloudwatch.reset();
  indexHolds([target]);
});

describe('cloudwatch:alarm find', () => {
  it('reads 250 alarms with three DescribeAlarms calls of at most 100 names, then each found alarm’s tags', async () => {
    const names = Array.from({ length: 250 }, (_, i) => `mt-dev-a${i}`);
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
      // every other alarm exists
      MetricAlarms: input.AlarmNames.filter((_, i) => i % 2 === 0).map((name) => described({ ...single, name })),
    }));
    cloudwatch.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'mtpipe:project', Value: 'mt' }] });
    const found = await cloudwatchAlarm.findMany!(target, names.map((name) => ({ ...single, name })));
    const describes = cloudwatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input);
    expect(describes).toEqual([
      { AlarmNames: names.slice(0, 100), MaxRecords: 100 },
      { AlarmNames: names.slice(100, 200), MaxRecords: 100 },
      { AlarmNames: names.slice(200), MaxRecords: 100 },
    ]);
    expect(found.filter(Boolean)).toHaveLength(125);
    expect(found[1]).toBeUndefined();
    expect(found[0]).toMatchObject({ arn: arnOf('mt-dev-a0'), tags: { 'mtpipe:project': 'mt' } });
    expect(cloudwatch.commandCalls(ListTagsForResourceCommand)).toHaveLength(125);
    expect(cloudwatch.commandCalls(ListTagsForResourceCommand)[0]!.args[0].input).toEqual({ ResourceARN: arnOf('mt-dev-a0') });
  });

  it('follows NextToken', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [described({ ...single, name: 'a' })], NextToken: 't1' })
      .resolvesOnce({ MetricAlarms: [described({ ...single, name: 'b' })] });
    cloudwatch.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    const found = await cloudwatchAlarm.findMany!(target, [{ ...single, name: 'a' }, { ...single, name: 'b' }]);
    expect(found.map((alarm) => alarm?.read.AlarmName)).toEqual(['a', 'b']);
    expect(sentCommands(cloudwatch).filter(([name]) => name === 'DescribeAlarmsCommand').map(([, input]) => input)).toEqual([
      { AlarmNames: ['a', 'b'], MaxRecords: 100 },
      { AlarmNames: ['a', 'b'], MaxRecords: 100, NextToken: 't1' },
    ]);
  });
});

describe('cloudwatch:alarm reads once per run', () => {
  it('reads no ListTagsForResource for an alarm the project tag index holds', async () => {
    indexHolds([target], { [arnOf('mt-dev-a')]: { ...TAGS, team: 'ml' } });
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [described({ ...single, name: 'mt-dev-a' })] });

    const [found] = await cloudwatchAlarm.findMany!(target, [{ ...single, name: 'mt-dev-a' }]);
    expect(found?.tags).toEqual({ ...TAGS, team: 'ml' });
    expect(cloudwatch).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  it('shares DescribeAlarms among the reads of one target (several steps): each name is asked once, until mtpipe writes it', async () => {
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
      MetricAlarms: input.AlarmNames.map((name) => described({ ...single, name })),
    }));
    cloudwatch.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    cloudwatch.on(PutMetricAlarmCommand).resolves({});

    await Promise.all([
      cloudwatchAlarm.findMany!(target, [{ ...single, name: 'a' }, { ...single, name: 'b' }]),
      cloudwatchAlarm.findMany!(target, [{ ...single, name: 'b' }, { ...single, name: 'c' }]),
    ]);
    await cloudwatchAlarm.find(target, { ...single, name: 'a' });
    await cloudwatchAlarm.create(target, { ...single, name: 'a' });
    await cloudwatchAlarm.find(target, { ...single, name: 'a' });
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((call) => call.args[0].input.AlarmNames)).toEqual([['a', 'b'], ['c'], ['a']]);
  });
});

describe('cloudwatch:alarm diff', () => {
  it('finds nothing to change in an alarm as CloudWatch describes it, defaults filled in', () => {
    expect(cloudwatchAlarm.diff(current(single), single)).toEqual([]);
    expect(cloudwatchAlarm.diff(current(insights), insights)).toEqual([]);
  });

  it('normalises what AWS leaves out or orders its own way', () => {
    const spec: AlarmSpec = { ...single, metric: { ...single.metric!, dimensions: { EndpointName: 'e', VariantName: 'AllTraffic' } }, actions: [TOPIC, 'arn:aws:sns:us-east-1:123456789012:other'] };
    const read = described(spec, {
      ActionsEnabled: undefined,
      TreatMissingData: undefined,
      DatapointsToAlarm: undefined,
      Unit: undefined,
      Dimensions: [
        { Name: 'VariantName', Value: 'AllTraffic' },
        { Name: 'EndpointName', Value: 'e' },
      ],
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:other', TOPIC],
      OKActions: [TOPIC, 'arn:aws:sns:us-east-1:123456789012:other', TOPIC],
    });
    expect(cloudwatchAlarm.diff({ arn: 'x', read, tags: TAGS }, { ...spec, treatMissingData: 'missing' })).toEqual([]);
    // a percentile comes back as ExtendedStatistic
    const p99: AlarmSpec = { ...single, metric: { ...single.metric!, stat: 'p99' } };
    expect(cloudwatchAlarm.diff(current(p99, { Statistic: undefined, ExtendedStatistic: 'p99' }), p99)).toEqual([]);
    // ReturnData left out means true
    const math = current(insights, { Metrics: [{ Id: 'errors', Expression: insights.queries![0]!.expression, Period: 60 }] });
    expect(cloudwatchAlarm.diff(math, insights)).toEqual([]);
  });

  it('reports what mtpipe sets and others changed, and missing tags', () => {
    const changed = current(single, { Threshold: 1000, OKActions: [], ActionsEnabled: false }, { 'mtpipe:env': 'dev' });
    expect(cloudwatchAlarm.diff(changed, single).map((diff) => diff.field)).toEqual(['actionsEnabled', 'okActions', 'threshold', 'tags']);
  });
});

describe('cloudwatch:alarm writes', () => {
  it('creates with the whole definition and the tags', async () => {
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    await cloudwatchAlarm.create(target, single);
    expect(sentCommands(cloudwatch)).toEqual([
      [
        'PutMetricAlarmCommand',
        {
          AlarmName: 'mt-dev-lambda-fn-duration',
          AlarmDescription: 'fn: longest invocation above 80% of its timeout',
          ActionsEnabled: true,
          AlarmActions: [TOPIC],
          OKActions: [TOPIC],
          Namespace: 'AWS/Lambda',
          MetricName: 'Duration',
          Dimensions: [{ Name: 'FunctionName', Value: 'fn' }],
          Statistic: 'Maximum',
          Period: 300,
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 2400,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          TreatMissingData: 'notBreaching',
          Tags: [
            { Key: 'mtpipe:project', Value: 'mt' },
            { Key: 'mtpipe:env', Value: 'dev' },
          ],
        },
      ],
    ]);
  });

  it('creates a Metrics Insights alarm with its query and period', async () => {
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    await cloudwatchAlarm.create(target, insights);
    const [[, input]] = sentCommands(cloudwatch) as [[string, Record<string, unknown>]];
    expect(input.Metrics).toEqual([{ Id: 'errors', Expression: insights.queries![0]!.expression, Period: 60, ReturnData: true }]);
    expect(input).not.toHaveProperty('Statistic');
    expect(input).not.toHaveProperty('Period');
  });

  it('updates with the whole definition (PutMetricAlarm replaces it), then tags with TagResource', async () => {
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    cloudwatch.on(TagResourceCommand).resolves({});
    const have = current(single, { Threshold: 1000 }, { other: 'x' });
    await cloudwatchAlarm.update(target, single, have, cloudwatchAlarm.diff(have, single));
    const sent = sentCommands(cloudwatch);
    expect(sent.map(([name]) => name)).toEqual(['PutMetricAlarmCommand', 'TagResourceCommand']);
    expect(sent[0]![1]).toMatchObject({ AlarmName: single.name, Threshold: 2400, OKActions: [TOPIC], TreatMissingData: 'notBreaching' });
    expect(sent[0]![1]).not.toHaveProperty('Tags');
    expect(sent[1]![1]).toEqual({ ResourceARN: arnOf(single.name), Tags: [{ Key: 'mtpipe:project', Value: 'mt' }, { Key: 'mtpipe:env', Value: 'dev' }] });
  });

  it('only tags when only tags differ; deletes by name', async () => {
    cloudwatch.on(TagResourceCommand).resolves({});
    cloudwatch.on(DeleteAlarmsCommand).resolves({});
    const have = current(single, {}, {});
    await cloudwatchAlarm.update(target, single, have, cloudwatchAlarm.diff(have, single));
    await cloudwatchAlarm.delete!(target, have, single);
    expect(sentCommands(cloudwatch).map(([name, input]) => [name, name === 'DeleteAlarmsCommand' ? input : undefined])).toEqual([
      ['TagResourceCommand', undefined],
      ['DeleteAlarmsCommand', { AlarmNames: [single.name] }],
    ]);
  });

  it('refuses a query longer than CloudWatch takes', () => {
    const long: AlarmSpec = { ...insights, queries: [{ ...insights.queries![0]!, expression: 'x'.repeat(2049) }] };
    expect(cloudwatchAlarm.check!(undefined, long)).toMatch(/2049 characters, CloudWatch takes at most 2048/);
    expect(cloudwatchAlarm.check!(undefined, insights)).toBeUndefined();
  });
});
