/**
 * CloudWatch metric alarms: one metric (Namespace/MetricName/Dimensions/Statistic) or metric data
 * queries (metric math, a Metrics Insights query), with the alerts topic as alarm and OK action.
 */
import type { MetricAlarm, MetricDataQuery, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { sdk } from './sdk.js';
import { alarmArn } from '../config/arns.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import { TAG_PROJECT, type FieldDiff, type ResourceKind, type Target } from '../engine/types.js';
import { projectTags } from './tag-index.js';
import { describeAlarms, describedAlarms } from './cloudwatch-alarm-reads.js';

export { DESCRIBE_ALARMS_MAX, describeAlarms } from './cloudwatch-alarm-reads.js';

/** DeleteAlarms takes at most 100 names. */
export const DELETE_ALARMS_MAX = 100;
/** MetricDataQuery Expression: 1-2048 characters (a math expression or a Metrics Insights query). */
export const EXPRESSION_MAX = 2048;

export type ComparisonOperator = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** One metric: dimensions by name (their order does not matter to CloudWatch). */
export interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Sum, Maximum, … or a percentile such as p99 (sent as ExtendedStatistic) */
  stat: string;
  /** seconds */
  period: number;
}

/** One query of a metric-math or Metrics Insights alarm; exactly one of `metric` and `expression`. */
export interface AlarmQuery {
  id: string;
  metric?: AlarmMetric;
  expression?: string;
  /** seconds; a Metrics Insights query needs it, a math expression takes its metrics' period */
  period?: number;
  /** true for the one query the alarm watches */
  returnData: boolean;
}

export interface AlarmSpec {
  name: string;
  description: string;
  /** what it watches: a single metric, or queries */
  metric?: AlarmMetric;
  queries?: AlarmQuery[];
  comparisonOperator: ComparisonOperator;
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  /** SNS topic ARNs notified on ALARM and on OK */
  actions: string[];
  tags: Record<string, string>;
}

export interface Alarm {
  arn: string;
  read: MetricAlarm;
  tags: Record<string, string>;
}

/** PutMetricAlarm Statistic; anything else (p99, tm90 …) goes in ExtendedStatistic. */
const STATISTICS = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);
const isExtended = (stat: string) => !STATISTICS.has(stat);

const sortedDimensions = (dimensions: Record<string, string>) => Object.fromEntries(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));

/** The fields mtpipe owns, in a comparable form (AWS's defaults filled, sets sorted). */
interface Owned {
  description: string | undefined;
  actionsEnabled: boolean;
  alarmActions: string[];
  okActions: string[];
  metric: AlarmMetric | undefined;
  queries: AlarmQuery[] | undefined;
  comparisonOperator: string | undefined;
  threshold: number | undefined;
  evaluationPeriods: number | undefined;
  datapointsToAlarm: number | undefined;
  treatMissingData: string;
}

function wanted(spec: AlarmSpec): Owned {
  const actions = [...new Set(spec.actions)].sort();
  return {
    description: spec.description,
    actionsEnabled: true,
    alarmActions: actions,
    okActions: actions,
    metric: spec.metric ? { ...spec.metric, dimensions: sortedDimensions(spec.metric.dimensions) } : undefined,
    queries: spec.queries?.map((query) => ({
      id: query.id,
      ...(query.metric ? { metric: { ...query.metric, dimensions: sortedDimensions(query.metric.dimensions) } } : {}),
      ...(query.expression !== undefined ? { expression: query.expression } : {}),
      ...(query.period !== undefined ? { period: query.period } : {}),
      returnData: query.returnData,
    })),
    comparisonOperator: spec.comparisonOperator,
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
  };
}

const dimensionsOf = (list: { Name?: string; Value?: string }[] | undefined) =>
  sortedDimensions(Object.fromEntries((list ?? []).map((dimension) => [dimension.Name ?? '', dimension.Value ?? ''])));

