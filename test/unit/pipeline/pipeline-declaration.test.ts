import { describe, expect, it } from 'vitest';
import { CONNECTION_PLACEHOLDER } from '../../../src/aws/codepipeline-pipeline.js';
import { pipelineDeclaration } from '../../../src/commands/pipeline-declaration.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { pipelinesOf } from '../../../src/config/resource-names.js';
import { configSchema, type Config } from '../../../src/config/schema.js';

const PLACE = { partition: 'aws', account: '123456789012', region: 'us-east-1' };
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-approvals';

function config(extra: Record<string, unknown> = {}): Config {
  return configSchema.parse({ ...defaultConfig('us-east-1'), ...extra });
}

const issues = (extra: Record<string, unknown>) => {
  const result = configSchema.safeParse({ ...defaultConfig('us-east-1'), ...extra });
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('the pipeline declaration', () => {
  const built = pipelineDeclaration(config(), PLACE, { name: 'mt-pipeline-pipeline', envs: ['dev', 'prod'], branch: 'main', approvalTopicArn: TOPIC });

  it('is V2, SUPERSEDED, on the builds bucket with the pipeline role, stages in order', () => {
    expect(built).toMatchObject({
      name: 'mt-pipeline-pipeline',
      roleArn: 'arn:aws:iam::123456789012:role/mtpipe/mt-pipeline-pipeline',
      artifactStore: { type: 'S3', location: 'mt-pipeline-artifacts-123456789012-us-east-1' },
      pipelineType: 'V2',
      executionMode: 'SUPERSEDED',
    });
    expect(built.stages!.map((stage) => stage.name)).toEqual(['Source', 'BuildAndTest', 'Deploy-dev', 'Test-dev', 'Approve-prod', 'Deploy-prod', 'Test-prod']);
    expect(built.triggers).toBeUndefined();
  });

  it('takes CodeCommit main without polling, full clone off, commit id in the SourceVariables namespace', () => {
    expect(built.stages![0]!.actions![0]).toEqual({
      name: 'Source',
      actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
      runOrder: 1,
      configuration: { RepositoryName: 'machine-translation', BranchName: 'main', PollForSourceChanges: 'false', OutputArtifactFormat: 'CODE_ZIP' },
      inputArtifacts: [],
      outputArtifacts: [{ name: 'SourceOutput' }],
      namespace: 'SourceVariables',
    });
  });

  it('runs each build with the source commit id, deploy and test on the tested tree', () => {
    const [build] = built.stages![1]!.actions!;
    expect(build).toMatchObject({
      actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
      inputArtifacts: [{ name: 'SourceOutput' }],
      outputArtifacts: [{ name: 'BuildOutput' }],
    });
    expect(build!.configuration).toEqual({
      ProjectName: 'mt-pipeline-build-and-test',
      EnvironmentVariables: '[{"name":"SOURCE_COMMIT_ID","value":"#{SourceVariables.CommitId}","type":"PLAINTEXT"}]',
    });
    const deploy = built.stages!.find((s) => s.name === 'Deploy-prod')!.actions![0]!;
    expect(deploy.configuration?.ProjectName).toBe('mt-pipeline-cdk-deploy-prod');
    expect(deploy.inputArtifacts).toEqual([{ name: 'BuildOutput' }]);
    expect(built.stages!.find((s) => s.name === 'Test-dev')!.actions![0]!.configuration?.ProjectName).toBe('mt-pipeline-integration-test-dev');
  });

  it('approval notifies the topic with the environment, the commit and a link to the build-and-test run of that commit', () => {
    const approve = built.stages!.find((s) => s.name === 'Approve-prod')!.actions![0]!;
    expect(approve.actionTypeId).toEqual({ category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' });
    expect(approve.configuration).toEqual({
      NotificationArn: TOPIC,
      CustomData: 'Deploy mt-pipeline to prod? Commit #{SourceVariables.CommitId} on main: #{SourceVariables.CommitMessage}',
      ExternalEntityLink: 'https://us-east-1.console.aws.amazon.com/codesuite/codebuild/projects/mt-pipeline-build-and-test/build/#{BuildVariables.MTPIPE_BUILD_ID}/?region=us-east-1',
    });
    // the variable comes from the BuildAndTest action, whose buildspec exports it
    expect(built.stages!.find((s) => s.name === 'BuildAndTest')!.actions![0]!.namespace).toBe('BuildVariables');
  });

  it('QUEUED when configured', () => {
    expect(pipelineDeclaration(config({ pipeline: { executionMode: 'QUEUED' } }), PLACE, { name: 'p', envs: ['dev'], branch: 'main' }).executionMode).toBe('QUEUED');
  });

  it('a CodeConnections source: connection, repository, branch, and a V2 push trigger on that branch', () => {
    const c = config({ source: { provider: 'codeconnections', fullRepositoryId: 'my-org/mt' } });
    const declaration = pipelineDeclaration(c, PLACE, { name: 'p', envs: ['dev'], branch: 'main' });
    expect(declaration.stages![0]!.actions![0]).toMatchObject({
      actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
      configuration: { ConnectionArn: CONNECTION_PLACEHOLDER, FullRepositoryId: 'my-org/mt', BranchName: 'main', OutputArtifactFormat: 'CODE_ZIP' },
    });
    expect(declaration.triggers).toEqual([
      { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: ['main'] } }] } },
    ]);
  });
});

