/** setup-monitoring's alerts part: the key and topic policies, the addresses, the Glue failure rule, pending subscriptions. */
import { describe, expect, it } from 'vitest';
import type { Topic } from '../../../src/aws/sns-topic.js';
import { alertsKey, alertsOf, alertsPart, alertsTopic, glueFailureRule } from '../../../src/commands/monitoring-alerts.js';
import type { MonitoredEnvironment } from '../../../src/commands/monitoring-inputs.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import type { Change } from '../../../src/engine/types.js';
import { testTarget } from '../../support/target.js';

const target = testTarget({ name: 'dev' });
const base = configSchema.parse(defaultConfig('us-east-1'));
const config = configSchema.parse({
  ...base,
  notifications: { ...base.notifications, alerts: ['ops@example.com'] },
  environments: { ...base.environments, dev: { ...base.environments.dev, alerts: ['dev-oncall@example.com'] } },
});
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-dev-alerts';
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/mt-pipeline-dev-glue-job-failed';
const environment = (glueJobs: string[]): MonitoredEnvironment => ({
  target,
  solution: { functions: [], stateMachines: [], glueJobs: glueJobs.map((name) => ({ name })) },
  functions: [],
  read: true,
});

describe('the alerts key', () => {
  it('CloudWatch and EventBridge may use it (Decrypt, GenerateDataKey*), without source conditions', () => {
    expect(alertsKey(config, target)).toEqual({
      alias: 'alias/mt-pipeline-dev-alerts',
      description: 'mtpipe (mt-pipeline): encrypts the alerts topic of environment dev',
      policyStatements: [
        { Sid: 'AccountAdministersTheKey', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' },
        // EventBridge sends no aws:SourceArn / aws:SourceAccount to KMS: a condition would drop every delivery
        { Sid: 'CloudWatchUsesTheKey', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
        { Sid: 'EventBridgeUsesTheKey', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' },
      ],
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' },
    });
  });
});

describe('the alerts topic', () => {
  it("CloudWatch publishes for this environment's alarms, EventBridge for its rules; the environment's addresses win", () => {
    expect(alertsTopic(config, target, 'alias/mt-pipeline-dev-alerts', ['mt-pipeline-dev-glue-job-failed'])).toEqual({
      name: 'mt-pipeline-dev-alerts',
      kmsMasterKeyId: 'alias/mt-pipeline-dev-alerts',
      policyStatements: [
        {
          Sid: 'CloudWatchAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: TOPIC_ARN,
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:mt-pipeline-dev-*' } },
        },
        {
          Sid: 'EventBridgeRulesPublish',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: TOPIC_ARN,
          Condition: { ArnEquals: { 'aws:SourceArn': [RULE_ARN] } },
        },
      ],
      emails: ['dev-oncall@example.com'],
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' },
    });
    expect(alertsTopic(config, testTarget({ name: 'prod' }), undefined, []).emails).toEqual(['ops@example.com']);
  });

  it('key, topic (after the key) and Glue rule (after the topic); with encryption none no key, and without a Glue job no rule', () => {
    expect(alertsOf(config, environment(['translation-results-processor'])).map((item) => [item.id, item.dependsOn])).toEqual([
      ['dev/kms:key/alias/mt-pipeline-dev-alerts', []],
      ['dev/sns:topic/mt-pipeline-dev-alerts', ['dev/kms:key/alias/mt-pipeline-dev-alerts']],
      ['dev/events:rule/mt-pipeline-dev-glue-job-failed', ['dev/sns:topic/mt-pipeline-dev-alerts']],
    ]);
    const plain = configSchema.parse({ ...config, notifications: { ...config.notifications, encryption: 'none' } });
    const items = alertsOf(plain, environment([]));
    expect(items.map((item) => item.id)).toEqual(['dev/sns:topic/mt-pipeline-dev-alerts']);
    expect(items[0]!.spec).not.toHaveProperty('kmsMasterKeyId');
    expect((items[0]!.spec as { policyStatements: { Sid: string }[] }).policyStatements.map((s) => s.Sid)).toEqual(['CloudWatchAlarmsPublish']);
  });
});

describe('the Glue failure rule', () => {
  it("matches the jobs' runs that end FAILED, TIMEOUT, STOPPED or ERROR and says job, state, run and console link", () => {
    expect(glueFailureRule(config, target, ['translation-results-processor'], 'mt-pipeline-dev-alerts')).toEqual({
      name: 'mt-pipeline-dev-glue-job-failed',
      description: 'mtpipe (mt-pipeline): failed runs of the Glue job(s) of dev, to mt-pipeline-dev-alerts',
      eventPattern: {
        source: ['aws.glue'],
        'detail-type': ['Glue Job State Change'],
        detail: { jobName: ['translation-results-processor'], state: ['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'] },
      },
      targets: [
        {
          Id: 'alerts',
          Arn: TOPIC_ARN,
          InputTransformer: {
            InputPathsMap: { job: '$.detail.jobName', state: '$.detail.state', run: '$.detail.jobRunId' },
            InputTemplate: '"Glue job <job> ended <state> (dev), run <run>: https://us-east-1.console.aws.amazon.com/gluestudio/home?region=us-east-1#/job/<job>/run/<run>"',
          },
        },
      ],
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' },
    });
  });
});

describe('outputs', () => {
  const planned = (current: Topic | undefined): Change[] =>
    alertsOf(config, environment([])).map((desired) => ({ desired, action: current ? 'noop' : 'create', diffs: [], ...(current && desired.kind.kind === 'sns:topic' ? { current } : {}) }));
  const topic = (confirmed: boolean): Topic => ({
    arn: TOPIC_ARN,
    kmsMasterKeyId: 'alias/mt-pipeline-dev-alerts',
    policy: [],
    subscriptions: [{ protocol: 'email', endpoint: 'dev-oncall@example.com', confirmed }],
    tags: {},
  });

  it('lists the addresses still to confirm, from the topic as the plan read it', () => {
    const pending = alertsPart.outputs!({ environments: [environment([])] }, config, undefined as never, [], planned(topic(false)));
    expect(pending.actions).toEqual(['SNS topic mt-pipeline-dev-alerts (dev): still to confirm their subscription (email from AWS Notifications): dev-oncall@example.com']);
    expect(pending.data).toEqual({ alerts: { dev: { topic: 'mt-pipeline-dev-alerts', arn: TOPIC_ARN, emails: ['dev-oncall@example.com'], pendingConfirmation: ['dev-oncall@example.com'] } } });
    const confirmed = alertsPart.outputs!({ environments: [environment([])] }, config, undefined as never, [], planned(topic(true)));
    expect(confirmed.actions).toEqual([]);
    // a topic created by this run: nobody has confirmed yet
    expect(alertsPart.outputs!({ environments: [environment([])] }, config, undefined as never, undefined, planned(undefined)).actions).toHaveLength(1);
  });
});
