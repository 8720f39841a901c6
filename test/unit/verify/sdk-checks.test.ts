import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { BatchGetDeploymentsCommand, CodeDeployClient, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, GetPipelineStateCommand, ListActionExecutionsCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { alarmCheck } from '../../../src/commands/verify/alarms.js';
import { deploymentCheck } from '../../../src/commands/verify/deployments.js';
import { pipelineChecks, smokeTestCheck } from '../../../src/commands/verify/pipeline.js';
import { stackChecks, stackVerdict } from '../../../src/commands/verify/stacks.js';
import { testTarget } from '../../support/target.js';

const pipelineMock = mockClient(CodePipelineClient);
const cloudformationMock = mockClient(CloudFormationClient);
const codedeployMock = mockClient(CodeDeployClient);
const cloudwatchMock = mockClient(CloudWatchClient);
const inputs = (mock: { commandCalls(command: never): { args: [{ input: unknown }] }[] }, command: unknown) =>
  mock.commandCalls(command as never).map((call) => call.args[0].input);

function serviceError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => {
  pipelineMock.reset();
  cloudformationMock.reset();
  codedeployMock.reset();
  cloudwatchMock.reset();
});

const target = testTarget();

describe('the last pipeline execution and its stages', () => {
  it('each stage of the last execution with its status; a stage it did not reach warns; approval waiting warns', async () => {
    pipelineMock.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [{ pipelineExecutionId: 'e2', status: 'InProgress' }] });
    pipelineMock.on(GetPipelineStateCommand).resolves({
      stageStates: [
        { stageName: 'Source', latestExecution: { pipelineExecutionId: 'e2', status: 'Succeeded' } },
        { stageName: 'BuildAndTest', latestExecution: { pipelineExecutionId: 'e2', status: 'Failed' } },
        { stageName: 'Approve-prod', latestExecution: { pipelineExecutionId: 'e2', status: 'InProgress' }, actionStates: [{ actionName: 'Approve', latestExecution: { token: 't' } }] },
        { stageName: 'Deploy-prod', latestExecution: { pipelineExecutionId: 'e1', status: 'Succeeded' } },
        { stageName: 'Test-prod' },
      ],
    });
    const { rows, last } = await pipelineChecks(target, 'mt-pipeline');
    expect(last).toEqual({ id: 'e2', status: 'InProgress' });
    expect(rows).toEqual([
      { check: 'pipeline mt-pipeline', status: 'warning', reason: 'last execution e2: InProgress' },
      { check: '  stage Source', status: 'ok', reason: 'Succeeded' },
      { check: '  stage BuildAndTest', status: 'failed', reason: 'Failed' },
      { check: '  stage Approve-prod', status: 'warning', reason: 'waiting for approval: mtpipe approve or the console' },
      { check: '  stage Deploy-prod', status: 'warning', reason: 'not reached by the last execution' },
      { check: '  stage Test-prod', status: 'warning', reason: 'not reached by the last execution' },
    ]);
    expect(inputs(pipelineMock, ListPipelineExecutionsCommand)).toEqual([{ pipelineName: 'mt-pipeline', maxResults: 1 }]);
    expect(inputs(pipelineMock, GetPipelineStateCommand)).toEqual([{ name: 'mt-pipeline' }]);
  });

  it('a succeeded execution is ok; a failed one fails; none yet warns; a missing pipeline fails; another error is a failed row', async () => {
    pipelineMock.on(GetPipelineStateCommand).resolves({ stageStates: [] });
    pipelineMock.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [{ pipelineExecutionId: 'e1', status: 'Succeeded' }] });
    expect((await pipelineChecks(target, 'p')).rows).toEqual([{ check: 'pipeline p', status: 'ok', reason: 'last execution e1: Succeeded' }]);
    pipelineMock.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [{ pipelineExecutionId: 'e1', status: 'Failed', statusSummary: 'build failed' }] });
    expect((await pipelineChecks(target, 'p')).rows).toEqual([{ check: 'pipeline p', status: 'failed', reason: 'last execution e1: Failed (build failed)' }]);
    pipelineMock.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [] });
    expect(await pipelineChecks(target, 'p')).toEqual({ rows: [{ check: 'pipeline p', status: 'warning', reason: 'no execution yet: push a commit to start one' }], last: undefined });
    pipelineMock.on(ListPipelineExecutionsCommand).rejects(serviceError('PipelineNotFoundException'));
    expect((await pipelineChecks(target, 'p')).rows).toEqual([{ check: 'pipeline p', status: 'failed', reason: 'does not exist: run `mtpipe create-pipeline`' }]);
    pipelineMock.on(ListPipelineExecutionsCommand).rejects(serviceError('AccessDeniedException', 'not allowed'));
    expect((await pipelineChecks(target, 'p')).rows).toEqual([{ check: 'pipeline p', status: 'failed', reason: 'could not be read: AccessDeniedException: not allowed' }]);
  });

  it("the smoke test: the Test-<env> action of the last execution (ListActionExecutions, paged)", async () => {
    pipelineMock
      .on(ListActionExecutionsCommand, { pipelineName: 'p', filter: { pipelineExecutionId: 'e1' } })
      .resolves({ actionExecutionDetails: [{ stageName: 'Deploy-dev', actionName: 'Deploy', status: 'Succeeded' }], nextToken: 'n' })
      .on(ListActionExecutionsCommand, { nextToken: 'n' })
      .resolves({ actionExecutionDetails: [{ stageName: 'Test-dev', actionName: 'Test', status: 'Failed', output: { executionResult: { externalExecutionSummary: 'smoke test failed' } } }] });
    expect(await smokeTestCheck(target, 'p', { id: 'e1', status: 'Failed' }, 'dev')).toEqual([
      { check: 'smoke test', status: 'failed', reason: 'Test-dev Test: Failed — smoke test failed' },
    ]);
    expect(inputs(pipelineMock, ListActionExecutionsCommand)).toEqual([
      { pipelineName: 'p', filter: { pipelineExecutionId: 'e1' } },
      { pipelineName: 'p', filter: { pipelineExecutionId: 'e1' }, nextToken: 'n' },
    ]);
    expect(await smokeTestCheck(target, 'p', { id: 'e1', status: 'Failed' }, 'prod')).toEqual([
      { check: 'smoke test', status: 'warning', reason: 'Test-prod was not run by the last execution (e1, Failed)' },
    ]);
    expect(await smokeTestCheck(target, 'p', undefined, 'dev')).toEqual([{ check: 'smoke test', status: 'warning', reason: 'no execution of p to read' }]);
  });

  it('a succeeded smoke test is ok', async () => {
    pipelineMock.on(ListActionExecutionsCommand).resolves({ actionExecutionDetails: [{ stageName: 'Test-dev', actionName: 'Test', status: 'Succeeded' }] });
    expect(await smokeTestCheck(target, 'p', { id: 'e1', status: 'Succeeded' }, 'dev')).toEqual([{ check: 'smoke test', status: 'ok', reason: 'Test-dev Test: Succeeded' }]);
  });
});

