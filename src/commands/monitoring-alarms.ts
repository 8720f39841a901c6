/**
 * The alarms part of setup-monitoring: per environment the release alarms and alarms on what exists of
 * the solution, notifying its alerts topic; in the tool account, failed builds to the pipeline's
 * alerts topic. Outputs: alarms per account and the monthly cost of the step.
 */
import { cloudwatchAlarm, type AlarmSpec } from '../aws/cloudwatch-alarm.js';
import { snsTopic, type TopicSpec } from '../aws/sns-topic.js';
import { SHARED } from '../aws/targets.js';
import { topicArn } from '../config/arns.js';
import { monitoringNames, pipelineNames } from '../config/resource-names.js';
import { existing } from '../engine/reference.js';
import type { Config } from '../config/schema.js';
import type { Desired, Target } from '../engine/types.js';
import { buildAlarms, releaseAlarms, solutionAlarms } from './monitoring-alarm-catalogue.js';
import { alertsTopicId } from './monitoring-alerts.js';
import { monthlyCost, PRICES } from './monitoring-cost.js';
import type { MonitoredEnvironment, MonitoringPart } from './monitoring-inputs.js';
import { resourceId, standardTags } from './step.js';

/**
 * The tool account's alerts topic, as create-pipeline makes it: read, never written (in bootstrap the
 * real one replaces the reference). An environment's alerts topic is the alerts part's of this step:
 * its alarms depend on it.
 */
const pipelineAlertsRef = existing(snsTopic, 'create-pipeline');

type Order = Pick<Desired, 'dependsOn' | 'after'>;

function alarmItems(target: Target, specs: AlarmSpec[], order: Order): Desired[] {
  return specs.map((spec) => ({ id: resourceId(target.name, cloudwatchAlarm.kind, spec.name), kind: cloudwatchAlarm, target, spec, ...order }));
}

/** The alarms of one environment: release alarms always, the rest for what exists. */
export function environmentAlarms(config: Config, environment: MonitoredEnvironment): AlarmSpec[] {
  const { target } = environment;
  const actions = [topicArn(target, monitoringNames.alertsTopic(config.project, target.name))];
  const tags = standardTags(config.project, target.name);
  return [...releaseAlarms(config, environment, actions, tags), ...solutionAlarms(config, environment, actions, tags)];
}

export const alarmsPart: MonitoringPart = {
  desired(inputs, config, targets) {
    const items: Desired[] = [];
    for (const environment of inputs.environments) {
      const { target } = environment;
      items.push(...alarmItems(target, environmentAlarms(config, environment), { dependsOn: [alertsTopicId(config, target)] }));
    }
    const { shared } = targets;
    const alertTopic = pipelineNames.alertTopic(config.project);
    const topic: Desired = { id: resourceId(shared.name, snsTopic.kind, alertTopic), kind: pipelineAlertsRef, target: shared, spec: { name: alertTopic } as TopicSpec };
    const builds = buildAlarms(config, Object.keys(config.environments), [topicArn(shared, pipelineNames.alertTopic(config.project))], standardTags(config.project, SHARED));
    items.push(topic, ...alarmItems(shared, builds, { dependsOn: [topic.id] }));
    return items;
  },

  outputs(inputs, config, targets, _results, changes) {
    // under one key: the other parts report per environment too
    const alarms: Record<string, unknown> = {};
    const notes: string[] = [];
    for (const environment of inputs.environments) {
      const env = environment.target.name;
      const specs = environmentAlarms(config, environment);
      const { functions, stateMachines, notDeployed } = environment.solution;
      alarms[env] = { count: specs.length, ...(notDeployed ? { notDeployed } : {}) };
      notes.push(`${env}: ${specs.length} alarm(s) to ${monitoringNames.alertsTopic(config.project, env)} (alarm and OK), ${environment.functions.length} function(s) and ${stateMachines.length} state machine(s) watched.`);
      if (!environment.read) {
        notes.push(`  ${env} was not read (no credentials): only the release alarms are planned; the rest follow from what is deployed.`);
      } else if (notDeployed && notDeployed.length > 0) {
        notes.push(
          `  stack(s) ${notDeployed.join(', ')} not deployed in ${env} yet: run setup-monitoring again after the first deploy to add alarms on each function, state machine, the endpoint and the error topic.`,
        );
      }
      if (functions.length === 0) notes.push(`  ${config.project}-${env}-lambda-errors watches every Lambda function of the account and region until the functions are known.`);
      if (stateMachines.length === 0) notes.push(`  ${config.project}-${env}-executions-failed watches every state machine of the account and region until they are known.`);
    }
    const builds = buildAlarms(config, Object.keys(config.environments), [], {});
    alarms[SHARED] = { count: builds.length };
    notes.push(`tool account: ${builds.length} failed-build alarm(s) to ${pipelineNames.alertTopic(config.project)}.`);
    const cost = monthlyCost(changes);
    const monthlyCostData = { usd: cost.total, lines: cost.lines, prices: { date: PRICES.date, source: PRICES.source } };
    notes.push(
      `Monthly cost of the alarms and dashboards: about $${cost.total.toFixed(2)} (${cost.lines.map((line) => `${line.count} ${line.what} $${line.usd.toFixed(2)}`).join(', ')}; prices of ${PRICES.date}, us-east-1).`,
      ...cost.notes.map((note) => `  ${note}`),
    );
    return { notes, data: { alarms, monthlyCost: monthlyCostData } };
  },
};
