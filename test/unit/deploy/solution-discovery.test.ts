import { ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  discoveredSoFar,
  discoverSolution,
  isCdkFrameworkFunction,
  lookupFunction,
  solutionStack,
  stackNotFound,
} from '../../../src/aws/solution-discovery.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { MtpipeError } from '../../../src/errors.js';
import { testTarget } from '../../support/target.js';
import { cloudformationMock, resetDeployMocks, sentCommands, serviceError } from './mock-sdk.js';

const ROTATION_ARN = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MtStack-Rotation-1Q2W/00000000-0000-11ef-9a1b-0a1b2c3d4e5f';
const NESTED_ARN = 'arn:aws:cloudformation:us-east-1:123456789012:stack/MtStack-QualityNested1A2B-XYZ/4f5e6d70-0000-11ef-9a1b-0a1b2c3d4e5f';

function config(solution: Record<string, unknown>): Config {
  return configSchema.parse({ ...defaultConfig('us-east-1'), solution });
}

const summary = (LogicalResourceId: string, ResourceType: string, PhysicalResourceId: string, ResourceStatus = 'CREATE_COMPLETE'): StackResourceSummary =>
  ({ LogicalResourceId, ResourceType, PhysicalResourceId, ResourceStatus, LastUpdatedTimestamp: new Date(0) }) as StackResourceSummary;

