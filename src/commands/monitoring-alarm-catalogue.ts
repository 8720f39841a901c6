/**
 * Which alarms setup-monitoring wants: per environment, from what preparation found of the deployed
 * solution; in the tool account, one per CodeBuild project. Pure: inputs and settings to AlarmSpecs.
 */
import type { AlarmMetric, AlarmSpec, ComparisonOperator, TreatMissingData } from '../aws/cloudwatch-alarm.js';
import { alarmNames, monitoringNames, projectNames } from '../config/resource-names.js';
import type { AlarmSettings } from '../config/monitoring-schema.js';
import type { Config } from '../config/schema.js';
import type { MonitoredEnvironment } from './monitoring-inputs.js';

type Settings = Config['monitoring']['alarms'];

interface Watch {
  what: string;
  description: string;
  settings: AlarmSettings;
  treatMissingData: TreatMissingData;
  comparisonOperator?: ComparisonOperator;
  /** default: settings.threshold */
  threshold?: number;
}

function alarm(project: string, env: string, actions: string[], tags: Record<string, string>, watch: Watch, watched: Pick<AlarmSpec, 'metric' | 'queries'> = {}): AlarmSpec {
  const { settings } = watch;
  return {
    name: monitoringNames.alarm(project, env, watch.what),
    description: `mtpipe (${project}): ${watch.description}`,
    ...watched,
    comparisonOperator: watch.comparisonOperator ?? 'GreaterThanOrEqualToThreshold',
    threshold: watch.threshold ?? settings.threshold,
    evaluationPeriods: settings.evaluationPeriods,
    datapointsToAlarm: settings.datapointsToAlarm,
    treatMissingData: watch.treatMissingData,
    actions,
    tags,
  };
}

const metric = (namespace: string, metricName: string, dimensions: Record<string, string>, stat: string, period: number): AlarmMetric => ({
  namespace,
  metricName,
  dimensions,
  stat,
  period,
});

/**
 * A Metrics Insights query over one dimension, narrowed to `values` (all of the account and region
 * when none is known yet). Label values are quoted with single quotes; the grammar page of the
 * CloudWatch user guide lists `=`, `!=` and `AND` for WHERE (IN is not in the version we could check),
 * so several values are joined with OR.
 */
export function insightsQuery(fn: string, metricName: string, namespace: string, dimension: string, values: string[]): string {
  const from = `SELECT ${fn}(${metricName}) FROM SCHEMA("${namespace}", ${dimension})`;
  if (values.length === 0) return from;
  return `${from} WHERE ${values.map((value) => `${dimension} = '${value.replace(/'/g, "\\'")}'`).join(' OR ')}`;
}

/** The two alarms a deployment group names (alarmNames): they exist even before the stacks do. */
export function releaseAlarms(config: Config, environment: MonitoredEnvironment, actions: string[], tags: Record<string, string>): AlarmSpec[] {
  const { project } = config;
  const env = environment.target.name;
  const settings = config.monitoring.alarms;
  const functions = environment.solution.functions.map((fn) => fn.name);
  const machines = environment.solution.stateMachines.map((machine) => machine.arn);
  const scope = (names: string[], all: string) => (names.length > 0 ? `${names.length} ${all}` : `every ${all.replace(/s$/, '')} in the account and region until the stacks are deployed`);
  // A Metrics Insights query alarm, not metric math: math alarms take at most 10 metrics and the
  // sample alone has 10 functions; not a composite alarm: it would need one alarm per function with
  // the release period, and costs $0.50 on top. The query is billed per metric it analyses.
  const lambdaErrors: AlarmSpec = {
    ...alarm(project, env, actions, tags, {
      what: 'lambda-errors',
      description: `Lambda errors of ${scope(functions, 'solution functions')} together; rolls a release back`,
      settings: settings.releaseLambdaErrors,
      // no invocation publishes no Errors: nothing ran, nothing failed
      treatMissingData: 'notBreaching',
    }),
    name: alarmNames.lambdaErrors(project, env),
    queries: [{ id: 'errors', expression: insightsQuery('SUM', 'Errors', 'AWS/Lambda', 'FunctionName', functions), period: settings.releaseLambdaErrors.period, returnData: true }],
  };
  const executionsFailed: AlarmSpec = {
    ...alarm(project, env, actions, tags, {
      what: 'executions-failed',
      description: `failed executions of ${scope(machines, 'state machines')}; rolls a release back`,
      settings: settings.executionsFailed,
      // no execution ended in the period: nothing failed
      treatMissingData: 'notBreaching',
    }),
    name: alarmNames.executionsFailed(project, env),
    queries: [
      { id: 'failed', expression: insightsQuery('SUM', 'ExecutionsFailed', 'AWS/States', 'StateMachineArn', machines), period: settings.executionsFailed.period, returnData: true },
    ],
  };
  return [lambdaErrors, executionsFailed];
}

