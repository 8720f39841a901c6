import { describe, expect, it } from 'vitest';
import type { AlarmSpec } from '../../../src/aws/cloudwatch-alarm.js';
import type { Targets } from '../../../src/aws/targets.js';
import { createDeploy } from '../../../src/commands/create-deploy.js';
import { alarmsPart } from '../../../src/commands/monitoring-alarms.js';
import { monthlyCost } from '../../../src/commands/monitoring-cost.js';
import type { MonitoredEnvironment } from '../../../src/commands/monitoring-inputs.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { monitoringSchema } from '../../../src/config/monitoring-schema.js';
import { configSchema } from '../../../src/config/schema.js';
import type { Change, Desired } from '../../../src/engine/types.js';
import { testTarget } from '../../support/target.js';

const base = defaultConfig('us-east-1');
const config = configSchema.parse({
  ...base,
  monitoring: { alarms: { lambdaDuration: { threshold: 50 }, lambdaErrors: { threshold: 2, period: 60 }, executionTime: { threshold: 7200 } } },
});
const P = config.project;
const dev = testTarget({ name: 'dev' });
const shared = testTarget();
const targets = { shared, environments: [dev], environmentsInToolAccount: [{ ...shared, name: 'dev' }], offline: false } as unknown as Targets;
const TOPIC = `arn:aws:sns:us-east-1:${dev.account}:${P}-dev-alerts`;
const PIPELINE_TOPIC = `arn:aws:sns:us-east-1:${dev.account}:${P}-pipeline-alerts`;
const SM_ARN = `arn:aws:states:us-east-1:${dev.account}:stateMachine:Translate`;

const fn = (name: string, timeoutSeconds: number) => ({ name, arn: `arn:aws:lambda:us-east-1:${dev.account}:function:${name}`, timeoutSeconds, roleArn: undefined, tracingMode: undefined, lastUpdateStatus: 'Successful' });

const deployed: MonitoredEnvironment = {
  target: dev,
  solution: { functions: [{ name: 'fnA', logicalId: 'A' }, { name: 'fnB' }], stateMachines: [{ name: 'Translate', arn: SM_ARN }], glueJobs: [{ name: 'job' }], sagemakerEndpoint: 'qe-ep' },
  functions: [fn('fnA', 60), fn('fnB', 900)],
  errorTopic: 'qe-error',
  read: true,
};

const alarmsOf = (items: Desired[]) => items.filter((item) => item.kind.kind === 'cloudwatch:alarm').map((item) => item.spec as AlarmSpec);
const byName = (specs: AlarmSpec[], name: string) => specs.find((spec) => spec.name === name)!;

