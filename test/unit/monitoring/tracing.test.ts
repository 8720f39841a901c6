/** setup-monitoring's X-Ray part: the exact requests of the tracing update, the role policy once per role, the X-Ray group kind. */
import { GetFunctionConfigurationCommand, LambdaClient, ResourceConflictException, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateGroupCommand, GetGroupCommand, ListTagsForResourceCommand, XRayClient } from '@aws-sdk/client-xray';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { indexHolds, taggingMock } from '../aws/tagging-mock.js';
import { functionTracingKind, type FunctionTracing } from '../../../src/aws/lambda-tracing.js';
import { stateMachineTracing } from '../../../src/aws/states-tracing.js';
import { xrayGroup } from '../../../src/aws/xray-group.js';
import type { MonitoredEnvironment } from '../../../src/commands/monitoring-inputs.js';
import { tracingOf, tracingPart, workflowFilter } from '../../../src/commands/monitoring-tracing.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';
import { sentCommands } from '../aws/mock-sdk.js';
import { runThatCreated } from '../write-context.js';

const lambdaMock = mockClient(LambdaClient);
const xrayMock = mockClient(XRayClient);
const sfnMock = mockClient(SFNClient);
beforeEach(() => [lambdaMock, xrayMock, sfnMock, taggingMock].forEach((mock) => mock.reset()));

const target = testTarget({ name: 'dev' });
const FN = 'WorkflowStack-TranslationPromptGeneratorCDK1234ABCD-AbCdEf';
const spec = { functionName: FN, mode: 'Active' as const, permission: 'lambda-translation-role-cdk <- AWSXRayDaemonWriteAccess' };
const current = (lastUpdateStatus = 'Successful'): FunctionTracing => ({ arn: `arn:aws:lambda:us-east-1:123456789012:function:${FN}`, mode: 'PassThrough', lastUpdateStatus });
const serviceError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: {} });

/** A clock that moves by each sleep: waits take no time, deadlines still come. */
function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

describe('lambda:tracing (only TracingConfig, after the function settles)', () => {
  it('waits while LastUpdateStatus is InProgress, sends TracingConfig alone, and waits for its own update to finish', async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({ LastUpdateStatus: 'InProgress' })
      .resolvesOnce({ LastUpdateStatus: 'Successful' })
      .resolvesOnce({ LastUpdateStatus: 'InProgress' })
      .resolves({ LastUpdateStatus: 'Successful' });
    lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'InProgress' });
    const kind = functionTracingKind({ pollMs: 1000, ...fakeClock() });

    await kind.update(target, spec, current('InProgress'), [{ field: 'tracing', from: 'PassThrough', to: 'Active' }]);

    expect(sentCommands(lambdaMock)).toEqual([
      ['GetFunctionConfigurationCommand', { FunctionName: FN }],
      ['GetFunctionConfigurationCommand', { FunctionName: FN }],
      // nothing but TracingConfig: any other member would overwrite what CDK set
      ['UpdateFunctionConfigurationCommand', { FunctionName: FN, TracingConfig: { Mode: 'Active' } }],
      ['GetFunctionConfigurationCommand', { FunctionName: FN }],
      ['GetFunctionConfigurationCommand', { FunctionName: FN }],
    ]);
  });

  it('a function that settled: no read before the change, none after an update that finished at once', async () => {
    lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'Successful' });
    await functionTracingKind(fakeClock()).update(target, spec, current(), []);
    expect(sentCommands(lambdaMock).map(([name]) => name)).toEqual(['UpdateFunctionConfigurationCommand']);
  });

  it('retries ResourceConflictException (an update started since the plan), which the SDK and the conflict retry leave alone', async () => {
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(new ResourceConflictException({ message: 'The operation cannot be performed at this time. An update is in progress for resource', $metadata: {} }))
      .resolves({ LastUpdateStatus: 'Successful' });
    await functionTracingKind(fakeClock()).update(target, spec, current(), []);
    expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionConfigurationCommand, 2);
  });

  it('gives up at its deadline when the function stays InProgress', async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'InProgress' });
    const kind = functionTracingKind({ timeoutMs: 10_000, pollMs: 1000, ...fakeClock() });
    await expect(kind.update(target, spec, current('InProgress'), [])).rejects.toThrow(/still being updated \(LastUpdateStatus InProgress\) after 10 s/);
    expect(lambdaMock).not.toHaveReceivedCommand(UpdateFunctionConfigurationCommand);
  });

  it('missing X-Ray rights are waited for only when this run attached the policy', async () => {
    const refused = serviceError('InvalidParameterValueException', 'The provided execution role does not have permissions to call PutTraceSegments on XRAY');
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(refused).resolves({ LastUpdateStatus: 'Successful' });
    const context = runThatCreated(`iam:role-policy-attachment ${spec.permission}`);
    await functionTracingKind(fakeClock()).update(target, spec, current(), [], context);
    expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionConfigurationCommand, 2);
    expect(context.waits.map(([reason]) => reason)).toEqual(['waiting for IAM to propagate']);

    lambdaMock.reset();
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(refused);
    await expect(functionTracingKind(fakeClock()).update(target, spec, current(), [], runThatCreated())).rejects.toThrow('PutTraceSegments');
    expect(lambdaMock).toHaveReceivedCommandTimes(UpdateFunctionConfigurationCommand, 1);
  });

  it('compares the mode only, and blocks a function that is gone', () => {
    const kind = functionTracingKind();
    expect(kind.diff({ ...current(), mode: 'Active' }, spec)).toEqual([]);
    expect(kind.diff(current(), spec)).toEqual([{ field: 'tracing', from: 'PassThrough', to: 'Active' }]);
    expect(kind.check?.(undefined, spec)).toMatch(/does not exist/);
    // the function is CDK's: no tags, so the plan's tag rule does not hold the change back
    expect(kind.tagsOf).toBeUndefined();
    expect(kind.planNote).toMatch(/outside CloudFormation: a later `cdk deploy` resets/);
  });
});

