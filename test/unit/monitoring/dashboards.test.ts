import { describe, expect, it } from 'vitest';
import type { Targets } from '../../../src/aws/targets.js';
import { dashboardsPart } from '../../../src/commands/monitoring-dashboards.js';
import { environmentAlarms } from '../../../src/commands/monitoring-alarms.js';
import type { MonitoredEnvironment, MonitoringInputs } from '../../../src/commands/monitoring-inputs.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import type { Desired } from '../../../src/engine/types.js';
import type { DashboardBody, Widget } from '../../../src/templates/dashboard-widgets.js';
import { testTarget } from '../../support/target.js';

const config: Config = configSchema.parse(defaultConfig('us-east-1'));
const shared = testTarget();
const dev = testTarget({ name: 'dev', region: 'eu-west-1', account: '222222222222' });
const targets: Targets = { shared, environments: [dev], environmentsInToolAccount: [testTarget({ name: 'dev' })], offline: false };
const MACHINE_ARN = 'arn:aws:states:eu-west-1:222222222222:stateMachine:BatchMachineTranslationStateMachineCDK';

const fn = (name: string, logicalId: string) => ({ name, logicalId, stack: 'WorkflowStack' });
const configuration = (name: string) => ({ name, arn: `arn:aws:lambda:eu-west-1:222222222222:function:${name}`, timeoutSeconds: 3, roleArn: 'r', tracingMode: 'PassThrough', lastUpdateStatus: 'Successful' });

function environment(overrides: Partial<MonitoredEnvironment> = {}): MonitoredEnvironment {
  return {
    target: dev,
    solution: {
      functions: [fn('WorkflowStack-Prompt-1A2B', 'TranslationPromptGeneratorCDK1A2B3C4D'), fn('QualityEstimationNotificationCDK', 'QualityEstimationNotificationLambdaCDK5E6F7A8B')],
      stateMachines: [{ name: 'BatchMachineTranslationStateMachineCDK', arn: MACHINE_ARN }],
      glueJobs: [{ name: 'translation-results-processor' }],
      sagemakerEndpoint: 'mt-pipeline-dev-qe-endpoint',
      notDeployed: [],
    },
    functions: [configuration('WorkflowStack-Prompt-1A2B'), configuration('QualityEstimationNotificationCDK')],
    errorTopic: 'mt-pipeline-dev-qe-topic-error',
    read: true,
    ...overrides,
  } as MonitoredEnvironment;
}

function bodies(env: MonitoredEnvironment, cfg: Config = config): Record<string, DashboardBody> {
  const inputs: MonitoringInputs = { environments: [env] };
  const items = dashboardsPart.desired(inputs, cfg, targets).filter((item: Desired) => item.kind.kind === 'cloudwatch:dashboard');
  return Object.fromEntries(items.map((item) => [(item.spec as { name: string }).name, JSON.parse(JSON.stringify((item.spec as { body: DashboardBody }).body)) as DashboardBody]));
}

/** Every value a metric line names for `dimension`, over all widgets. */
function dimensionValues(body: DashboardBody, dimension: string): string[] {
  return body.widgets.flatMap((w: Widget) =>
    w.type === 'metric' ? w.properties.metrics.flatMap((line) => line.flatMap((item, i) => (item === dimension && i >= 2 ? [line[i + 1] as string] : []))) : [],
  );
}