describe('the alarm catalogue', () => {
  const items = alarmsPart.desired({ environments: [deployed] }, config, targets);
  const alarms = alarmsOf(items);

  it('has one alarm per resource × metric, named <project>-<env>-<what>, and the tool account’s build alarms', () => {
    expect(alarms.map((spec) => spec.name)).toEqual([
      `${P}-dev-lambda-errors`,
      `${P}-dev-executions-failed`,
      ...['fnA', 'fnB'].flatMap((name) => ['errors', 'throttles', 'duration'].map((what) => `${P}-dev-lambda-${name}-${what}`)),
      ...['timed-out', 'aborted', 'execution-time', 'not-ended'].map((what) => `${P}-dev-states-Translate-${what}`),
      `${P}-dev-endpoint-5xx-errors`,
      `${P}-dev-endpoint-backlog-without-capacity`,
      `${P}-dev-endpoint-backlog-size`,
      `${P}-dev-error-topic-messages`,
      `${P}-pipeline-build-and-test-failed`,
      `${P}-pipeline-cdk-deploy-dev-failed`,
      `${P}-pipeline-integration-test-dev-failed`,
      // the tool account serves every configured environment, whichever --env selects
      `${P}-pipeline-cdk-deploy-prod-failed`,
      `${P}-pipeline-integration-test-prod-failed`,
    ]);
  });

  it('notifies the alerts topic on alarm and OK, each alarm after the topic, tagged', () => {
    const environment = items.filter((item) => item.target === dev && item.kind.kind === 'cloudwatch:alarm');
    expect(environment.every((item) => (item.spec as AlarmSpec).actions.join() === TOPIC)).toBe(true);
    // the environment's topic is the alerts part's; the tool account's, create-pipeline's (read)
    expect(new Set(environment.map((item) => JSON.stringify([item.after, item.dependsOn])))).toEqual(new Set([JSON.stringify([undefined, [`dev/sns:topic/${P}-dev-alerts`]])]));
    const topics = items.filter((item) => item.kind.kind === 'sns:topic');
    expect(topics.map((item) => [item.id, item.kind.isReference])).toEqual([[`shared/sns:topic/${P}-pipeline-alerts`, true]]);
    const builds = items.filter((item) => item.target === shared && item.kind.kind === 'cloudwatch:alarm');
    expect(new Set(builds.map((item) => item.dependsOn?.join()))).toEqual(new Set([`shared/sns:topic/${P}-pipeline-alerts`]));
    const buildSpecs = alarms.filter((spec) => spec.name.startsWith(`${P}-pipeline-`));
    expect(buildSpecs.every((spec) => spec.actions.join() === PIPELINE_TOPIC && spec.tags['mtpipe:env'] === 'shared')).toBe(true);
    expect(byName(alarms, `${P}-dev-lambda-fnA-errors`).tags).toEqual({ 'mtpipe:project': P, 'mtpipe:env': 'dev' });
  });

  it('takes thresholds from the configuration: duration as a share of each function’s timeout, in ms', () => {
    expect(byName(alarms, `${P}-dev-lambda-fnA-duration`)).toMatchObject({
      metric: { namespace: 'AWS/Lambda', metricName: 'Duration', dimensions: { FunctionName: 'fnA' }, stat: 'Maximum', period: 300 },
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 30_000,
      treatMissingData: 'notBreaching',
    });
    expect(byName(alarms, `${P}-dev-lambda-fnB-duration`).threshold).toBe(450_000);
    expect(byName(alarms, `${P}-dev-lambda-fnA-errors`)).toMatchObject({ threshold: 2, metric: { period: 60, stat: 'Sum', metricName: 'Errors' }, comparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(byName(alarms, `${P}-dev-states-Translate-execution-time`)).toMatchObject({ threshold: 7_200_000, metric: { metricName: 'ExecutionTime', dimensions: { StateMachineArn: SM_ARN } } });
  });

  it('watches all solution functions together for the release, with a Metrics Insights query', () => {
    expect(byName(alarms, `${P}-dev-lambda-errors`).queries).toEqual([
      { id: 'errors', expression: `SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE FunctionName = 'fnA' OR FunctionName = 'fnB'`, period: 60, returnData: true },
    ]);
    expect(byName(alarms, `${P}-dev-executions-failed`).queries).toEqual([
      { id: 'failed', expression: `SELECT SUM(ExecutionsFailed) FROM SCHEMA("AWS/States", StateMachineArn) WHERE StateMachineArn = '${SM_ARN}'`, period: 60, returnData: true },
    ]);
  });

  it('sees executions that never end: started minus ended over a period as long as the bound', () => {
    const notEnded = byName(alarms, `${P}-dev-states-Translate-not-ended`);
    expect(notEnded.queries!.map((query) => [query.id, query.metric?.metricName, query.metric?.period, query.returnData])).toEqual([
      ['started', 'ExecutionsStarted', 7200, false],
      ['succeeded', 'ExecutionsSucceeded', 7200, false],
      ['failed', 'ExecutionsFailed', 7200, false],
      ['timedout', 'ExecutionsTimedOut', 7200, false],
      ['aborted', 'ExecutionsAborted', 7200, false],
      ['notended', undefined, undefined, true],
    ]);
    expect(notEnded.queries![5]!.expression).toBe('FILL(started,0) - FILL(succeeded,0) - FILL(failed,0) - FILL(timedout,0) - FILL(aborted,0)');
    expect(notEnded).toMatchObject({ threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold', evaluationPeriods: 1 });
  });

  it('watches the asynchronous endpoint and the error topic with their own dimensions', () => {
    expect(byName(alarms, `${P}-dev-endpoint-5xx-errors`).metric).toEqual({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors', dimensions: { EndpointName: 'qe-ep', VariantName: 'AllTraffic' }, stat: 'Sum', period: 300 });
    expect(byName(alarms, `${P}-dev-endpoint-backlog-size`)).toMatchObject({ threshold: 100, treatMissingData: 'missing', metric: { metricName: 'ApproximateBacklogSize', dimensions: { EndpointName: 'qe-ep' } } });
    expect(byName(alarms, `${P}-dev-error-topic-messages`).metric).toMatchObject({ namespace: 'AWS/SNS', metricName: 'NumberOfMessagesPublished', dimensions: { TopicName: 'qe-error' } });
  });

  it('before the stacks are deployed: only the release alarms, watching the whole account and region', () => {
    const bare: MonitoredEnvironment = { ...deployed, solution: { functions: [], stateMachines: [], glueJobs: [], sagemakerEndpoint: 'qe-ep', notDeployed: ['DatabaseStack', 'SageMakerStack', 'WorkflowStack'] }, functions: [] };
    const specs = alarmsOf(alarmsPart.desired({ environments: [bare] }, config, targets)).filter((spec) => spec.name.startsWith(`${P}-dev-`));
    expect(specs.map((spec) => [spec.name, spec.queries![0]!.expression])).toEqual([
      [`${P}-dev-lambda-errors`, 'SELECT SUM(Errors) FROM SCHEMA("AWS/Lambda", FunctionName)'],
      [`${P}-dev-executions-failed`, 'SELECT SUM(ExecutionsFailed) FROM SCHEMA("AWS/States", StateMachineArn)'],
    ]);
    const outputs = alarmsPart.outputs!({ environments: [bare] }, config, targets, undefined, []);
    expect(outputs.notes.join('\n')).toMatch(/not deployed in dev yet: run setup-monitoring again after the first deploy/);
    expect(outputs.notes.join('\n')).toMatch(/lambda-errors watches every Lambda function of the account and region/);
  });

  it('the deployment groups are ordered after the release alarms, by the same ids', () => {
    const group = createDeploy.desired({}, config, targets).find((item) => item.kind.kind === 'codedeploy:deployment-group')!;
    const ids = items.filter((item) => [`${P}-dev-lambda-errors`, `${P}-dev-executions-failed`].includes((item.spec as AlarmSpec).name)).map((item) => item.id);
    expect(group.after).toEqual(ids);
    expect(group.dependsOn).not.toEqual(expect.arrayContaining(ids));
  });

  it('counts alarms per account and prices the step per month', () => {
    const changes = items.map((desired): Change => ({ desired, action: 'create', diffs: [] }));
    const dashboards = [1, 2, 3, 4].map((i): Change => ({ desired: { id: `d${i}`, kind: { kind: 'cloudwatch:dashboard' } as never, spec: {}, target: dev }, action: 'create', diffs: [] }));
    const cost = monthlyCost([...changes, ...dashboards]);
    // 16 single-metric alarms + the 5 metrics of the not-ended alarm; 2 + 1 metrics analysed by the two queries
    expect(cost.lines).toEqual([
      { what: 'alarm metrics (standard resolution)', count: 6 + 3 + 5 + 3 + 1 + 5, usd: 2.3 },
      { what: 'metrics analysed by Metrics Insights alarms', count: 3, usd: 0.3 },
      { what: 'dashboards beyond 3 free per account', count: 1, usd: 3 },
    ]);
    expect(cost.total).toBe(5.6);
    const outputs = alarmsPart.outputs!({ environments: [deployed] }, config, targets, undefined, changes);
    expect(outputs.data.alarms).toEqual({ dev: { count: 16 }, shared: { count: 5 } });
    expect(outputs.notes).toContain(`dev: 16 alarm(s) to ${P}-dev-alerts (alarm and OK), 2 function(s) and 1 state machine(s) watched.`);
    expect(outputs.notes.join('\n')).toMatch(/Monthly cost of the alarms and dashboards: about \$2\.60/);
  });

  it('refuses an execution-time bound that cannot be a period', () => {
    const result = monitoringSchema.safeParse({ alarms: { executionTime: { threshold: 100 } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['alarms', 'executionTime', 'threshold'], message: expect.stringMatching(/multiple of 60/) });
  });
});
