import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, GetPipelineStateCommand, ListActionExecutionsCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Targets } from '../../../src/aws/targets.js';
import { checkAll } from '../../../src/commands/verify.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';
import { change } from './fakes.js';

const pipelineMock = mockClient(CodePipelineClient);
const cloudformationMock = mockClient(CloudFormationClient);
const codedeployMock = mockClient(CodeDeployClient);
const cloudwatchMock = mockClient(CloudWatchClient);

beforeEach(() => {
  for (const mock of [pipelineMock, cloudformationMock, codedeployMock, cloudwatchMock]) mock.reset();
  pipelineMock.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [{ pipelineExecutionId: 'e1', status: 'Succeeded' }] });
  pipelineMock.on(GetPipelineStateCommand).resolves({ stageStates: [] });
  pipelineMock.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [] });
  cloudformationMock.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 's', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });
  codedeployMock.on(ListDeploymentsCommand).resolves({ deployments: [] });
  cloudwatchMock.on(DescribeAlarmsCommand).resolves({});
});

function targets(): Targets {
  const shared = testTarget();
  const dev = testTarget({ name: 'dev', account: '222222222222' });
  return { shared, environments: [dev], environmentsInToolAccount: [testTarget({ name: 'dev' })], offline: false };
}

const config = (layout: 'single' | 'per-environment') =>
  configSchema.parse({
    ...defaultConfig('us-east-1'),
    pipeline: { layout },
    environments: { dev: {} },
    ...(layout === 'per-environment' ? { source: { provider: 'codeconnections', fullRepositoryId: 'o/r' } } : {}),
  });

describe("verify's tables", () => {
  it('layout single: the pipeline in the tool account; each environment its stacks, deployment group, alarms, smoke test, its own resources', async () => {
    const tables = await checkAll(config('single'), [change('iam:role', 'mt-pipeline', 'noop'), change('ssm:parameter', '/mt-pipeline/dev/a', 'create', { env: 'dev' })], targets());
    expect(tables.map((t) => [t.name, t.account, t.rows.map((r) => `${r.check}: ${r.status}`)])).toEqual([
      ['tool account', '123456789012', ['pipeline mt-pipeline-pipeline: ok', 'roles and policies: ok']],
      [
        'dev',
        '222222222222',
        [
          'stack DatabaseStack: ok',
          'stack SageMakerStack: ok',
          'stack WorkflowStack: ok',
          'deployment group mt-pipeline-dev: warning',
          'alarms: warning',
          'smoke test: warning',
          'parameters: failed',
        ],
      ],
    ]);
    expect(pipelineMock.commandCalls(ListActionExecutionsCommand).map((call) => call.args[0].input)).toEqual([
      { pipelineName: 'mt-pipeline-pipeline', filter: { pipelineExecutionId: 'e1' } },
    ]);
  });

  it("layout per-environment: the environment's own pipeline in its table", async () => {
    const tables = await checkAll(config('per-environment'), [], targets());
    expect(tables[0]!.rows).toEqual([]);
    expect(tables[1]!.rows[0]).toEqual({ check: 'pipeline mt-pipeline-dev-pipeline', status: 'ok', reason: 'last execution e1: Succeeded' });
    expect(pipelineMock.commandCalls(ListPipelineExecutionsCommand).map((call) => call.args[0].input)).toEqual([{ pipelineName: 'mt-pipeline-dev-pipeline', maxResults: 1 }]);
  });
});
