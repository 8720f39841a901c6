/**
 * Every provisioning step declares the SDK packages it calls (Step.services), so that the runner loads
 * them while STS answers: run one after another against moto holding the sample's stacks, each step's
 * reads and writes go only to the services it declares (STS and the project tag index aside).
 */
import { beforeEach, describe, expect, inject, it } from 'vitest';
import type { SdkService } from '../../src/aws/sdk.js';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { configSchema } from '../../src/config/schema.js';
import { HF_TOKEN, restoreHfTokenAfterEach, setHfToken } from '../support/aws-state.js';
import { runInProcess, type RunOptions } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { deploySampleSolution } from '../support/solution-fixture.js';

const moto = inject('motoUrl');

/** The SDK client's name (AwsCall.service: the client class without "Client") → its package in `sdk`. */
const PACKAGE: Record<string, SdkService> = {
  CloudFormation: 'cloudformation',
  CloudWatch: 'cloudwatch',
  CloudWatchLogs: 'logs',
  CodeBuild: 'codebuild',
  CodeCommit: 'codecommit',
  CodeDeploy: 'codedeploy',
  CodePipeline: 'codepipeline',
  CodeStarConnections: 'codeconnections',
  ECR: 'ecr',
  EventBridge: 'events',
  IAM: 'iam',
  KMS: 'kms',
  Lambda: 'lambda',
  ResourceGroupsTaggingAPI: 'tagging',
  S3: 's3',
  SecretsManager: 'secretsmanager',
  SFN: 'sfn',
  SNS: 'sns',
  SSM: 'ssm',
  STS: 'sts',
  XRay: 'xray',
};
const SETTINGS: RunOptions['overrides'] = {
  'parameters.quality_estimation_sgm_topic_name': 'mt-qe-topic',
  'parameters.quality_estimation_sgm_endpoint_name': 'mt-qe-endpoint',
};

describe('Step.services', () => {
  restoreHfTokenAfterEach();
  beforeEach(async () => {
    setHfToken(HF_TOKEN);
    await resetMoto(moto);
    await deploySampleSolution(moto, { endpointName: 'mt-qe-endpoint', topicName: 'mt-qe-topic' });
  });

  it.each([
    ['the default configuration', {}],
    ['the token in Secrets Manager', { 'secrets.huggingFaceToken.store': 'secretsmanager' }],
  ])("names every service a step's reads and writes call, with %s", async (_, overrides) => {
    const config = configSchema.parse({ ...defaultConfig('us-east-1'), ...(Object.keys(overrides).length > 0 ? { secrets: { huggingFaceToken: { store: 'secretsmanager' } } } : {}) });
    const undeclared: string[] = [];
    for (const step of BOOTSTRAP_STEPS) {
      const run = await runInProcess(step.name, [step], moto, { overrides: { ...SETTINGS, ...overrides } });
      expect(run.error, `${step.name}: ${run.stderr}`).toBeUndefined();
      const called = new Set(run.calls.map((call) => PACKAGE[call.service] ?? `unknown client ${call.service}`));
      for (const service of called) if (!['sts', 'tagging', ...step.services(config)].includes(service)) undeclared.push(`${step.name}: ${service}`);
    }
    expect(undeclared).toEqual([]);
  });
});