describe('the dashboards of setup-monitoring', () => {
  it('health: its golden structure, every widget in the environment region, naming only resources discovery found', () => {
    const health = bodies(environment())['mt-pipeline-dev-health']!;
    expect(health.widgets.map((w) => [w.type, 'title' in w.properties ? w.properties.title : '', w.x, w.y, w.width, w.height])).toEqual([
      ['text', '', 0, 0, 24, 2],
      ['alarm', 'Alarms', 0, 2, 24, 6],
      ['metric', 'Lambda errors', 0, 8, 8, 6],
      ['metric', 'Lambda throttles', 8, 8, 8, 6],
      ['metric', 'Lambda duration, maximum (ms)', 16, 8, 8, 6],
      ['metric', 'BatchMachineTranslationStateMachineCDK: executions by status', 0, 14, 12, 6],
      ['metric', 'BatchMachineTranslationStateMachineCDK: execution time (ms)', 12, 14, 12, 6],
      ['metric', 'mt-pipeline-dev-qe-endpoint: backlog', 0, 20, 12, 6],
      ['metric', 'mt-pipeline-dev-qe-endpoint: errors', 12, 20, 12, 6],
      ['metric', 'Glue translation-results-processor: tasks', 0, 26, 12, 6],
    ]);
    expect(health.widgets[2]).toEqual({
      type: 'metric',
      x: 0,
      y: 8,
      width: 8,
      height: 6,
      properties: {
        title: 'Lambda errors',
        region: 'eu-west-1',
        view: 'timeSeries',
        stacked: false,
        stat: 'Sum',
        period: 300,
        metrics: [
          ['AWS/Lambda', 'Errors', 'FunctionName', 'WorkflowStack-Prompt-1A2B', { stat: 'Sum', label: 'WorkflowStack-Prompt-1A2B' }],
          ['AWS/Lambda', 'Errors', 'FunctionName', 'QualityEstimationNotificationCDK', { stat: 'Sum', label: 'QualityEstimationNotificationCDK' }],
        ],
      },
    });
    expect(health.widgets[9]!.properties).toMatchObject({
      metrics: [
        ['Glue', 'glue.driver.aggregate.numCompletedTasks', 'JobName', 'translation-results-processor', 'JobRunId', 'ALL', 'Type', 'count', { stat: 'Sum', label: 'completed' }],
        ['Glue', 'glue.driver.aggregate.numFailedTasks', 'JobName', 'translation-results-processor', 'JobRunId', 'ALL', 'Type', 'count', { stat: 'Sum', label: 'failed' }],
      ],
    });
    expect(health.widgets.filter((w) => w.type === 'metric').every((w) => w.type === 'metric' && w.properties.region === 'eu-west-1')).toBe(true);
    expect(new Set(dimensionValues(health, 'FunctionName'))).toEqual(new Set(['WorkflowStack-Prompt-1A2B', 'QualityEstimationNotificationCDK']));
    expect(new Set(dimensionValues(health, 'StateMachineArn'))).toEqual(new Set([MACHINE_ARN]));
    expect(new Set(dimensionValues(health, 'EndpointName'))).toEqual(new Set(['mt-pipeline-dev-qe-endpoint']));
    expect(new Set(dimensionValues(health, 'JobName'))).toEqual(new Set(['translation-results-processor']));
    const alarms = health.widgets[1]!;
    expect(alarms.type === 'alarm' && alarms.properties.alarms).toEqual(
      environmentAlarms(config, environment()).map(({ name }) => `arn:aws:cloudwatch:eu-west-1:222222222222:alarm:${name}`),
    );
  });

  it('health: a function discovery lists but that no longer exists is not charted; nothing of stacks not deployed', () => {
    const gone = environment({ functions: [configuration('QualityEstimationNotificationCDK')] });
    expect(new Set(dimensionValues(bodies(gone)['mt-pipeline-dev-health']!, 'FunctionName'))).toEqual(new Set(['QualityEstimationNotificationCDK']));
    const nothing = environment({
      solution: { functions: [], stateMachines: [], glueJobs: [], sagemakerEndpoint: 'mt-pipeline-dev-qe-endpoint', notDeployed: ['DatabaseStack', 'SageMakerStack', 'WorkflowStack'] },
      functions: [],
    });
    const { 'mt-pipeline-dev-health': health, 'mt-pipeline-dev-quality': quality } = bodies(nothing);
    expect(health!.widgets.filter((w) => w.type === 'metric')).toEqual([]);
    // no quality metric without the state machine its dimension names; Bedrock models are configured
    expect(quality!.widgets.filter((w) => w.type === 'metric').map((w) => ('title' in w.properties ? w.properties.title : ''))).toEqual([
      'Bedrock invocation latency, p90 (ms)',
      'Bedrock input tokens',
      'Bedrock output tokens',
      'Bedrock invocation throttles',
    ]);
  });

  it('quality: the score percentiles and average, the share at or below the threshold (PR), Bedrock per model, records per execution', () => {
    const quality = bodies(environment())['mt-pipeline-dev-quality']!;
    const score = quality.widgets[1]!;
    expect(score.type === 'metric' && score.properties.metrics).toEqual(
      [['p10', 'p10'], ['p50', 'median'], ['p90', 'p90'], ['Average', 'average']].map(([stat, label]) => [
        'MachineTranslation',
        'QualityScore',
        'StateMachine',
        'BatchMachineTranslationStateMachineCDK',
        { stat, label },
      ]),
    );
    const share = quality.widgets[2]!;
    expect(share.type === 'metric' && share.properties).toMatchObject({ title: 'Records scoring ≤ 0.7 (%)', stat: 'PR(:0.7)' });
    expect(dimensionValues(quality, 'ModelId')).toEqual(Array(4).fill(['us.amazon.nova-pro-v1:0', 'amazon.titan-embed-text-v2:0']).flat());
    const records = quality.widgets.find((w) => w.type === 'log')!;
    expect(records.type === 'log' && records.properties.query).toBe(
      "SOURCE '/aws/lambda/QualityEstimationNotificationCDK' | filter ispresent(QualityScore)\n| stats count(*) as records, avg(QualityScore) as averageScore by executionName\n| sort records desc\n| limit 50",
    );
    const other = configSchema.parse({ ...defaultConfig('us-east-1'), monitoring: { qualityMetric: { dimensions: ['Project', 'Environment'], lowScoreThreshold: 0.5 } } });
    const line = (bodies(environment(), other)['mt-pipeline-dev-quality']!.widgets[2] as Extract<Widget, { type: 'metric' }>).properties.metrics[0];
    expect(line).toEqual(['MachineTranslation', 'QualityScore', 'Project', 'mt-pipeline', 'Environment', 'dev', { stat: 'PR(:0.5)', label: 'low-score share' }]);
  });

  it('pipeline: Logs Insights over the events log group, builds per mtpipe project, in the tool region', () => {
    const pipeline = bodies(environment())['mt-pipeline-pipeline']!;
    const logs = pipeline.widgets.filter((w) => w.type === 'log');
    expect(logs.map((w) => w.type === 'log' && [w.properties.title, w.properties.region, w.properties.query.split(' | ')[0]])).toEqual([
      ['Executions per day', 'us-east-1', "SOURCE '/aws/events/mt-pipeline-pipeline'"],
      ['Stage duration (seconds)', 'us-east-1', "SOURCE '/aws/events/mt-pipeline-pipeline'"],
      ['Last successful deploy per environment', 'us-east-1', "SOURCE '/aws/events/mt-pipeline-pipeline'"],
    ]);
    const alarms = pipeline.widgets.find((w) => w.type === 'alarm');
    expect(alarms?.type === 'alarm' && alarms.properties.alarms).toEqual(
      ['build-and-test', 'cdk-deploy-dev', 'integration-test-dev', 'cdk-deploy-prod', 'integration-test-prod'].map(
        (what) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:mt-pipeline-pipeline-${what}-failed`,
      ),
    );
    expect(new Set(dimensionValues(pipeline, 'ProjectName'))).toEqual(
      new Set(['mt-pipeline-build-and-test', 'mt-pipeline-cdk-deploy-dev', 'mt-pipeline-integration-test-dev', 'mt-pipeline-cdk-deploy-prod', 'mt-pipeline-integration-test-prod']),
    );
  });

  it('records the pipelines\' events: the rule targets the log group, the Logs policy lets only that rule write', () => {
    const items = dashboardsPart.desired({ environments: [] }, config, targets);
    const rule = items.find((item) => item.kind.kind === 'events:rule')!;
    expect(rule.dependsOn).toEqual(['shared/logs:log-group//aws/events/mt-pipeline-pipeline', 'shared/logs:resource-policy/mt-pipeline-pipeline-events']);
    expect(rule.spec).toMatchObject({
      name: 'mt-pipeline-pipeline-events',
      eventPattern: {
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Pipeline Execution State Change', 'CodePipeline Stage Execution State Change'],
        resources: ['arn:aws:codepipeline:us-east-1:123456789012:mt-pipeline-pipeline'],
      },
      targets: [{ Id: 'log-group', Arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/mt-pipeline-pipeline' }],
    });
    const policy = items.find((item) => item.kind.kind === 'logs:resource-policy')!;
    expect(policy.spec).toMatchObject({
      statements: [{ Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/mt-pipeline-pipeline-events' } } }],
    });
  });

  it('outputs: console links (partition-aware host) and the number of dashboards', () => {
    const out = dashboardsPart.outputs!({ environments: [environment()] }, config, targets, undefined, []);
    expect(out.data.dashboardCount).toBe(3);
    expect(out.notes).toContain('Dashboard mt-pipeline-dev-health: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/mt-pipeline-dev-health');
    const china = testTarget({ name: 'dev', region: 'cn-north-1', partition: 'aws-cn' });
    const cn = dashboardsPart.outputs!({ environments: [environment({ target: china })] }, config, { ...targets, environments: [china] }, undefined, []);
    expect(cn.notes).toContain('Dashboard mt-pipeline-dev-quality: https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#dashboards/dashboard/mt-pipeline-dev-quality');
    const later = dashboardsPart.outputs!({ environments: [environment({ solution: { ...environment().solution, notDeployed: ['SageMakerStack'] } })] }, config, targets, undefined, []);
    expect(later.notes.at(-1)).toMatch(/dev: stacks SageMakerStack are not deployed yet; their resources join the health and quality dashboards/);
  });
});
