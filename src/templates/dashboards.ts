/**
 * The three dashboards of setup-monitoring, as typed bodies built from what discovery found: every
 * widget names a resource that exists (or, for the pipeline dashboard, one mtpipe's earlier steps
 * make), and every widget names its region (dashboards are global, metrics regional).
 */
import { ownershipMarker } from '../aws/cloudwatch-dashboard.js';
import type { MonitoredEnvironment } from '../commands/monitoring-inputs.js';
import type { MonitoringConfig } from '../config/monitoring-schema.js';
import { alarmWidgets, dashboardBody, logWidget, metric, metricWidget, textWidget, type DashboardBody, type MetricLine, type UnplacedWidget } from './dashboard-widgets.js';

/** What the health and quality dashboards show of one environment. */
export interface EnvironmentView {
  project: string;
  /** the project's main region (the ownership marker names it) */
  mainRegion: string;
  environment: MonitoredEnvironment;
  /** the function names to chart: those that exist */
  functions: string[];
  /** endpoint to chart, when it exists */
  endpoint?: string;
  /** ARNs of the environment's alarms (setup-monitoring's alarms part) */
  alarmArns: string[];
}

const lines = <T>(items: T[], line: (item: T) => MetricLine) => items.map(line);

function header(title: string, project: string, mainRegion: string, extra = ''): UnplacedWidget {
  return textWidget(`# ${title}\n${ownershipMarker(project, mainRegion)}${extra}`, extra ? 3 : 2);
}

/** `<project>-<env>-health`: alarms, Lambda, the state machine, the endpoint, Glue. */
export function healthDashboard(view: EnvironmentView): DashboardBody {
  const { environment: env, functions, endpoint } = view;
  const region = env.target.region;
  const widgets: UnplacedWidget[] = [header(`${view.project} ${env.target.name}: health`, view.project, view.mainRegion)];
  widgets.push(...alarmWidgets('Alarms', view.alarmArns));
  if (functions.length > 0) {
    const lambda = (name: string, stat: string) => lines(functions, (fn) => metric('AWS/Lambda', name, { FunctionName: fn }, { stat, label: fn }));
    widgets.push(
      metricWidget('Lambda errors', region, lambda('Errors', 'Sum'), { stat: 'Sum', width: 8 }),
      metricWidget('Lambda throttles', region, lambda('Throttles', 'Sum'), { stat: 'Sum', width: 8 }),
      metricWidget('Lambda duration, maximum (ms)', region, lambda('Duration', 'Maximum'), { stat: 'Maximum', width: 8 }),
    );
  }
  for (const machine of env.solution.stateMachines) {
    const dims = { StateMachineArn: machine.arn };
    const statuses = ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'];
    widgets.push(
      metricWidget(`${machine.name}: executions by status`, region, statuses.map((name) => metric('AWS/States', name, dims, { stat: 'Sum', label: name.replace('Executions', '') })), { stat: 'Sum' }),
      metricWidget(`${machine.name}: execution time (ms)`, region, [
        metric('AWS/States', 'ExecutionTime', dims, { stat: 'Average', label: 'average' }),
        metric('AWS/States', 'ExecutionTime', dims, { stat: 'Maximum', label: 'maximum' }),
      ]),
    );
  }
  if (endpoint) {
    const dims = { EndpointName: endpoint };
    widgets.push(
      metricWidget(`${endpoint}: backlog`, region, [
        metric('AWS/SageMaker', 'ApproximateBacklogSize', dims, { stat: 'Average', label: 'queued requests' }),
        metric('AWS/SageMaker', 'HasBacklogWithoutCapacity', dims, { stat: 'Maximum', label: 'backlog without capacity (0/1)', yAxis: 'right' }),
      ]),
      metricWidget(`${endpoint}: errors`, region, [
        metric('AWS/SageMaker', 'Invocation4XXErrors', { ...dims, VariantName: 'AllTraffic' }, { stat: 'Sum', label: '4XX' }),
        metric('AWS/SageMaker', 'Invocation5XXErrors', { ...dims, VariantName: 'AllTraffic' }, { stat: 'Sum', label: '5XX' }),
      ], { stat: 'Sum' }),
    );
  }
  for (const job of env.solution.glueJobs) {
    const dims = { JobName: job.name, JobRunId: 'ALL', Type: 'count' };
    widgets.push(
      metricWidget(`Glue ${job.name}: tasks`, region, [
        metric('Glue', 'glue.driver.aggregate.numCompletedTasks', dims, { stat: 'Sum', label: 'completed' }),
        metric('Glue', 'glue.driver.aggregate.numFailedTasks', dims, { stat: 'Sum', label: 'failed' }),
      ], { stat: 'Sum' }),
    );
  }
  return dashboardBody(widgets);
}

/** The values of the quality metric's dimensions in this environment; undefined when one is unknown. */
export function qualityDimensions(monitoring: MonitoringConfig, project: string, env: MonitoredEnvironment): Record<string, string> | undefined {
  const machine = env.solution.stateMachines[0]?.name;
  const values: Record<string, string | undefined> = { StateMachine: machine, Environment: env.target.name, Project: project };
  const dims = monitoring.qualityMetric.dimensions.map((name) => [name, values[name]] as const);
  return dims.every(([, value]) => value !== undefined) ? Object.fromEntries(dims) as Record<string, string> : undefined;
}

/**
 * `<project>-<env>-quality`: the score distribution and the share of low scores, from the metric the
 * solution emits (EMF); Bedrock latency, tokens and throttles per model; records scored.
 * The share of low scores is the percentile-rank statistic PR(:threshold): the percentage of the
 * period's scores at or below the threshold, computed by CloudWatch from every value (no metric math).
 */
