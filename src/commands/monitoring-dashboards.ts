/**
 * setup-monitoring's dashboards: `<project>-<env>-health` and `<project>-<env>-quality` in each
 * environment's account, `<project>-pipeline` in the tool account, and what the pipeline dashboard
 * charts: CodePipeline publishes no metrics, so an EventBridge rule records its pipeline and stage
 * execution events into a log group (with the CloudWatch Logs resource policy that lets EventBridge
 * write there), and Logs Insights widgets chart them. Chosen over publishing metrics: nothing to run,
 * no custom-metric cost, and every past execution stays queryable for the log group's retention.
 */
import { cloudwatchDashboard, dashboardArn, type DashboardSpec } from '../aws/cloudwatch-dashboard.js';
import { eventsRule, ruleArn, type RuleSpec } from '../aws/events-rule.js';
import { logGroup, logGroupArn, type LogGroupSpec } from '../aws/log-group.js';
import { logsResourcePolicy, type LogsResourcePolicySpec } from '../aws/logs-resource-policy.js';
import { SHARED, type Targets } from '../aws/targets.js';
import { pipelineArn } from '../config/arns.js';
import { monitoringNames, pipelinesOf } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Desired, Target } from '../engine/types.js';
import { healthDashboard, pipelineDashboard, qualityDashboard, type EnvironmentView } from '../templates/dashboards.js';
import { buildAlarms, buildProjects } from './monitoring-alarm-catalogue.js';
import { environmentAlarms } from './monitoring-alarms.js';
import type { MonitoredEnvironment, MonitoringInputs, MonitoringPart } from './monitoring-inputs.js';
import { consoleBase } from './pipeline-declaration.js';
import { resourceId, standardTags } from './step.js';

/** Names of what records the pipelines' events (tool account). */
export const pipelineEventsNames = {
  /** /aws/events/…: the prefix the EventBridge console lists as log-group targets */
  logGroup: (project: string) => `/aws/events/${project}-pipeline`,
  rule: (project: string) => `${project}-pipeline-events`,
  resourcePolicy: (project: string) => `${project}-pipeline-events`,
};

/** The function that writes the quality metric's EMF line (the sample's SNS-triggered notification function). */
const SCORING_FUNCTION = /^QualityEstimationNotification/;

function view(config: Config, env: MonitoredEnvironment): EnvironmentView {
  const missing = env.solution.notDeployed ?? [];
  const deployedNothing = missing.length > 0 && missing.length >= config.solution.stacks.length;
  // a configured endpoint name is known before its stack exists: chart it only once something is deployed
  const endpoint = env.solution.sagemakerEndpoint && !(env.read && deployedNothing) ? env.solution.sagemakerEndpoint : undefined;
  return {
    project: config.project,
    mainRegion: config.region,
    environment: env,
    functions: env.read ? env.functions.map((fn) => fn.name) : env.solution.functions.map((fn) => fn.name),
    ...(endpoint ? { endpoint } : {}),
    alarmArns: environmentAlarms(config, env).map(({ name }) => `arn:${env.target.partition}:cloudwatch:${env.target.region}:${env.target.account}:alarm:${name}`),
  };
}

function scoringLogGroup(env: MonitoredEnvironment): string | undefined {
  const fn = env.solution.functions.find((f) => SCORING_FUNCTION.test(f.logicalId ?? f.name));
  const exists = fn && (!env.read || env.functions.some((read) => read.name === fn.name));
  return exists ? `/aws/lambda/${fn.name}` : undefined;
}

function dashboard(target: Target, spec: DashboardSpec, dependsOn: string[] = []): Desired {
  return { id: resourceId(target.name, cloudwatchDashboard.kind, spec.name), kind: cloudwatchDashboard, target, spec, dependsOn } as Desired;
}