const config = configSchema.parse(defaultConfig('us-east-1'));
const fn = (name: string, role: string) => ({ name, arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, timeoutSeconds: 60, roleArn: `arn:aws:iam::123456789012:role/${role}`, tracingMode: 'PassThrough', lastUpdateStatus: 'Successful' });
const MACHINE = { name: 'BatchMachineTranslationStateMachineCDK', arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:BatchMachineTranslationStateMachineCDK' };
const environment: MonitoredEnvironment = {
  target,
  solution: { functions: [], stateMachines: [MACHINE], glueJobs: [] },
  functions: [fn('b-fn', 'lambda-translation-role-cdk'), fn('a-fn', 'lambda-translation-role-cdk'), fn('QualityEstimationNotificationCDK', 'lambda-quality-estimation-role-cdk')],
  read: true,
};

describe('tracingOf', () => {
  it('one X-Ray policy attachment per role, each function after its role, the state machine read, one group', () => {
    const items = tracingOf(config, environment);
    expect(items.map((item) => [item.kind.kind, item.kind.name(item.spec), item.dependsOn])).toEqual([
      ['iam:role-policy-attachment', 'lambda-translation-role-cdk <- AWSXRayDaemonWriteAccess', []],
      ['lambda:tracing', 'b-fn', ['dev/iam:role-policy-attachment/lambda-translation-role-cdk <- AWSXRayDaemonWriteAccess']],
      ['lambda:tracing', 'a-fn', ['dev/iam:role-policy-attachment/lambda-translation-role-cdk <- AWSXRayDaemonWriteAccess']],
      ['iam:role-policy-attachment', 'lambda-quality-estimation-role-cdk <- AWSXRayDaemonWriteAccess', []],
      ['lambda:tracing', 'QualityEstimationNotificationCDK', ['dev/iam:role-policy-attachment/lambda-quality-estimation-role-cdk <- AWSXRayDaemonWriteAccess']],
      ['states:tracing', MACHINE.name, []],
      ['xray:group', 'mt-pipeline-dev-workflow', []],
    ]);
    expect(items[0]!.spec).toEqual({ roleName: 'lambda-translation-role-cdk', policyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess' });
    expect(items.at(-1)!.spec).toEqual({
      name: 'mt-pipeline-dev-workflow',
      filterExpression: 'service("BatchMachineTranslationStateMachineCDK") OR service("QualityEstimationNotificationCDK") OR service("a-fn") OR service("b-fn")',
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' },
    });
  });

  it('offline (nothing read) plans no tracing; monitoring.tracing.enabled false plans none at all', () => {
    expect(tracingOf(config, { ...environment, functions: [], read: false })).toEqual([]);
    const off = configSchema.parse({ ...defaultConfig('us-east-1'), monitoring: { tracing: { enabled: false } } });
    expect(tracingPart.desired({ environments: [environment] }, off, undefined as never)).toEqual([]);
    expect(tracingPart.outputs!({ environments: [environment] }, off, undefined as never, undefined, []).notes[0]).toMatch(/stays as it is/);
  });

  it('workflowFilter quotes names as JSON strings', () => {
    expect(workflowFilter(['m'], ['x"y'])).toBe('service("m") OR service("x\\"y")');
  });

  it('reports a state machine without tracing as an action, never as a write', () => {
    const changes = tracingOf(config, environment).map((desired) => ({
      desired,
      action: 'noop' as const,
      diffs: [],
      current: desired.kind === stateMachineTracing ? { enabled: false, roleArn: 'r' } : undefined,
    }));
    const out = tracingPart.outputs!({ environments: [environment] }, config, undefined as never, [], changes);
    expect(out.actions).toEqual([expect.stringContaining('State machine BatchMachineTranslationStateMachineCDK (dev) has X-Ray tracing off')]);
  });
});

describe('states:tracing', () => {
  it('reads tracingConfiguration.enabled and never plans a change', async () => {
    sfnMock.on(DescribeStateMachineCommand).resolves({ tracingConfiguration: { enabled: true }, roleArn: 'arn:aws:iam::123456789012:role/sfn' } as never);
    const found = await stateMachineTracing.find(target, MACHINE);
    expect(found).toEqual({ enabled: true, roleArn: 'arn:aws:iam::123456789012:role/sfn' });
    expect(sfnMock).toHaveReceivedCommandWith(DescribeStateMachineCommand, { stateMachineArn: MACHINE.arn });
    expect(stateMachineTracing.diff({ enabled: false, roleArn: undefined }, MACHINE)).toEqual([]);
  });
});

describe('xray:group', () => {
  const group = { name: 'mt-pipeline-dev-workflow', filterExpression: 'service("m")', tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' } };
  const ARN = 'arn:aws:xray:us-east-1:123456789012:group/mt-pipeline-dev-workflow/ABC';

  it('a group that does not exist is undefined; one that does is read with its tags', async () => {
    xrayMock.on(GetGroupCommand).rejectsOnce(serviceError('InvalidRequestException', 'Group not found'));
    expect(await xrayGroup.find(target, group)).toBeUndefined();
    xrayMock.on(GetGroupCommand).resolves({ Group: { GroupName: group.name, GroupARN: ARN, FilterExpression: 'service("m")' } });
    xrayMock.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'mtpipe:project', Value: 'mt-pipeline' }] });
    expect(await xrayGroup.find(target, group)).toEqual({ arn: ARN, filterExpression: 'service("m")', tags: { 'mtpipe:project': 'mt-pipeline' } });
    expect(sentCommands(xrayMock)).toEqual([
      ['GetGroupCommand', { GroupName: group.name }],
      ['GetGroupCommand', { GroupName: group.name }],
      ['ListTagsForResourceCommand', { ResourceARN: ARN }],
    ]);
  });

  it('takes the tags from the project\'s index when it holds the group: no ListTagsForResource', async () => {
    indexHolds({ [ARN]: group.tags });
    xrayMock.on(GetGroupCommand).resolves({ Group: { GroupName: group.name, GroupARN: ARN, FilterExpression: 'service("m")' } });
    expect(await xrayGroup.find(testTarget(), group)).toEqual({ arn: ARN, filterExpression: 'service("m")', tags: group.tags });
    expect(sentCommands(xrayMock)).toEqual([['GetGroupCommand', { GroupName: group.name }]]);
  });

  it('creates with name, filter and tags; updates the filter alone (insights stay) and adds missing tags', async () => {
    xrayMock.on(CreateGroupCommand).resolves({ Group: { GroupARN: ARN } });
    expect(await xrayGroup.create(target, group)).toEqual({ arn: ARN });
    const current = { arn: ARN, filterExpression: 'service("old")', tags: { 'mtpipe:project': 'mt-pipeline' } };
    await xrayGroup.update(target, group, current, xrayGroup.diff(current, group));
    expect(sentCommands(xrayMock)).toEqual([
      ['CreateGroupCommand', { GroupName: group.name, FilterExpression: 'service("m")', Tags: [{ Key: 'mtpipe:project', Value: 'mt-pipeline' }, { Key: 'mtpipe:env', Value: 'dev' }] }],
      ['UpdateGroupCommand', { GroupARN: ARN, FilterExpression: 'service("m")' }],
      ['TagResourceCommand', { ResourceARN: ARN, Tags: [{ Key: 'mtpipe:env', Value: 'dev' }] }],
    ]);
    expect(xrayGroup.diff({ ...current, filterExpression: 'service("m")', tags: group.tags }, group)).toEqual([]);
  });

  it('"Group already exists" is its own lost create; other invalid requests are not; names over 32 characters are refused', () => {
    expect(xrayGroup.alreadyExists?.(serviceError('InvalidRequestException', 'Group already exists'))).toBe(true);
    expect(xrayGroup.alreadyExists?.(serviceError('InvalidRequestException', 'Invalid filter expression'))).toBe(false);
    expect(xrayGroup.check?.(undefined, { ...group, name: 'x'.repeat(33) })).toMatch(/at most 32 characters/);
    expect(xrayGroup.check?.(undefined, group)).toBeUndefined();
  });
});

describe('lambda:tracing when Lambda cannot apply the change', () => {
  it('an update of its own that ends Failed is an error naming the reason', async () => {
    lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'InProgress' });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'Failed', LastUpdateStatusReason: 'KMS key is disabled' });
    await expect(functionTracingKind(fakeClock()).update(target, spec, current(), [])).rejects.toThrow(/could not apply the tracing change to .*: KMS key is disabled/);
  });
});