export function qualityDashboard(view: EnvironmentView, monitoring: MonitoringConfig, recordsLogGroup: string | undefined): DashboardBody {
  const { environment: env } = view;
  const region = env.target.region;
  const { namespace, metric: name, lowScoreThreshold } = monitoring.qualityMetric;
  const widgets: UnplacedWidget[] = [header(`${view.project} ${env.target.name}: translation quality`, view.project, view.mainRegion)];
  const dims = qualityDimensions(monitoring, view.project, env);
  if (dims) {
    const score = (stat: string, label: string) => metric(namespace, name, dims, { stat, label });
    widgets.push(
      metricWidget('Quality-estimation score', region, [score('p10', 'p10'), score('p50', 'median'), score('p90', 'p90'), score('Average', 'average')], {
        yAxis: { left: { min: 0, max: 1, showUnits: false } },
        annotations: { horizontal: [{ value: lowScoreThreshold, label: 'low-score threshold' }] },
      }),
      metricWidget(`Records scoring ≤ ${lowScoreThreshold} (%)`, region, [score(`PR(:${lowScoreThreshold})`, 'low-score share')], {
        stat: `PR(:${lowScoreThreshold})`,
        yAxis: { left: { min: 0, max: 100, showUnits: false } },
      }),
      metricWidget('Records scored', region, [score('SampleCount', 'records')], { stat: 'SampleCount' }),
    );
    if (recordsLogGroup) {
      widgets.push(
        logWidget('Records per execution', region, [recordsLogGroup], [
          `filter ispresent(${name})`,
          `stats count(*) as records, avg(${name}) as averageScore by executionName`,
          'sort records desc',
          'limit 50',
        ], 'table'),
      );
    }
  }
  const models = monitoring.dashboards.bedrockModelIds;
  if (models.length > 0) {
    const bedrock = (metricName: string, stat: string) => lines(models, (id) => metric('AWS/Bedrock', metricName, { ModelId: id }, { stat, label: id }));
    widgets.push(
      metricWidget('Bedrock invocation latency, p90 (ms)', region, bedrock('InvocationLatency', 'p90'), { stat: 'p90' }),
      metricWidget('Bedrock input tokens', region, bedrock('InputTokenCount', 'Sum'), { stat: 'Sum' }),
      metricWidget('Bedrock output tokens', region, bedrock('OutputTokenCount', 'Sum'), { stat: 'Sum' }),
      metricWidget('Bedrock invocation throttles', region, bedrock('InvocationThrottles', 'Sum'), { stat: 'Sum' }),
    );
  }
  return dashboardBody(widgets);
}

/** What the pipeline dashboard shows (tool account). */
export interface PipelineView {
  project: string;
  mainRegion: string;
  region: string;
  /** the log group the pipelines' execution events go to */
  eventsLogGroup: string;
  buildProjects: string[];
  /** ARNs of the failed-build alarms (setup-monitoring's alarms part) */
  buildAlarmArns: string[];
}

const STAGE_EVENT = '`detail-type` = "CodePipeline Stage Execution State Change"';
const PIPELINE_EVENT = '`detail-type` = "CodePipeline Pipeline Execution State Change"';

/**
 * `<project>-pipeline`: executions and stage durations from the pipelines' events (CodePipeline
 * publishes no metrics), the last successful Deploy-<env> per environment, build durations and results.
 */
export function pipelineDashboard(view: PipelineView): DashboardBody {
  const { region, eventsLogGroup: group } = view;
  const widgets: UnplacedWidget[] = [header(`${view.project}: pipeline`, view.project, view.mainRegion), ...alarmWidgets('Failed-build alarms', view.buildAlarmArns)];
  widgets.push(
    logWidget('Executions per day', region, [group], [`filter ${PIPELINE_EVENT} and detail.state in ["SUCCEEDED", "FAILED"]`, 'stats count(*) as executions by detail.state, bin(1d)'], 'bar'),
    logWidget('Stage duration (seconds)', region, [group], [
      `filter ${STAGE_EVENT}`,
      'fields detail.pipeline as pipeline, detail.stage as stage, `detail.execution-id` as execution',
      'stats (max(@timestamp) - min(@timestamp)) / 1000 as seconds by pipeline, stage, execution',
      'stats avg(seconds) as average, max(seconds) as longest, count(*) as executions by pipeline, stage',
      'sort longest desc',
    ], 'table'),
    logWidget('Last successful deploy per environment', region, [group], [
      `filter ${STAGE_EVENT} and detail.state = "SUCCEEDED" and detail.stage like /^Deploy-/`,
      'stats max(@timestamp) as lastSuccess by detail.stage',
      'sort lastSuccess desc',
    ], 'table', 24),
  );
  if (view.buildProjects.length > 0) {
    const builds = (name: string, stat: string) => lines(view.buildProjects, (p) => metric('AWS/CodeBuild', name, { ProjectName: p }, { stat, label: p }));
    widgets.push(
      metricWidget('Build duration, average (seconds)', region, builds('Duration', 'Average'), { period: 3600, width: 8 }),
      metricWidget('Failed builds', region, builds('FailedBuilds', 'Sum'), { stat: 'Sum', period: 3600, width: 8 }),
      metricWidget('Succeeded builds', region, builds('SucceededBuilds', 'Sum'), { stat: 'Sum', period: 3600, width: 8 }),
    );
  }
  return dashboardBody(widgets, '-P7D');
}