/** The rule, log group and resource policy that record the pipelines' execution events. */
function pipelineEvents(config: Config, shared: Target): { items: Desired[]; logGroupName: string } {
  const { project } = config;
  const tags = standardTags(project, SHARED);
  const group: LogGroupSpec = { name: pipelineEventsNames.logGroup(project), retentionDays: config.monitoring.dashboards.pipelineEventsRetentionDays, tags };
  const rule: RuleSpec = {
    name: pipelineEventsNames.rule(project),
    description: `mtpipe (${project}): pipeline and stage execution events, kept in ${group.name} for the ${monitoringNames.pipelineDashboard(project)} dashboard`,
    eventPattern: {
      source: ['aws.codepipeline'],
      'detail-type': ['CodePipeline Pipeline Execution State Change', 'CodePipeline Stage Execution State Change'],
      resources: pipelinesOf(config).map((p) => pipelineArn(shared, p.name)),
    },
    // a log group target takes no role: EventBridge writes under the Logs resource policy
    targets: [{ Id: 'log-group', Arn: logGroupArn(shared, group.name) }],
    tags,
  };
  const policy: LogsResourcePolicySpec = {
    name: pipelineEventsNames.resourcePolicy(project),
    statements: [
      {
        Sid: 'PipelineEventsToLogs',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${logGroupArn(shared, group.name)}:*`,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn(shared, rule.name) } },
      },
    ],
  };
  const groupId = resourceId(shared.name, logGroup.kind, group.name);
  const policyId = resourceId(shared.name, logsResourcePolicy.kind, policy.name);
  const items: Desired[] = [
    { id: groupId, kind: logGroup, target: shared, spec: group } as Desired,
    { id: policyId, kind: logsResourcePolicy, target: shared, spec: policy } as Desired,
    { id: resourceId(shared.name, eventsRule.kind, rule.name), kind: eventsRule, target: shared, spec: rule, dependsOn: [groupId, policyId] } as Desired,
  ];
  return { items, logGroupName: group.name };
}

/** Console address of a dashboard (dashboards are global; the console opens it in the region given). */
export function dashboardConsoleUrl(target: Pick<Target, 'partition' | 'region'>, name: string): string {
  return `${consoleBase(target)}/cloudwatch/home?region=${target.region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}

interface PlannedDashboard {
  name: string;
  target: Target;
}

function plannedDashboards(inputs: MonitoringInputs, config: Config, targets: Targets): PlannedDashboard[] {
  return [
    { name: monitoringNames.pipelineDashboard(config.project), target: targets.shared },
    ...inputs.environments.flatMap((env) => [
      { name: monitoringNames.healthDashboard(config.project, env.target.name), target: env.target },
      { name: monitoringNames.qualityDashboard(config.project, env.target.name), target: env.target },
    ]),
  ];
}

export const dashboardsPart: MonitoringPart = {
  desired(inputs, config, targets) {
    const { shared } = targets;
    const events = pipelineEvents(config, shared);
    const pipeline = pipelineDashboard({
      project: config.project,
      mainRegion: config.region,
      region: shared.region,
      eventsLogGroup: events.logGroupName,
      buildProjects: buildProjects(config.project, Object.keys(config.environments)),
      buildAlarmArns: buildAlarms(config, Object.keys(config.environments), [], {}).map(({ name }) => `arn:${shared.partition}:cloudwatch:${shared.region}:${shared.account}:alarm:${name}`),
    });
    const items: Desired[] = [
      ...events.items,
      // its Logs Insights widgets query the log group: it exists first
      dashboard(shared, { name: monitoringNames.pipelineDashboard(config.project), body: pipeline }, [events.items[0]!.id]),
    ];
    for (const env of inputs.environments) {
      const v = view(config, env);
      items.push(
        dashboard(env.target, { name: monitoringNames.healthDashboard(config.project, env.target.name), body: healthDashboard(v) }),
        dashboard(env.target, { name: monitoringNames.qualityDashboard(config.project, env.target.name), body: qualityDashboard(v, config.monitoring, scoringLogGroup(env)) }),
      );
    }
    return items;
  },

  outputs(inputs, config, targets) {
    const dashboards = plannedDashboards(inputs, config, targets).map(({ name, target }) => ({
      name,
      account: target.account,
      arn: dashboardArn(target, name),
      consoleUrl: dashboardConsoleUrl(target, name),
    }));
    const notes = dashboards.map((d) => `Dashboard ${d.name}: ${d.consoleUrl}`);
    for (const env of inputs.environments) {
      const missing = env.read ? env.solution.notDeployed ?? [] : [];
      if (missing.length > 0) {
        notes.push(`${env.target.name}: stacks ${missing.join(', ')} are not deployed yet; their resources join the health and quality dashboards on the first run after they are`);
      }
    }
    return { notes, data: { dashboards, dashboardCount: dashboards.length } };
  },
};
