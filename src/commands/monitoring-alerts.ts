/**
 * Where an environment's alarms go: in its account and region, the SNS topic <project>-<env>-alerts,
 * encrypted with a customer key CloudWatch and EventBridge may use, with the email subscriptions of
 * `environments.<env>.alerts` (else `notifications.alerts`); and the EventBridge rule that sends the
 * Glue job's failed runs there.
 */
import { eventsRule, ruleArn, type RuleSpec } from '../aws/events-rule.js';
import { kmsKey, type KeySpec } from '../aws/kms-key.js';
import { snsTopic, topicArn, unconfirmedEmails, type Topic, type TopicSpec } from '../aws/sns-topic.js';
import { monitoringNames } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Change, Desired, Target } from '../engine/types.js';
import type { MonitoredEnvironment, MonitoringPart } from './monitoring-inputs.js';
import { consoleBase } from './pipeline-declaration.js';
import { resourceId, standardTags } from './step.js';
import { keyUser, publisher, SERVICE_PRINCIPAL, topicKey } from './topic-encryption.js';

/** The Glue job run states that end a run without success (Glue Job State Change events). */
export const GLUE_FAILED_STATES = ['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'];

/** The addresses alerted of an environment's alarms. */
export function alertEmails(config: Config, env: string): string[] {
  return config.environments[env]?.alerts ?? config.notifications.alerts;
}

/** The id of an environment's alerts topic in the plan: alarms depend on it. */
export function alertsTopicId(config: Config, target: Target): string {
  return resourceId(target.name, snsTopic.kind, monitoringNames.alertsTopic(config.project, target.name));
}

/** The key of an environment's alerts topic: CloudWatch (alarms) and EventBridge (the Glue rule) may use it. */
export function alertsKey(config: Config, target: Target): KeySpec {
  return topicKey(target, {
    alias: monitoringNames.alertsKeyAlias(config.project, target.name),
    description: `mtpipe (${config.project}): encrypts the alerts topic of environment ${target.name}`,
    users: [keyUser('CloudWatchUsesTheKey', SERVICE_PRINCIPAL.cloudwatch), keyUser('EventBridgeUsesTheKey', SERVICE_PRINCIPAL.events)],
    tags: standardTags(config.project, target.name),
  });
}

/**
 * The alerts topic: CloudWatch may publish for this environment's alarms (<project>-<env>-*), EventBridge
 * for the rules named in `rules`.
 */
export function alertsTopic(config: Config, target: Target, keyAlias: string | undefined, rules: string[]): TopicSpec {
  const name = monitoringNames.alertsTopic(config.project, target.name);
  const arn = topicArn(target, name);
  const alarms = `arn:${target.partition}:cloudwatch:${target.region}:${target.account}:alarm:${monitoringNames.alarm(config.project, target.name, '*')}`;
  return {
    name,
    ...(keyAlias ? { kmsMasterKeyId: keyAlias } : {}),
    policyStatements: [
      publisher('CloudWatchAlarmsPublish', SERVICE_PRINCIPAL.cloudwatch, arn, { ArnLike: alarms }),
      ...(rules.length > 0 ? [publisher('EventBridgeRulesPublish', SERVICE_PRINCIPAL.events, arn, { ArnEquals: rules.map((rule) => ruleArn(target, rule)) })] : []),
    ],
    emails: alertEmails(config, target.name),
    tags: standardTags(config.project, target.name),
  };
}

/**
 * Failed runs of the solution's Glue jobs, to the alerts topic as one readable line. Events rather than
 * the Glue metrics: the job retries twice, and `glue.driver.aggregate.numFailedTasks` counts per run id
 * (each retry is a run of its own) and exists only with --enable-metrics, so an alarm on it fires for a
 * failure the retry repairs and stays silent for a job started without metrics. The event names the
 * run's final state (FAILED, TIMEOUT, STOPPED, ERROR) for every run, metrics or not.
 */
export function glueFailureRule(config: Config, target: Target, jobs: string[], topic: string): RuleSpec {
  const run = `${consoleBase(target)}/gluestudio/home?region=${target.region}#/job/<job>/run/<run>`;
  return {
    name: monitoringNames.glueJobFailedRule(config.project, target.name),
    description: `mtpipe (${config.project}): failed runs of the Glue job(s) of ${target.name}, to ${topic}`,
    eventPattern: { source: ['aws.glue'], 'detail-type': ['Glue Job State Change'], detail: { jobName: jobs, state: GLUE_FAILED_STATES } },
    targets: [
      {
        Id: 'alerts',
        Arn: topicArn(target, topic),
        InputTransformer: {
          InputPathsMap: { job: '$.detail.jobName', state: '$.detail.state', run: '$.detail.jobRunId' },
          InputTemplate: `"Glue job <job> ended <state> (${target.name}), run <run>: ${run}"`,
        },
      },
    ],
    tags: standardTags(config.project, target.name),
  };
}

/** An environment's alerts resources, in dependency order (key, topic, rule). */
export function alertsOf(config: Config, environment: MonitoredEnvironment): Desired[] {
  const { target } = environment;
  const items: Desired[] = [];
  const add = <S, C>(kind: Desired<S, C>['kind'], spec: S, dependsOn: string[] = []): string => {
    const id = resourceId(target.name, kind.kind, kind.name(spec));
    items.push({ id, kind, spec, target, dependsOn } as Desired);
    return id;
  };
  const key = config.notifications.encryption === 'kms' ? alertsKey(config, target) : undefined;
  const keyId = key ? add(kmsKey, key) : undefined;
  const jobs = environment.solution.glueJobs.map((job) => job.name);
  const rule = jobs.length > 0 ? monitoringNames.glueJobFailedRule(config.project, target.name) : undefined;
  const topic = alertsTopic(config, target, key?.alias, rule ? [rule] : []);
  const topicId = add(snsTopic, topic, keyId ? [keyId] : []);
  if (rule) add(eventsRule, glueFailureRule(config, target, jobs, topic.name), [topicId]);
  return items;
}

export const alertsPart: MonitoringPart = {
  desired: (inputs, config) => inputs.environments.flatMap((environment) => alertsOf(config, environment)),

  outputs(inputs, config, _targets, _results, changes) {
    const notes: string[] = [];
    const actions: string[] = [];
    const data: Record<string, unknown> = {};
    const nobody: string[] = [];
    for (const { target } of inputs.environments) {
      const name = monitoringNames.alertsTopic(config.project, target.name);
      const emails = alertEmails(config, target.name);
      const read = changes.find((change: Change) => change.desired.id === alertsTopicId(config, target))?.current as Topic | undefined;
      // a topic this run creates has no confirmed subscription yet: every address is pending
      const pending = unconfirmedEmails(read, emails);
      const arn = topicArn(target, name);
      data[target.name] = { topic: name, arn, emails, pendingConfirmation: pending };
      if (emails.length === 0) nobody.push(name);
      else if (pending.length > 0) actions.push(`SNS topic ${name} (${target.name}): still to confirm their subscription (email from AWS Notifications): ${pending.join(', ')}`);
      else notes.push(`Alerts of ${target.name} go to SNS topic ${name}: ${emails.join(', ')}`);
    }
    if (nobody.length > 0) actions.push(`No one is alerted of alarms (SNS ${nobody.join(', ')}): set notifications.alerts (or environments.<env>.alerts) to email addresses.`);
    return { notes, actions, data: { alerts: data } };
  },
};