/**
 * The alarm as DescribeAlarms reports it, with AWS's defaults made explicit: ActionsEnabled true,
 * TreatMissingData "missing", DatapointsToAlarm = EvaluationPeriods, ReturnData true, a percentile in
 * ExtendedStatistic; actions compared as sets, dimensions by name. Unit is never set by mtpipe.
 */
export function ownedOf(alarm: MetricAlarm): Owned {
  const stat = alarm.Statistic ?? alarm.ExtendedStatistic;
  return {
    description: alarm.AlarmDescription,
    actionsEnabled: alarm.ActionsEnabled ?? true,
    alarmActions: [...new Set(alarm.AlarmActions ?? [])].sort(),
    okActions: [...new Set(alarm.OKActions ?? [])].sort(),
    metric: alarm.MetricName
      ? { namespace: alarm.Namespace ?? '', metricName: alarm.MetricName, dimensions: dimensionsOf(alarm.Dimensions), stat: stat ?? '', period: alarm.Period ?? 0 }
      : undefined,
    queries: alarm.Metrics && alarm.Metrics.length > 0
      ? alarm.Metrics.map((query) => {
          const metric = query.MetricStat?.Metric;
          return {
            id: query.Id ?? '',
            ...(metric
              ? {
                  metric: {
                    namespace: metric.Namespace ?? '',
                    metricName: metric.MetricName ?? '',
                    dimensions: dimensionsOf(metric.Dimensions),
                    stat: query.MetricStat?.Stat ?? '',
                    period: query.MetricStat?.Period ?? 0,
                  },
                }
              : {}),
            ...(query.Expression !== undefined ? { expression: query.Expression } : {}),
            ...(query.Period !== undefined && !metric ? { period: query.Period } : {}),
            returnData: query.ReturnData ?? true,
          };
        })
      : undefined,
    comparisonOperator: alarm.ComparisonOperator,
    threshold: alarm.Threshold,
    evaluationPeriods: alarm.EvaluationPeriods,
    datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
    treatMissingData: alarm.TreatMissingData ?? 'missing',
  };
}

const toDimensions = (dimensions: Record<string, string>) => Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));

function toQuery(query: AlarmQuery): MetricDataQuery {
  return {
    Id: query.id,
    ...(query.metric
      ? {
          MetricStat: {
            Metric: { Namespace: query.metric.namespace, MetricName: query.metric.metricName, Dimensions: toDimensions(query.metric.dimensions) },
            Period: query.metric.period,
            Stat: query.metric.stat,
          },
        }
      : {}),
    ...(query.expression !== undefined ? { Expression: query.expression } : {}),
    ...(query.period !== undefined && !query.metric ? { Period: query.period } : {}),
    ReturnData: query.returnData,
  };
}

/**
 * The whole PutMetricAlarm input. PutMetricAlarm replaces an existing alarm's definition as a whole
 * (fields left out fall back to their defaults), so an update sends every field, not only those that
 * differ. Insufficient-data actions are left empty.
 */
export function putInput(spec: AlarmSpec): PutMetricAlarmCommandInput {
  const actions = [...new Set(spec.actions)];
  const watched: Partial<PutMetricAlarmCommandInput> = spec.metric
    ? {
        Namespace: spec.metric.namespace,
        MetricName: spec.metric.metricName,
        Dimensions: toDimensions(spec.metric.dimensions),
        ...(isExtended(spec.metric.stat) ? { ExtendedStatistic: spec.metric.stat } : { Statistic: spec.metric.stat as PutMetricAlarmCommandInput['Statistic'] }),
        Period: spec.metric.period,
      }
    : { Metrics: (spec.queries ?? []).map(toQuery) };
  return {
    AlarmName: spec.name,
    AlarmDescription: spec.description,
    ActionsEnabled: true,
    AlarmActions: actions,
    OKActions: actions,
    ...watched,
    ComparisonOperator: spec.comparisonOperator,
    Threshold: spec.threshold,
    EvaluationPeriods: spec.evaluationPeriods,
    DatapointsToAlarm: spec.datapointsToAlarm,
    TreatMissingData: spec.treatMissingData,
  };
}