describe("the solution's stacks", () => {
  it('reads each stack by name: *_COMPLETE ok, ROLLBACK_COMPLETE and *_FAILED fail, *_IN_PROGRESS warns, absent fails with "deploy first"', async () => {
    cloudformationMock
      .on(DescribeStacksCommand, { StackName: 'A' })
      .resolves({ Stacks: [{ StackName: 'A', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] })
      .on(DescribeStacksCommand, { StackName: 'B' })
      .resolves({ Stacks: [{ StackName: 'B', StackStatus: 'ROLLBACK_COMPLETE', StackStatusReason: 'The following resource(s) failed to create', CreationTime: new Date() }] })
      .on(DescribeStacksCommand, { StackName: 'C' })
      .resolves({ Stacks: [{ StackName: 'C', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }] })
      .on(DescribeStacksCommand, { StackName: 'D' })
      .rejects(serviceError('ValidationError', 'Stack with id D does not exist'));
    expect(await stackChecks(target, ['A', 'B', 'C', 'D'])).toEqual([
      { check: 'stack A', status: 'ok', reason: 'UPDATE_COMPLETE' },
      { check: 'stack B', status: 'failed', reason: 'ROLLBACK_COMPLETE (The following resource(s) failed to create)' },
      { check: 'stack C', status: 'warning', reason: 'UPDATE_IN_PROGRESS' },
      { check: 'stack D', status: 'failed', reason: 'does not exist: deploy first (the pipeline deploys it)' },
    ]);
    expect(inputs(cloudformationMock, DescribeStacksCommand)).toEqual([{ StackName: 'A' }, { StackName: 'B' }, { StackName: 'C' }, { StackName: 'D' }]);
  });

  it.each([
    ['CREATE_COMPLETE', 'ok'],
    ['IMPORT_COMPLETE', 'ok'],
    ['UPDATE_ROLLBACK_COMPLETE', 'warning'],
    ['UPDATE_ROLLBACK_FAILED', 'failed'],
    ['CREATE_FAILED', 'failed'],
    ['DELETE_IN_PROGRESS', 'warning'],
    ['REVIEW_IN_PROGRESS', 'warning'],
  ])('%s is %s', (status, verdict) => {
    expect(stackVerdict(status)).toBe(verdict);
  });
});

describe('the last deployment of a deployment group', () => {
  const created = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
  it('the newest of the listed deployments decides', async () => {
    codedeployMock.on(ListDeploymentsCommand).resolves({ deployments: ['d-1', 'd-2'] });
    codedeployMock.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        { deploymentId: 'd-1', status: 'Succeeded', createTime: created(5) },
        { deploymentId: 'd-2', status: 'Failed', createTime: created(9), errorInformation: { message: 'alarm fired' }, rollbackInfo: { rollbackDeploymentId: 'd-3' } },
      ],
    });
    expect(await deploymentCheck(target, 'mt-lambda', 'mt-dev')).toEqual([
      { check: 'deployment group mt-dev', status: 'failed', reason: 'last deployment d-2: Failed (alarm fired); rolled back by d-3' },
    ]);
    expect(inputs(codedeployMock, ListDeploymentsCommand)).toEqual([{ applicationName: 'mt-lambda', deploymentGroupName: 'mt-dev' }]);
    expect(inputs(codedeployMock, BatchGetDeploymentsCommand)).toEqual([{ deploymentIds: ['d-1', 'd-2'] }]);
  });

  it('Succeeded is ok, under way warns, none yet warns, a missing group fails', async () => {
    codedeployMock.on(ListDeploymentsCommand).resolves({ deployments: ['d-1'] });
    codedeployMock.on(BatchGetDeploymentsCommand).resolves({ deploymentsInfo: [{ deploymentId: 'd-1', status: 'Succeeded', createTime: created(1) }] });
    expect(await deploymentCheck(target, 'a', 'g')).toEqual([{ check: 'deployment group g', status: 'ok', reason: 'last deployment d-1: Succeeded' }]);
    codedeployMock.on(BatchGetDeploymentsCommand).resolves({ deploymentsInfo: [{ deploymentId: 'd-1', status: 'InProgress', createTime: created(1) }] });
    expect(await deploymentCheck(target, 'a', 'g')).toEqual([{ check: 'deployment group g', status: 'warning', reason: 'last deployment d-1: InProgress' }]);
    codedeployMock.on(ListDeploymentsCommand).resolves({ deployments: [] });
    expect(await deploymentCheck(target, 'a', 'g')).toEqual([{ check: 'deployment group g', status: 'warning', reason: 'no deployment yet (`mtpipe release` makes one)' }]);
    codedeployMock.on(ListDeploymentsCommand).rejects(serviceError('DeploymentGroupDoesNotExistException'));
    expect(await deploymentCheck(target, 'a', 'g')).toEqual([{ check: 'deployment group g', status: 'failed', reason: 'does not exist: run `mtpipe create-deploy`' }]);
  });

  it('asks BatchGetDeployments 25 ids at a time', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `d-${i}`);
    codedeployMock.on(ListDeploymentsCommand).resolves({ deployments: ids });
    codedeployMock.on(BatchGetDeploymentsCommand).resolves({ deploymentsInfo: [] });
    await deploymentCheck(target, 'a', 'g');
    expect(inputs(codedeployMock, BatchGetDeploymentsCommand)).toEqual([{ deploymentIds: ids.slice(0, 25) }, { deploymentIds: ids.slice(25) }]);
  });
});

