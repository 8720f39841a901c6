import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodePipelineClient, type ActionDeclaration, type ActionExecutionDetail, type StageDeclaration } from '@aws-sdk/client-codepipeline';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import type { CommandSession } from '../../../src/commands/session.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import type { ExecutionView } from '../../../src/commands/execution-state.js';
// the shared file registers the aws-sdk-client-mock matchers
export { sentCommands } from '../aws/mock-sdk.js';

export const codepipelineMock = mockClient(CodePipelineClient);
export const codebuildMock = mockClient(CodeBuildClient);
export const logsMock = mockClient(CloudWatchLogsClient);
/** run, watch and approve ask STS who the credentials are before anything else */
export const stsMock = mockClient(STSClient);

export function resetMocks(): void {
  for (const mock of [codepipelineMock, codebuildMock, logsMock, stsMock]) mock.reset();
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/Deployer/alice' });
  // credentials for the mocked STS to answer for: connect() resolves them before it asks (src/aws/targets.ts)
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
}

export const PIPELINE = 'mt-pipeline-pipeline';
export const EXECUTION = '3137f7cb-7cf7-4ad1-8d8b-f2b2f2b3c6e1';

export function config(extra: Record<string, unknown> = {}): Config {
  return configSchema.parse({ ...defaultConfig('us-east-1'), ...extra });
}

export function session(options: { env?: string; dryRun?: boolean; config?: Config } = {}): { value: CommandSession<'info'>; info: string[] } {
  const info: string[] = [];
  return {
    info,
    value: {
      options: { dryRun: options.dryRun ?? false, ...(options.env ? { env: options.env } : {}) },
      draft: { config: options.config ?? config() },
      aws: { maxAttempts: 1, retryMode: 'standard', observers: [] },
      reporter: { info: (line) => void info.push(line) },
    },
  };
}

const build = (name: string, project: string): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  runOrder: 1,
  configuration: { ProjectName: project },
});

/** Source → BuildAndTest → Approve-prod → Deploy-prod, as pipeline-declaration.ts names them. */
export const STAGES: StageDeclaration[] = [
  { name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' } }] },
  { name: 'BuildAndTest', actions: [build('BuildAndTest', 'mt-pipeline-build-and-test')] },
  { name: 'Approve-prod', actions: [{ name: 'Approve-prod', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' } }] },
  { name: 'Deploy-prod', actions: [build('Deploy-prod', 'mt-pipeline-cdk-deploy-prod')] },
];

export const T0 = Date.parse('2026-11-30T10:00:00Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000);

export function detail(stage: string, status: ActionExecutionDetail['status'], start: number, end?: number, extra: Partial<ActionExecutionDetail> = {}): ActionExecutionDetail {
  return { pipelineExecutionId: EXECUTION, stageName: stage, actionName: stage, status, startTime: at(start), lastUpdateTime: at(end ?? start), ...extra };
}

export const BUILD_ID = 'mt-pipeline-build-and-test:0d9c3e1f-64a8-4f0c-9a41-0b2d2f8e7c11';
export const BUILD_URL = `https://console.aws.amazon.com/codebuild/home?region=us-east-1#/builds/${BUILD_ID}/view/new`;

/** A view with the build running for 65 s, as of T0 + 70 s. */
export function runningView(): ExecutionView {
  return {
    pipeline: PIPELINE,
    executionId: EXECUTION,
    status: 'InProgress',
    stages: [
      { name: 'Source', status: 'Succeeded', actions: [{ name: 'Source', category: 'Source', provider: 'CodeCommit', status: 'Succeeded', startTime: at(0), lastUpdateTime: at(5) }] },
      { name: 'BuildAndTest', status: 'InProgress', actions: [{ name: 'BuildAndTest', category: 'Build', provider: 'CodeBuild', status: 'InProgress', startTime: at(5), lastUpdateTime: at(6), url: BUILD_URL, externalId: BUILD_ID }] },
      { name: 'Approve-prod', status: 'Pending', actions: [{ name: 'Approve-prod', category: 'Approval', provider: 'Manual', status: 'Pending' }] },
    ],
  };
}
