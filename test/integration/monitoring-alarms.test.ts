/**
 * setup-monitoring's alarms against moto holding the sample's stacks: one alarm per resource × metric
 * with the alerts topic as alarm and OK action, the release alarms before the deployment groups that
 * name them (bootstrap), and no write on a second run.
 */
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AwsCall } from '../../src/aws/call-log.js';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { setupMonitoring } from '../../src/commands/setup-monitoring.js';
import { validateCalls } from '../support/api-models.js';
import { HF_TOKEN, operationsOf, restoreHfTokenAfterEach, setHfToken } from '../support/aws-state.js';
import { runInProcess, type RunOptions } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { deploySampleSolution, NOTIFICATION_FUNCTION, STATE_MACHINE, WORKFLOW_FUNCTION_TIMEOUT } from '../support/solution-fixture.js';

const moto = inject('motoUrl');
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const clientConfig = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
const cloudwatch = new CloudWatchClient(clientConfig);
const sns = new SNSClient(clientConfig);
afterAll(() => [cloudwatch, sns].forEach((client) => client.destroy()));

const P = 'mt-pipeline';
const SETTINGS: RunOptions['overrides'] = {
  'parameters.quality_estimation_sgm_topic_name': 'mt-qe-topic',
  'parameters.quality_estimation_sgm_endpoint_name': 'mt-qe-endpoint',
};
const topic = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;