describe('alarms <project>-<env>-*', () => {
  it('pages through metric and composite alarms; one in ALARM fails naming it', async () => {
    cloudwatchMock
      .on(DescribeAlarmsCommand, { NextToken: undefined })
      .resolves({ MetricAlarms: [{ AlarmName: 'mt-dev-lambda-errors', StateValue: 'OK' }], NextToken: 'n' })
      .on(DescribeAlarmsCommand, { NextToken: 'n' })
      .resolves({ CompositeAlarms: [{ AlarmName: 'mt-dev-health', StateValue: 'ALARM' }] });
    expect(await alarmCheck(target, 'mt-dev-')).toEqual([{ check: 'alarms', status: 'failed', reason: 'in ALARM: mt-dev-health' }]);
    expect(inputs(cloudwatchMock, DescribeAlarmsCommand)).toEqual([
      { AlarmNamePrefix: 'mt-dev-', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      { AlarmNamePrefix: 'mt-dev-', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: 'n' },
    ]);
  });

  it('none in ALARM is ok (saying how many lack data); no alarm at all warns', async () => {
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK' }, { AlarmName: 'b', StateValue: 'INSUFFICIENT_DATA' }] });
    expect(await alarmCheck(target, 'mt-dev-')).toEqual([{ check: 'alarms', status: 'ok', reason: '2 not in ALARM (1 without data yet)' }]);
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({});
    expect(await alarmCheck(target, 'mt-dev-')).toEqual([{ check: 'alarms', status: 'warning', reason: 'no alarm named mt-dev-*: run `mtpipe setup-monitoring`' }]);
  });
});