/** The sample solution's main stack over two pages, with a nested stack and the CDK's own helper functions. */
function solutionAccount(): void {
  cloudformationMock
    .on(ListStackResourcesCommand, { StackName: 'MtStack', NextToken: undefined })
    .resolves({
      StackResourceSummaries: [
        summary('TranslationPromptGeneratorCDK', 'AWS::Lambda::Function', 'MtStack-TranslationPromptGeneratorCDK4E8F-aB3dE5fG7hJ9'),
        summary('CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F', 'AWS::Lambda::Function', 'MtStack-CustomS3AutoDeleteObj-x1'),
        summary('LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a', 'AWS::Lambda::Function', 'MtStack-LogRetentionaae0aa3c5b-x2'),
        summary('TranslationStateMachine', 'AWS::StepFunctions::StateMachine', 'arn:aws:states:us-east-1:123456789012:stateMachine:TranslationStateMachine-Ab12'),
        summary('GoneFunction', 'AWS::Lambda::Function', 'MtStack-Gone-1', 'DELETE_COMPLETE'),
      ],
      NextToken: 'page-2',
    })
    .on(ListStackResourcesCommand, { StackName: 'MtStack', NextToken: 'page-2' })
    .resolves({
      StackResourceSummaries: [
        summary('QualityNestedStackQualityNestedStackResource1A2B3C4D', 'AWS::CloudFormation::Stack', NESTED_ARN),
        // the secret rotation of a HostedRotation: a nested stack the SecretsManager transform adds, not the app's
        summary('AuroraCredentialsRotationSchedule8F3D2B1ARotationLambda', 'AWS::CloudFormation::Stack', ROTATION_ARN),
        summary('QeEndpoint', 'AWS::SageMaker::Endpoint', 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/mt-pipeline-dev-qe-endpoint'),
      ],
    })
    .on(ListStackResourcesCommand, { StackName: NESTED_ARN })
    .resolves({
      StackResourceSummaries: [
        summary('QualityAssessmentCDK', 'AWS::Lambda::Function', 'MtStack-QualityNested-QualityAssessmentCDK-k9L8'),
        summary('TranslationGlueJob', 'AWS::Glue::Job', 'TranslationGlueJob-q7W2'),
      ],
    });
}

beforeEach(() => resetDeployMocks());

describe('discoverSolution', () => {
  it('reads each stack page by page, nested stacks included, and maps what the solution is made of', async () => {
    solutionAccount();
    const target = testTarget({ name: 'dev' });

    const found = await discoverSolution(target, config({ stacks: ['MtStack'] }));
    expect(found).toStrictEqual({
      functions: [
        { name: 'MtStack-TranslationPromptGeneratorCDK4E8F-aB3dE5fG7hJ9', logicalId: 'TranslationPromptGeneratorCDK', stack: 'MtStack' },
        { name: 'MtStack-QualityNested-QualityAssessmentCDK-k9L8', logicalId: 'QualityAssessmentCDK', stack: 'MtStack-QualityNested1A2B-XYZ' },
      ],
      stateMachines: [
        {
          name: 'TranslationStateMachine-Ab12',
          logicalId: 'TranslationStateMachine',
          stack: 'MtStack',
          arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:TranslationStateMachine-Ab12',
        },
      ],
      glueJobs: [{ name: 'TranslationGlueJob-q7W2', logicalId: 'TranslationGlueJob', stack: 'MtStack-QualityNested1A2B-XYZ' }],
      sagemakerEndpoint: 'mt-pipeline-dev-qe-endpoint',
    });
    expect(sentCommands(cloudformationMock)).toStrictEqual([
      ['ListStackResourcesCommand', { StackName: 'MtStack', NextToken: undefined }],
      ['ListStackResourcesCommand', { StackName: 'MtStack', NextToken: 'page-2' }],
      ['ListStackResourcesCommand', { StackName: NESTED_ARN, NextToken: undefined }],
    ]);
  });

  it('reads a stack once per run, account and region, however many steps and environments ask', async () => {
    solutionAccount();
    const target = testTarget({ name: 'dev' });
    const cfg = config({ stacks: ['MtStack'] });

    await Promise.all([discoverSolution(target, cfg), discoverSolution(target, cfg), solutionStack.find(target, { name: 'MtStack' })]);
    expect(cloudformationMock).toHaveReceivedCommandTimes(ListStackResourcesCommand, 3);
    // another environment in the same account and region (the same clients) gets the same answer
    const prod = await discoverSolution({ ...target, name: 'prod' }, cfg);
    expect(prod.functions.length).toBeGreaterThan(0);
    expect(cloudformationMock).toHaveReceivedCommandTimes(ListStackResourcesCommand, 3);
    // an environment with clients of its own (its own role, or region) reads for itself
    await discoverSolution(testTarget({ name: 'prod' }), cfg);
    expect(cloudformationMock).toHaveReceivedCommandTimes(ListStackResourcesCommand, 6);
  });

  it('takes each kind from config when config names any: physical names, or logical id → name', async () => {
    solutionAccount();
    const target = testTarget({ name: 'dev', region: 'eu-west-1', account: '111111111111' });

    const found = await discoverSolution(
      target,
      config({
        stacks: ['MtStack'],
        lambdaFunctions: { TranslationPromptGeneratorCDK: 'prompt-generator' },
        stateMachines: ['translation-flow'],
        sagemakerEndpoint: 'QE-Endpoint',
      }),
    );
    expect(found.functions).toStrictEqual([{ name: 'prompt-generator', logicalId: 'TranslationPromptGeneratorCDK' }]);
    expect(found.stateMachines).toStrictEqual([{ name: 'translation-flow', arn: 'arn:aws:states:eu-west-1:111111111111:stateMachine:translation-flow' }]);
    expect(found.glueJobs).toStrictEqual([{ name: 'TranslationGlueJob-q7W2', logicalId: 'TranslationGlueJob', stack: 'MtStack-QualityNested1A2B-XYZ' }]);
    expect(found.sagemakerEndpoint).toBe('QE-Endpoint');
  });

  it('without stacks reads nothing and returns what config names', async () => {
    const found = await discoverSolution(testTarget({ name: 'dev' }), config({ stacks: [], lambdaFunctions: ['fn-a', 'fn-b'] }));
    expect(found).toStrictEqual({ functions: [{ name: 'fn-a' }, { name: 'fn-b' }], stateMachines: [], glueJobs: [], sagemakerEndpoint: 'mt-pipeline-dev-qe-endpoint' });
    expect(cloudformationMock).not.toHaveReceivedCommand(ListStackResourcesCommand);
  });

  it('lists a stack that does not exist as not deployed, and covers what the others hold', async () => {
    solutionAccount();
    cloudformationMock.on(ListStackResourcesCommand, { StackName: 'MtStackTypo' }).rejects(serviceError('ValidationError', 'Stack with id MtStackTypo does not exist'));
    const target = testTarget({ name: 'prod', region: 'eu-west-1', account: '210987654321' });

    const found = await discoverSolution(target, config({ stacks: ['MtStack', 'MtStackTypo'] }));
    expect(found.notDeployed).toStrictEqual(['MtStackTypo']);
    expect(found.functions).toHaveLength(2);
    const error = stackNotFound(target, found.notDeployed!);
    expect(error).toBeInstanceOf(MtpipeError);
    expect((error as MtpipeError).message).toBe('CloudFormation stack "MtStackTypo" does not exist in environment prod (account 210987654321, eu-west-1)');
    expect((error as MtpipeError).hint).toMatch(/deploy the solution there first \(cdk deploy\), or correct solution\.stacks/);
  });

  it('lets other errors through (e.g. access denied)', async () => {
    cloudformationMock.on(ListStackResourcesCommand).rejects(serviceError('AccessDenied', 'not authorized to perform: cloudformation:ListStackResources', 403));
    await expect(discoverSolution(testTarget({ name: 'dev' }), config({ stacks: ['MtStack'] }))).rejects.toThrow(/not authorized/);
  });
});

describe('solutionStack (plan entry) and discoveredSoFar', () => {
  it('is a read-only reference: a missing stack reads as empty (nothing to do, not blocked), and what it read serves the outputs', async () => {
    solutionAccount();
    cloudformationMock.on(ListStackResourcesCommand, { StackName: 'Missing' }).rejects(serviceError('ValidationError', 'Stack with id Missing does not exist'));
    const target = testTarget({ name: 'dev' });
    const cfg = config({ stacks: ['MtStack'] });

    expect(discoveredSoFar(target, cfg)).toMatchObject({ functions: [], notDeployed: ['MtStack'] });
    const resources = await solutionStack.find(target, { name: 'MtStack' });
    // the rotation stack is listed but not read: nothing of it is the solution's
    expect(resources).toHaveLength(9);
    expect(solutionStack.check).toBeUndefined();
    expect(discoveredSoFar(target, cfg).functions.map((fn) => fn.logicalId)).toStrictEqual(['TranslationPromptGeneratorCDK', 'QualityAssessmentCDK']);
    expect(discoveredSoFar(target, cfg).notDeployed).toBeUndefined();

    const missing = await solutionStack.find(target, { name: 'Missing' });
    expect(missing).toStrictEqual([]);
    expect(discoveredSoFar(target, config({ stacks: ['MtStack', 'Missing'] })).notDeployed).toStrictEqual(['Missing']);
    expect(solutionStack.isReference).toBe(true);
    expect(solutionStack.diff(resources, { name: 'MtStack' })).toStrictEqual([]);
    await expect(solutionStack.create(target, { name: 'MtStack' })).rejects.toThrow(/never creates/);
  });
});

describe('lookupFunction and the CDK helper filter', () => {
  const resources = { functions: [{ name: 'gen-abc', logicalId: 'Generator' }, { name: 'Generator' }], stateMachines: [], glueJobs: [] };

  it('prefers a physical name, then a logical id; unknown is undefined', () => {
    expect(lookupFunction(resources, 'Generator')).toStrictEqual({ name: 'Generator' });
    expect(lookupFunction(resources, 'gen-abc')).toStrictEqual({ name: 'gen-abc', logicalId: 'Generator' });
    expect(lookupFunction({ ...resources, functions: [{ name: 'gen-abc', logicalId: 'Generator' }] }, 'Generator')?.name).toBe('gen-abc');
    expect(lookupFunction(resources, 'nope')).toBeUndefined();
  });

  it('recognises the CDK framework functions, not the solution\'s', () => {
    for (const id of [
      'CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F',
      'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a',
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
      'AWS679f53fac002430cb0da5b7982bd2287',
      'MyProviderframeworkonEvent83C1D0A7',
    ]) {
      expect(isCdkFrameworkFunction(id), id).toBe(true);
    }
    for (const id of ['TranslationPromptGeneratorCDK', 'QualityAssessmentCDK', 'AWSHandler']) expect(isCdkFrameworkFunction(id), id).toBe(false);
  });
});

describe('lookupFunction with CDK logical ids', () => {
  const resources = {
    functions: [
      { name: 'MtStack-TranslationPromptGeneratorCDK4E8F-aB3d', logicalId: 'TranslationPromptGeneratorCDK4E8F1A2B', stack: 'MtStack' },
      { name: 'MtStack-QualityAssessmentCDK-k9L8', logicalId: 'QualityAssessmentCDK0C1D2E3F', stack: 'MtStack' },
      { name: 'MtStack-QualityAssessmentCDKv2-x1', logicalId: 'QualityAssessmentCDKv2A0B1C2D3', stack: 'MtStack' },
    ],
    stateMachines: [],
    glueJobs: [],
  };

  it('finds a function by its construct id (the logical id without the 8-character hash)', () => {
    expect(lookupFunction(resources, 'TranslationPromptGeneratorCDK')?.name).toBe('MtStack-TranslationPromptGeneratorCDK4E8F-aB3d');
    expect(lookupFunction(resources, 'QualityAssessmentCDK')?.name).toBe('MtStack-QualityAssessmentCDK-k9L8');
  });

  it('still finds by the full logical id and by physical name, and nothing for a mere prefix', () => {
    expect(lookupFunction(resources, 'QualityAssessmentCDKv2A0B1C2D3')?.name).toBe('MtStack-QualityAssessmentCDKv2-x1');
    expect(lookupFunction(resources, 'MtStack-QualityAssessmentCDK-k9L8')?.logicalId).toBe('QualityAssessmentCDK0C1D2E3F');
    expect(lookupFunction(resources, 'Translation')).toBeUndefined();
  });
});
