/**
 * Reading what exists in moto with plain SDK clients (not through mtpipe), plus the expected values
 * the integration tests compare it with — written out literally, not computed by the product code.
 */
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetParametersByPathCommand, ListTagsForResourceCommand, SSMClient, type Parameter } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach } from 'vitest';
import type { AwsCall } from '../../src/aws/call-log.js';

// the tests run on Node 20 too: keep the SDK's support notice out of the test output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PROJECT = 'mt-pipeline';
export const REPOSITORY = 'machine-translation';
export const REPOSITORY_DESCRIPTION = 'Machine translation pipeline (CDK app, Lambda, Step Functions, Glue, SageMaker QE)';
export const REPOSITORY_ARN = `arn:aws:codecommit:${REGION}:${ACCOUNT}:${REPOSITORY}`;
export const TEMPLATE = 'mt-pipeline-main-approvals';
export const PROTECT_POLICY = 'mt-pipeline-protect-main';
export const PROTECT_POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/mtpipe/${PROTECT_POLICY}`;
export const DEVELOPERS = 'mt-pipeline-developers';
export const DEVELOPER_POLICY = 'mt-pipeline-repository-access';
export const HF_TOKEN = 'hf_integrationTestToken_3f9c2a';

/** The parameters every environment gets by default, with ${…} filled for moto's account and region. */
export function expectedParameters(env: string): Record<string, string> {
  return {
    input_bucket_name: `mt-pipeline-${env}-input-${ACCOUNT}`,
    output_bucket_name: `mt-pipeline-${env}-output-${ACCOUNT}`,
    quality_estimation_sgm_model_name: `mt-pipeline-${env}-qe-model`,
    quality_estimation_sgm_endpoint_name: `mt-pipeline-${env}-qe-endpoint`,
    quality_estimation_sgm_image_uri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/mt-pipeline-qe:latest`,
    quality_estimation_sgm_topic_name: `mt-pipeline-${env}-qe-topic`,
    config_secret_name: 'machine-translation-worklfow-config',
  };
}

export const parameterName = (env: string, name: string) => `/${PROJECT}/${env}/${name}`;

export interface StateClients {
  ssm: SSMClient;
  iam: IAMClient;
  codecommit: CodeCommitClient;
  sts: STSClient;
  destroy(): void;
}

/** SDK clients pointed at moto, for setting up and checking state out of band. */
export function stateClients(endpoint: string): StateClients {
  const config = { endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
  const clients = { ssm: new SSMClient(config), iam: new IAMClient(config), codecommit: new CodeCommitClient(config), sts: new STSClient(config) };
  return { ...clients, destroy: () => Object.values(clients).forEach((client) => client.destroy()) };
}

/** Every parameter under a path, decrypted, by name. */
export async function parametersUnder(ssm: SSMClient, path: string): Promise<Map<string, Parameter>> {
  const found = new Map<string, Parameter>();
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: true, MaxResults: 10, NextToken }));
    for (const parameter of page.Parameters ?? []) found.set(parameter.Name!, parameter);
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

export async function parameterTags(ssm: SSMClient, name: string): Promise<Record<string, string>> {
  const { TagList = [] } = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
  return Object.fromEntries(TagList.map((tag) => [tag.Key!, tag.Value!]));
}

/** The error name an SDK call fails with (or "no error"). */
export async function errorNameOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'no error';
  } catch (error) {
    return (error as Error).name;
  }
}

/** The roles moto has handed out credentials for (moto keeps them in its backend state). */
export async function assumedRoles(endpoint: string): Promise<{ role_arn: string; session_name: string }[]> {
  const response = await fetch(`${endpoint}/moto-api/data.json`);
  const data = (await response.json()) as { sts?: { AssumedRole?: { role_arn: string; session_name: string }[] } };
  return data.sts?.AssumedRole ?? [];
}

/** "Service.Operation" of each call, in order. */
export const operationsOf = (calls: AwsCall[]) => calls.map((call) => `${call.service}.${call.operation}`);

/** Puts HF_TOKEN back as it was after each test of the file: tests set it with setHfToken. */
export function restoreHfTokenAfterEach(): void {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.HF_TOKEN;
  });
  afterEach(() => setHfToken(saved));
}

/** Sets HF_TOKEN, or removes it with undefined. */
export function setHfToken(value: string | undefined): void {
  if (value === undefined) delete process.env.HF_TOKEN;
  else process.env.HF_TOKEN = value;
}