/** The alarms on what exists of the solution in one environment (none of it when nothing was read). */
export function solutionAlarms(config: Config, environment: MonitoredEnvironment, actions: string[], tags: Record<string, string>): AlarmSpec[] {
  const { project } = config;
  const env = environment.target.name;
  const s: Settings = config.monitoring.alarms;
  const make = (watch: Watch, watched: Pick<AlarmSpec, 'metric' | 'queries'>) => alarm(project, env, actions, tags, watch, watched);
  const specs: AlarmSpec[] = [];
  if (!environment.read) return specs;

  for (const fn of environment.functions) {
    const dims = { FunctionName: fn.name };
    // a function that is not invoked publishes no Errors, Throttles or Duration: nothing to report
    specs.push(
      make({ what: `lambda-${fn.name}-errors`, description: `${fn.name}: invocation errors`, settings: s.lambdaErrors, treatMissingData: 'notBreaching' },
        { metric: metric('AWS/Lambda', 'Errors', dims, 'Sum', s.lambdaErrors.period) }),
      make({ what: `lambda-${fn.name}-throttles`, description: `${fn.name}: throttled invocations`, settings: s.lambdaThrottles, treatMissingData: 'notBreaching' },
        { metric: metric('AWS/Lambda', 'Throttles', dims, 'Sum', s.lambdaThrottles.period) }),
      make(
        {
          what: `lambda-${fn.name}-duration`,
          description: `${fn.name}: longest invocation above ${s.lambdaDuration.threshold}% of its ${fn.timeoutSeconds} s timeout`,
          settings: s.lambdaDuration,
          treatMissingData: 'notBreaching',
          comparisonOperator: 'GreaterThanThreshold',
          // Duration is in milliseconds
          threshold: Math.round(fn.timeoutSeconds * 1000 * (s.lambdaDuration.threshold / 100)),
        },
        { metric: metric('AWS/Lambda', 'Duration', dims, 'Maximum', s.lambdaDuration.period) },
      ),
    );
  }

  const bound = s.executionTime.threshold;
  for (const machine of environment.solution.stateMachines) {
    const dims = { StateMachineArn: machine.arn };
    const sum = (name: string, period: number) => metric('AWS/States', name, dims, 'Sum', period);
    // no execution ended in the period: nothing timed out or was aborted
    specs.push(
      make({ what: `states-${machine.name}-timed-out`, description: `${machine.name}: executions timed out`, settings: s.executionsTimedOut, treatMissingData: 'notBreaching' },
        { metric: sum('ExecutionsTimedOut', s.executionsTimedOut.period) }),
      make({ what: `states-${machine.name}-aborted`, description: `${machine.name}: executions aborted`, settings: s.executionsAborted, treatMissingData: 'notBreaching' },
        { metric: sum('ExecutionsAborted', s.executionsAborted.period) }),
      make(
        {
          what: `states-${machine.name}-execution-time`,
          description: `${machine.name}: an execution ended after more than ${bound} s`,
          settings: s.executionTime,
          // ExecutionTime is published when an execution ends: none ended, nothing to judge
          treatMissingData: 'notBreaching',
          comparisonOperator: 'GreaterThanThreshold',
          threshold: bound * 1000,
        },
        { metric: metric('AWS/States', 'ExecutionTime', dims, 'Maximum', s.executionTime.period) },
      ),
      // ExecutionTime never sees an execution that does not end (the QualityEstimation callback state
      // has no timeout). Started minus ended executions over a period as long as the bound: above 0,
      // an execution started in that period had not ended when it closed.
      make(
        {
          what: `states-${machine.name}-not-ended`,
          description: `${machine.name}: executions started in a ${bound} s period that had not ended when it closed (stuck in a wait state?)`,
          settings: { ...s.executionTime, threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1 },
          // FILL gives 0 for each metric without data; no data at all means no execution started or ended
          treatMissingData: 'notBreaching',
        },
        {
          queries: [
            { id: 'started', metric: sum('ExecutionsStarted', bound), returnData: false },
            { id: 'succeeded', metric: sum('ExecutionsSucceeded', bound), returnData: false },
            { id: 'failed', metric: sum('ExecutionsFailed', bound), returnData: false },
            { id: 'timedout', metric: sum('ExecutionsTimedOut', bound), returnData: false },
            { id: 'aborted', metric: sum('ExecutionsAborted', bound), returnData: false },
            {
              id: 'notended',
              expression: 'FILL(started,0) - FILL(succeeded,0) - FILL(failed,0) - FILL(timedout,0) - FILL(aborted,0)',
              returnData: true,
            },
          ],
        },
      ),
    );
  }

  // the endpoint and the error topic come with the SageMaker stack: alarmed once every stack is there
  const complete = (environment.solution.notDeployed ?? []).length === 0;
  const endpoint = environment.solution.sagemakerEndpoint;
  if (endpoint && complete) {
    specs.push(
      // no request, no 5XX datapoint
      make({ what: 'endpoint-5xx-errors', description: `${endpoint}: 5XX errors of asynchronous invocations`, settings: s.endpointErrors, treatMissingData: 'notBreaching' },
        { metric: metric('AWS/SageMaker', 'Invocation5XXErrors', { EndpointName: endpoint, VariantName: 'AllTraffic' }, 'Sum', s.endpointErrors.period) }),
      // an asynchronous endpoint publishes these all the time: silence means it is gone, keep the state
      make({ what: 'endpoint-backlog-without-capacity', description: `${endpoint}: requests queued while no instance runs`, settings: s.endpointBacklogWithoutCapacity, treatMissingData: 'missing' },
        { metric: metric('AWS/SageMaker', 'HasBacklogWithoutCapacity', { EndpointName: endpoint }, 'Maximum', s.endpointBacklogWithoutCapacity.period) }),
      make({ what: 'endpoint-backlog-size', description: `${endpoint}: more than ${s.endpointBacklogSize.threshold} queued requests`, settings: s.endpointBacklogSize, treatMissingData: 'missing', comparisonOperator: 'GreaterThanThreshold' },
        { metric: metric('AWS/SageMaker', 'ApproximateBacklogSize', { EndpointName: endpoint }, 'Maximum', s.endpointBacklogSize.period) }),
    );
  }
  if (environment.errorTopic && complete) {
    // the solution publishes to its -error topic only on failure: no message, no datapoint
    specs.push(
      make({ what: 'error-topic-messages', description: `messages published to the solution's ${environment.errorTopic} topic`, settings: s.errorTopicMessages, treatMissingData: 'notBreaching' },
        { metric: metric('AWS/SNS', 'NumberOfMessagesPublished', { TopicName: environment.errorTopic }, 'Sum', s.errorTopicMessages.period) }),
    );
  }
  return specs;
}

/** The CodeBuild projects of the selected environments (create-builds' names). */
export function buildProjects(project: string, envs: string[]): string[] {
  return [projectNames.buildAndTest(project), ...envs.flatMap((env) => [projectNames.cdkDeploy(project, env), projectNames.integrationTest(project, env)])];
}

/** Tool account: FailedBuilds of each project, named <project>-pipeline-<project name without the project>-failed. */
export function buildAlarms(config: Config, envs: string[], actions: string[], tags: Record<string, string>): AlarmSpec[] {
  const { project } = config;
  const settings = config.monitoring.alarms.buildFailures;
  return buildProjects(project, envs).map((name) => {
    const what = `${name.startsWith(`${project}-`) ? name.slice(project.length + 1) : name}-failed`;
    // a project that did not build publishes no FailedBuilds: nothing failed
    return alarm(project, 'pipeline', actions, tags, { what, description: `CodeBuild project ${name}: failed builds`, settings, treatMissingData: 'notBreaching' }, {
      metric: metric('AWS/CodeBuild', 'FailedBuilds', { ProjectName: name }, 'Sum', settings.period),
    });
  });
}