/** Reads alarms by name (describeAlarms), then each found alarm's tags: from the project's tag index, else ListTagsForResource. */
export async function readAlarms(target: Target, specs: Pick<AlarmSpec, 'name' | 'tags'>[]): Promise<(Alarm | undefined)[]> {
  const { CloudWatchClient, ListTagsForResourceCommand } = await sdk.cloudwatch();
  const client = target.clients.get(CloudWatchClient);
  const alarms = await describeAlarms(target, specs.map((spec) => spec.name));
  return Promise.all(
    specs.map(async (spec, index) => {
      const alarm = alarms[index];
      if (!alarm) return undefined;
      const arn = alarm.AlarmArn ?? alarmArn(target, spec.name);
      const tags = await projectTags(target, spec.tags[TAG_PROJECT], arn, async () =>
        fromTagList((await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags),
      );
      return { arn, read: alarm, tags };
    }),
  );
}

export const cloudwatchAlarm: ResourceKind<AlarmSpec, Alarm> = {
  kind: 'cloudwatch:alarm',
  name: (spec) => spec.name,

  async find(target, spec) {
    const [found] = await readAlarms(target, [spec]);
    return found;
  },

  findMany: (target, specs) => readAlarms(target, specs),

  diff(current, spec) {
    const want = wanted(spec);
    if (!current) {
      return fieldsToCreate({ ...want, okActions: undefined, queries: want.queries?.map((query) => query.expression ?? query.metric?.metricName), tags: spec.tags });
    }
    const have = ownedOf(current.read);
    const diffs: FieldDiff[] = (Object.keys(want) as (keyof Owned)[]).flatMap((field) => compareField(field, have[field], want[field]));
    return [...diffs, ...compareTags(current.tags, spec.tags)];
  },

  check(_current, spec) {
    const long = spec.queries?.find((query) => (query.expression ?? '').length > EXPRESSION_MAX);
    return long ? `alarm ${spec.name}: its query is ${long.expression!.length} characters, CloudWatch takes at most ${EXPRESSION_MAX}` : undefined;
  },

  // no alreadyExists: PutMetricAlarm creates or replaces, so a retried create succeeds again

  async create(target, spec) {
    const { CloudWatchClient, PutMetricAlarmCommand } = await sdk.cloudwatch();
    describedAlarms(target).delete(spec.name);
    await target.clients.get(CloudWatchClient).send(new PutMetricAlarmCommand({ ...putInput(spec), Tags: toTagList(spec.tags) }));
    return { arn: alarmArn(target, spec.name) };
  },

  async update(target, spec, current, diffs) {
    const { CloudWatchClient, PutMetricAlarmCommand, TagResourceCommand } = await sdk.cloudwatch();
    const client = target.clients.get(CloudWatchClient);
    describedAlarms(target).delete(spec.name);
    // PutMetricAlarm ignores Tags for an alarm that exists: they are added with TagResource
    if (diffs.some((diff) => diff.field !== 'tags')) await client.send(new PutMetricAlarmCommand(putInput(spec)));
    if (diffs.some((diff) => diff.field === 'tags')) {
      await client.send(new TagResourceCommand({ ResourceARN: current.arn, Tags: toTagList(tagsToAdd(current.tags, spec.tags)) }));
    }
    return { arn: current.arn };
  },

  async delete(target, current) {
    const { CloudWatchClient, DeleteAlarmsCommand } = await sdk.cloudwatch();
    describedAlarms(target).delete(current.read.AlarmName ?? '');
    await target.clients.get(CloudWatchClient).send(new DeleteAlarmsCommand({ AlarmNames: [current.read.AlarmName ?? ''] }));
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => alarmArn(target, spec.name),
};
