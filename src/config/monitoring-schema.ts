/**
 * The configuration keys of setup-monitoring (`monitoring`, part of configSchema). Three blocks, each
 * owned by one part of the step: alarms (src/commands/monitoring-alarms.ts), dashboards and the
 * quality metric (monitoring-dashboards.ts), tracing (monitoring-tracing.ts).
 */
import { z } from 'zod';

// ---- alarms -------------------------------------------------------------------------------------

/** PutMetricAlarm Period: 10, 30 or a multiple of 60 seconds (CloudWatch API reference). */
const period = z
  .number({ message: 'must be a number of seconds' })
  .int({ message: 'must be a whole number of seconds' })
  .refine((seconds) => seconds === 10 || seconds === 30 || (seconds >= 60 && seconds % 60 === 0 && seconds <= 86_400), {
    message: 'must be 10, 30 or a multiple of 60 seconds up to 86400 (CloudWatch PutMetricAlarm Period)',
  });

const count = z.number({ message: 'must be a whole number' }).int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' });

/** When an alarm fires: `threshold` compared over `datapointsToAlarm` of `evaluationPeriods` periods. */
export interface AlarmSettings {
  threshold: number;
  /** seconds */
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

function alarmSettings(defaults: AlarmSettings) {
  return z
    .strictObject({
      threshold: z.number({ message: 'must be a number' }).default(defaults.threshold),
      period: period.default(defaults.period),
      evaluationPeriods: count.default(defaults.evaluationPeriods),
      datapointsToAlarm: count.default(defaults.datapointsToAlarm),
    })
    .refine((settings) => settings.datapointsToAlarm <= settings.evaluationPeriods, {
      message: 'datapointsToAlarm must be at most evaluationPeriods',
      path: ['datapointsToAlarm'],
    })
    .prefault(defaults);
}

const once = (seconds: number): AlarmSettings => ({ threshold: 1, period: seconds, evaluationPeriods: 1, datapointsToAlarm: 1 });

/** Alarm settings by what is watched; `threshold` units are in the comment of each. */
export const alarmsSchema = z
  .strictObject({
    /** errors per period, per function (alarm when at least threshold) */
    lambdaErrors: alarmSettings(once(300)),
    /** throttles per period, per function */
    lambdaThrottles: alarmSettings(once(300)),
    /** percent of the function's timeout reached by its longest invocation in a period */
    lambdaDuration: alarmSettings({ threshold: 80, period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }),
    /** errors per minute of all solution functions together: the release alarm <project>-<env>-lambda-errors */
    releaseLambdaErrors: alarmSettings(once(60)),
    /** failed executions per period: also the release alarm <project>-<env>-executions-failed */
    executionsFailed: alarmSettings(once(60)),
    executionsTimedOut: alarmSettings(once(300)),
    executionsAborted: alarmSettings(once(300)),
    /**
     * seconds an execution may run (the QualityEstimation wait state has no timeout): ExecutionTime of
     * ended executions above it, and executions not ended within a period this long (so a valid period)
     */
    executionTime: alarmSettings({ threshold: 3600, period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }).refine(
      (settings) => settings.threshold >= 60 && settings.threshold % 60 === 0 && settings.threshold <= 86_400,
      { message: 'threshold must be a multiple of 60 seconds up to 86400: it is also the period of the not-ended alarm', path: ['threshold'] },
    ),
    /** endpoint 5XX errors per period */
    endpointErrors: alarmSettings(once(300)),
    /** HasBacklogWithoutCapacity (0/1) for this many minutes */
    endpointBacklogWithoutCapacity: alarmSettings({ threshold: 1, period: 60, evaluationPeriods: 15, datapointsToAlarm: 15 }),
    /** queued asynchronous requests */
    endpointBacklogSize: alarmSettings({ threshold: 100, period: 300, evaluationPeriods: 3, datapointsToAlarm: 3 }),
    /** messages published to the solution's <topic>-error topic per period */
    errorTopicMessages: alarmSettings(once(300)),
    /** failed builds per CodeBuild project per period (tool account) */
    buildFailures: alarmSettings(once(300)),
  })
  .prefault({});

// ---- dashboards and the quality metric ----------------------------------------------------------

/** Dimension names of the quality metric whose values mtpipe knows, so that a dashboard can name them. */
export const QUALITY_DIMENSIONS = ['StateMachine', 'Environment', 'Project'] as const;

/** CloudWatch Logs PutRetentionPolicy: the retention periods it accepts, in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const dashboardsSchema = z
  .strictObject({
    /** Bedrock models the quality dashboard charts (metric dimension ModelId): the sample's translation and assessment model, and its embedding model */
    bedrockModelIds: z.array(z.string().min(1).max(2048)).max(20).default(['us.amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0']),
    /** days the pipeline's execution events are kept in their log group (the pipeline dashboard charts them) */
    pipelineEventsRetentionDays: z
      .number({ message: 'must be a number of days' })
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), { message: `must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention)` })
      .default(90),
  })
  .prefault({});

/** The metric the solution emits per scored record (one EMF log line, see README). */
export const qualityMetricSchema = z
  .strictObject({
    namespace: z.string().min(1).max(255).default('MachineTranslation'),
    metric: z.string().min(1).max(255).default('QualityScore'),
    /**
     * dimension names of the EMF line: those whose value the dashboards know (StateMachine: the state
     * machine's name, Environment: the environment's name, Project: the project's name)
     */
    dimensions: z
      .array(z.enum(QUALITY_DIMENSIONS, { message: `must be one of ${QUALITY_DIMENSIONS.join(', ')} (the dashboards must know each value)` }))
      .max(30)
      .default(['StateMachine']),
    /** scores below this count as low quality */
    lowScoreThreshold: z.number().min(0).max(1).default(0.7),
  })
  .prefault({});

// ---- tracing ------------------------------------------------------------------------------------

export const tracingSchema = z
  .strictObject({
    /** active X-Ray tracing on every solution function (and the X-Ray policy on their roles), an X-Ray group per environment; false changes none of it and leaves what earlier runs set */
    enabled: z.boolean({ message: 'must be true or false' }).default(true),
  })
  .prefault({});

export const monitoringSchema = z
  .strictObject({
    alarms: alarmsSchema,
    qualityMetric: qualityMetricSchema,
    dashboards: dashboardsSchema,
    tracing: tracingSchema,
  })
  .prefault({});

export type MonitoringConfig = z.infer<typeof monitoringSchema>;