describe('pipeline.layout', () => {
  it('single: one pipeline through every environment', () => {
    expect(pipelinesOf(config())).toEqual([{ name: 'mt-pipeline-pipeline', envs: ['dev', 'prod'], branch: 'main' }]);
  });

  it('per-environment: one pipeline per environment, each on its branch', () => {
    const c = config({
      pipeline: { layout: 'per-environment' },
      environments: { dev: { branch: 'develop' }, prod: { approval: true } },
    });
    expect(pipelinesOf(c)).toEqual([
      { name: 'mt-pipeline-dev-pipeline', envs: ['dev'], branch: 'develop' },
      { name: 'mt-pipeline-prod-pipeline', envs: ['prod'], branch: 'main' },
    ]);
    const prod = pipelineDeclaration(c, PLACE, { ...pipelinesOf(c)[1]!, approvalTopicArn: TOPIC });
    expect(prod.stages!.map((s) => s.name)).toEqual(['Source', 'BuildAndTest', 'Approve-prod', 'Deploy-prod', 'Test-prod']);
  });
});

describe('configuration rules', () => {
  it('PARALLEL is refused with the reason', () => {
    expect(issues({ pipeline: { executionMode: 'PARALLEL' } })).toEqual([
      expect.stringMatching(/^pipeline\.executionMode: PARALLEL is refused for a deploy pipeline: .*SUPERSEDED.*QUEUED/),
    ]);
    expect(issues({ pipeline: { executionMode: 'SOMETIMES' } })).toEqual(['pipeline.executionMode: must be one of SUPERSEDED, QUEUED, PARALLEL']);
  });

  it('codeconnections needs the repository, and a connection ARN for providers that need a host', () => {
    expect(issues({ source: { provider: 'codeconnections' } })).toEqual([
      'source.fullRepositoryId: is required with source.provider codeconnections (owner/repository)',
    ]);
    expect(issues({ source: { provider: 'codeconnections', fullRepositoryId: 'o/r', connectionProvider: 'GitLabSelfManaged' } })).toEqual([
      expect.stringMatching(/^source\.connectionArn: is required for GitLabSelfManaged/),
    ]);
    expect(issues({ source: { provider: 'codeconnections', fullRepositoryId: 'o/r', connectionArn: 'arn:aws:s3:::bucket' } })).toEqual([
      expect.stringMatching(/^source\.connectionArn: must be a CodeConnections connection ARN/),
    ]);
  });

  it('notification addresses must be email addresses', () => {
    expect(issues({ notifications: { approvers: ['not-an-address'] } })).toEqual(['notifications.approvers.0: must be an email address']);
  });

  it('per-environment trigger rule names must fit EventBridge\'s 64 characters', () => {
    const problems = issues({ project: 'a-rather-long-project-name-xyz', pipeline: { layout: 'per-environment' }, environments: { 'integration-staging1': {} } });
    expect(problems).toEqual([expect.stringMatching(/^environments\.integration-staging1: name too long for the per-environment layout: the EventBridge rule .* \(at most 64\)/)]);
  });
});
