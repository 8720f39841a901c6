import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { detectStackDrift } from '../../../src/aws/cloudformation-drift.js';
import { testTarget } from '../../support/target.js';

const cloudformationMock = mockClient(CloudFormationClient);
const inputs = (command: unknown) => cloudformationMock.commandCalls(command as never).map((call) => (call.args[0] as { input: unknown }).input);
const target = testTarget({ name: 'dev' });

/** A clock that moves only when the detection sleeps. */
function clock() {
  let now = 0;
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms: number) => { slept.push(ms); now += ms; }, slept };
}

beforeEach(() => cloudformationMock.reset());

describe('CloudFormation drift detection of one stack', () => {
  it('starts it, polls the status until done, and lists the MODIFIED and DELETED resources (paged)', async () => {
    cloudformationMock.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'det-1' });
    cloudformationMock
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolvesOnce({ StackId: 's', StackDriftDetectionId: 'det-1', DetectionStatus: 'DETECTION_IN_PROGRESS', Timestamp: new Date() })
      .resolves({ StackId: 's', StackDriftDetectionId: 'det-1', DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'DRIFTED', Timestamp: new Date() });
    cloudformationMock
      .on(DescribeStackResourceDriftsCommand, { NextToken: undefined })
      .resolves({
        StackResourceDrifts: [
          {
            StackId: 's',
            LogicalResourceId: 'QualityEstimationCDK1A2B3C4D',
            PhysicalResourceId: 'WorkflowStack-QualityEstimation-x',
            ResourceType: 'AWS::Lambda::Function',
            StackResourceDriftStatus: 'MODIFIED',
            PropertyDifferences: [{ PropertyPath: '/TracingConfig/Mode', ExpectedValue: 'PassThrough', ActualValue: 'Active', DifferenceType: 'NOT_EQUAL' }],
            Timestamp: new Date(),
          },
        ],
        NextToken: 'n',
      })
      .on(DescribeStackResourceDriftsCommand, { NextToken: 'n' })
      .resolves({ StackResourceDrifts: [{ StackId: 's', LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic', StackResourceDriftStatus: 'DELETED', Timestamp: new Date() }] });
    const time = clock();

    const report = await detectStackDrift(target, 'WorkflowStack', { ...time, pollIntervalMs: 1000 });
    expect(report).toEqual({
      stack: 'WorkflowStack',
      status: 'DRIFTED',
      resources: [
        {
          logicalId: 'QualityEstimationCDK1A2B3C4D',
          physicalId: 'WorkflowStack-QualityEstimation-x',
          type: 'AWS::Lambda::Function',
          status: 'MODIFIED',
          differences: [{ path: '/TracingConfig/Mode', expected: 'PassThrough', actual: 'Active', type: 'NOT_EQUAL' }],
        },
        { logicalId: 'Topic', type: 'AWS::SNS::Topic', status: 'DELETED', differences: [] },
      ],
    });
    expect(inputs(DetectStackDriftCommand)).toEqual([{ StackName: 'WorkflowStack' }]);
    expect(inputs(DescribeStackDriftDetectionStatusCommand)).toEqual([{ StackDriftDetectionId: 'det-1' }, { StackDriftDetectionId: 'det-1' }]);
    expect(inputs(DescribeStackResourceDriftsCommand)).toEqual([
      { StackName: 'WorkflowStack', StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'] },
      { StackName: 'WorkflowStack', StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'], NextToken: 'n' },
    ]);
    expect(time.slept).toEqual([1000]);
  });

  it('IN_SYNC lists no resources', async () => {
    cloudformationMock.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'det-1' });
    cloudformationMock.on(DescribeStackDriftDetectionStatusCommand).resolves({ StackId: 's', StackDriftDetectionId: 'det-1', DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'IN_SYNC', Timestamp: new Date() });
    expect(await detectStackDrift(target, 'A')).toEqual({ stack: 'A', status: 'IN_SYNC', resources: [] });
    expect(inputs(DescribeStackResourceDriftsCommand)).toEqual([]);
  });

  it('gives up at the deadline', async () => {
    cloudformationMock.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'det-1' });
    cloudformationMock.on(DescribeStackDriftDetectionStatusCommand).resolves({ StackId: 's', StackDriftDetectionId: 'det-1', DetectionStatus: 'DETECTION_IN_PROGRESS', Timestamp: new Date() });
    const time = clock();
    expect(await detectStackDrift(target, 'A', { ...time, timeoutMs: 10_000, pollIntervalMs: 3000 })).toEqual({
      stack: 'A',
      status: 'FAILED',
      reason: 'drift detection det-1 did not finish within 10 s',
      resources: [],
    });
    expect(time.slept).toEqual([3000, 3000, 3000, 3000]);
  });

  it('a stack not deployed yet is NOT_DEPLOYED; a failed detection says why', async () => {
    cloudformationMock.on(DetectStackDriftCommand).rejects(Object.assign(new Error('Stack [A] does not exist'), { name: 'ValidationError' }));
    expect(await detectStackDrift(target, 'A')).toEqual({ stack: 'A', status: 'NOT_DEPLOYED', resources: [] });
    cloudformationMock.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'det-2' });
    cloudformationMock
      .on(DescribeStackDriftDetectionStatusCommand)
      .resolves({ StackId: 's', StackDriftDetectionId: 'det-2', DetectionStatus: 'DETECTION_FAILED', DetectionStatusReason: 'Failed to detect drift on resource [X]', StackDriftStatus: 'UNKNOWN', Timestamp: new Date() });
    expect(await detectStackDrift(target, 'A')).toEqual({ stack: 'A', status: 'FAILED', reason: 'Failed to detect drift on resource [X]', resources: [] });
  });
});