async function alarms(prefix: string): Promise<MetricAlarm[]> {
  const found: MetricAlarm[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, ...(NextToken ? { NextToken } : {}) }));
    found.push(...(page.MetricAlarms ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

beforeEach(async () => {
  await resetMoto(moto);
  await deploySampleSolution(moto, { endpointName: 'mt-qe-endpoint', topicName: 'mt-qe-topic' });
});

describe('setup-monitoring alarms against the sample', () => {
  it('one alarm per resource × metric, alarm and OK action the alerts topic, tagged; a second run writes nothing', async () => {
    await sns.send(new CreateTopicCommand({ Name: `${P}-pipeline-alerts`, Tags: [{ Key: 'mtpipe:project', Value: P }, { Key: 'mtpipe:env', Value: 'shared' }] }));
    const calls: AwsCall[] = [];
    const first = await runInProcess('setup-monitoring', [setupMonitoring], moto, { overrides: SETTINGS });
    expect(first.error, first.stderr).toBeUndefined();
    calls.push(...first.calls);

    const dev = await alarms(`${P}-dev-`);
    // 10 functions × 3, 1 state machine × 4, the endpoint × 3, the error topic, the two release alarms
    expect(dev).toHaveLength(30 + 4 + 3 + 1 + 2);
    for (const alarm of dev) {
      expect(alarm.AlarmActions, alarm.AlarmName).toEqual([topic(`${P}-dev-alerts`)]);
      expect(alarm.OKActions, alarm.AlarmName).toEqual([topic(`${P}-dev-alerts`)]);
    }
    const byName = new Map(dev.map((alarm) => [alarm.AlarmName, alarm]));
    const notification = byName.get(`${P}-dev-lambda-${NOTIFICATION_FUNCTION.name}-duration`)!;
    // 80% of Lambda's default 3 s timeout; the workflow functions have theirs
    expect(notification).toMatchObject({ MetricName: 'Duration', Statistic: 'Maximum', Threshold: 2400 });
    const workflowDurations = dev.filter((alarm) => alarm.MetricName === 'Duration' && alarm !== notification);
    expect(new Set(workflowDurations.map((alarm) => alarm.Threshold))).toEqual(new Set([WORKFLOW_FUNCTION_TIMEOUT * 800]));
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE}`;
    expect(byName.get(`${P}-dev-executions-failed`)!.Metrics).toEqual([
      { Id: 'failed', Expression: `SELECT SUM(ExecutionsFailed) FROM SCHEMA("AWS/States", StateMachineArn) WHERE StateMachineArn = '${stateMachineArn}'`, Period: 60, ReturnData: true },
    ]);
    expect(byName.get(`${P}-dev-lambda-errors`)!.Metrics![0]!.Expression).toMatch(/^SELECT SUM\(Errors\) FROM SCHEMA\("AWS\/Lambda", FunctionName\) WHERE FunctionName = '[^']+'( OR FunctionName = '[^']+'){9}$/);
    expect(byName.get(`${P}-dev-states-${STATE_MACHINE}-not-ended`)!.Metrics).toHaveLength(6);
    expect(byName.get(`${P}-dev-endpoint-5xx-errors`)!.Dimensions).toEqual(expect.arrayContaining([{ Name: 'EndpointName', Value: 'mt-qe-endpoint' }, { Name: 'VariantName', Value: 'AllTraffic' }]));
    expect(byName.get(`${P}-dev-error-topic-messages`)!.Dimensions).toEqual([{ Name: 'TopicName', Value: 'mt-qe-topic-error' }]);
    const { Tags } = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: byName.get(`${P}-dev-lambda-errors`)!.AlarmArn }));
    expect(Tags).toEqual(expect.arrayContaining([{ Key: 'mtpipe:project', Value: P }, { Key: 'mtpipe:env', Value: 'dev' }]));

    const builds = await alarms(`${P}-pipeline-`);
    expect(builds.map((alarm) => alarm.AlarmName).sort()).toEqual(
      ['build-and-test', 'cdk-deploy-dev', 'cdk-deploy-prod', 'integration-test-dev', 'integration-test-prod'].map((what) => `${P}-pipeline-${what}-failed`).sort(),
    );
    expect(builds.every((alarm) => alarm.OKActions?.join() === topic(`${P}-pipeline-alerts`) && alarm.MetricName === 'FailedBuilds')).toBe(true);
    expect(first.stdout).toMatch(/^dev: 40 alarm\(s\) to mt-pipeline-dev-alerts \(alarm and OK\), 10 function\(s\) and 1 state machine\(s\) watched\.$/m);
    // dev and prod: 42 alarm metrics and 11 queried metrics each; 5 build alarms; 5 dashboards in one account, 3 free
    expect(first.stdout).toMatch(
      /Monthly cost of the alarms and dashboards: about \$17\.10 \(89 alarm metrics \(standard resolution\) \$8\.90, 22 metrics analysed by Metrics Insights alarms \$2\.20, 2 dashboards beyond 3 free per account \$6\.00;/,
    );
    // DescribeAlarms: per environment one call for the alarms named before discovery (the release alarms,
    // read while the stacks are discovered) and one for the 38 discovered ones; one in the tool account
    expect(operationsOf(first.calls).filter((op) => op === 'CloudWatch.DescribeAlarms')).toHaveLength(5);

    const second = await runInProcess('setup-monitoring', [setupMonitoring], moto, { overrides: SETTINGS });
    expect(second.error, second.stderr).toBeUndefined();
    expect(second.writes).toEqual([]);
    calls.push(...second.calls);
    const { violations } = validateCalls(calls);
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('converges a drifted alarm: the whole definition again, the missing tag with TagResource', async () => {
    await sns.send(new CreateTopicCommand({ Name: `${P}-pipeline-alerts`, Tags: [{ Key: 'mtpipe:project', Value: P }, { Key: 'mtpipe:env', Value: 'shared' }] }));
    expect((await runInProcess('setup-monitoring', [setupMonitoring], moto, { overrides: SETTINGS })).error).toBeUndefined();
    const name = `${P}-dev-states-${STATE_MACHINE}-timed-out`;
    const [before] = await alarms(name);
    const { PutMetricAlarmCommand, UntagResourceCommand } = await import('@aws-sdk/client-cloudwatch');
    // someone raised the threshold and dropped the OK action by hand (PutMetricAlarm replaces the alarm)
    const { AlarmArn: _arn, StateValue: _s, StateReason: _r, StateUpdatedTimestamp: _t, AlarmConfigurationUpdatedTimestamp: _c, StateTransitionedTimestamp: _st, StateReasonData: _d, ...definition } = before!;
    await cloudwatch.send(new PutMetricAlarmCommand({ ...(definition as object), AlarmName: name, Threshold: 50, OKActions: [] } as never));
    await cloudwatch.send(new UntagResourceCommand({ ResourceARN: before!.AlarmArn, TagKeys: ['mtpipe:env'] }));

    const run = await runInProcess('setup-monitoring', [setupMonitoring], moto, { overrides: SETTINGS });
    expect(run.error, run.stderr).toBeUndefined();
    expect(operationsOf(run.writes)).toEqual(['CloudWatch.PutMetricAlarm', 'CloudWatch.TagResource']);
    const [after] = await alarms(name);
    expect(after).toMatchObject({ Threshold: 1, OKActions: [topic(`${P}-dev-alerts`)], AlarmActions: [topic(`${P}-dev-alerts`)] });
    expect(validateCalls(run.calls).violations).toEqual([]);
    expect((await runInProcess('setup-monitoring', [setupMonitoring], moto, { overrides: SETTINGS })).writes).toEqual([]);
  });

  it('an alarm of that name without mtpipe’s tag is someone else’s: not changed', async () => {
    await sns.send(new CreateTopicCommand({ Name: `${P}-pipeline-alerts` }));
    const { PutMetricAlarmCommand } = await import('@aws-sdk/client-cloudwatch');
    await cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: `${P}-dev-lambda-errors`, MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' }),
    );
    const run = await runInProcess('setup-monitoring', [setupMonitoring], moto, { overrides: SETTINGS });
    expect(String(run.error)).toMatch(/mt-pipeline-dev-lambda-errors: exists without the tag mtpipe:project=mt-pipeline; mtpipe changes it only with --adopt/);
    expect(run.writes).toEqual([]);
  });
});

describe('bootstrap: release alarms before the deployment groups that name them', () => {
  restoreHfTokenAfterEach();

  it('after one run the groups name both alarms, created first; a second run writes nothing', async () => {
    setHfToken(HF_TOKEN);
    const first = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto, { overrides: SETTINGS });
    expect(first.error, first.stderr).toBeUndefined();
    for (const env of ['dev', 'prod']) {
      const order = first.writes.map((call) => `${call.service}.${call.operation}:${JSON.stringify(call.input)}`);
      const group = order.findIndex((entry) => entry.startsWith('CodeDeploy.CreateDeploymentGroup') && entry.includes(`"deploymentGroupName":"${P}-${env}"`));
      expect(group, env).toBeGreaterThan(-1);
      for (const name of [`${P}-${env}-lambda-errors`, `${P}-${env}-executions-failed`]) {
        const alarm = order.findIndex((entry) => entry.startsWith('CloudWatch.PutMetricAlarm') && entry.includes(`"AlarmName":"${name}"`));
        expect(alarm, name).toBeGreaterThan(-1);
        expect(alarm, `${name} before the group`).toBeLessThan(group);
      }
      const input = first.writes[group]!.input as { alarmConfiguration: { enabled: boolean; alarms: { name: string }[] } };
      expect(input.alarmConfiguration).toEqual({ enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: `${P}-${env}-executions-failed` }, { name: `${P}-${env}-lambda-errors` }] });
    }
    const second = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto, { overrides: SETTINGS });
    expect(second.error, second.stderr).toBeUndefined();
    expect(second.writes).toEqual([]);
    const { violations } = validateCalls([...first.calls, ...second.calls]);
    expect(violations, violations.join('\n')).toEqual([]);
  });
});
