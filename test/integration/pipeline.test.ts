/**
 * create-pipeline against moto with the real SDK, as part of bootstrap (its roles, bucket and projects
 * come from the earlier steps). moto lacks CodeStar Connections and keeps email subscriptions confirmed:
 * test/support/moto_ext_pipeline.py emulates both after the API references.
 */
import { CodePipelineClient, CreatePipelineCommand, GetPipelineCommand, ListTagsForResourceCommand, UpdatePipelineCommand, type PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { CodeStarConnectionsClient, ListConnectionsCommand } from '@aws-sdk/client-codestar-connections';
import { DescribeRuleCommand, EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AwsCall } from '../../src/aws/call-log.js';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { codepipelinePipeline } from '../../src/aws/codepipeline-pipeline.js';
import { createPipeline } from '../../src/commands/create-pipeline.js';
import { validateCalls } from '../support/api-models.js';
import { ACCOUNT, HF_TOKEN, operationsOf, REGION, restoreHfTokenAfterEach, setHfToken } from '../support/aws-state.js';
import { runInProcess, type RunOptions } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const clientConfig = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
const codepipeline = new CodePipelineClient(clientConfig);
const events = new EventBridgeClient(clientConfig);
const sns = new SNSClient(clientConfig);
const kms = new KMSClient(clientConfig);
const connections = new CodeStarConnectionsClient(clientConfig);
afterAll(() => [codepipeline, events, sns, kms, connections].forEach((client) => client.destroy()));

const PIPELINE_ARN = `arn:aws:codepipeline:${REGION}:${ACCOUNT}:mt-pipeline-pipeline`;
const EVENTS_ROLE = `arn:aws:iam::${ACCOUNT}:role/mtpipe/mt-pipeline-events`;
const topicArn = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
const NOTIFY = { 'notifications.approvers': ['lead@example.com'], 'notifications.alerts': ['ops@example.com'] };

async function bootstrap(overrides: Record<string, unknown> = {}, options: RunOptions['options'] = {}, calls?: AwsCall[]) {
  const result = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto, { overrides: { ...NOTIFY, ...overrides }, options });
  expect(result.error, `${String(result.error)}\n${result.stderr}\n${result.stdout}`).toBeUndefined();
  calls?.push(...result.calls);
  return result;
}

const pipeline = async (name = 'mt-pipeline-pipeline'): Promise<PipelineDeclaration> => (await codepipeline.send(new GetPipelineCommand({ name }))).pipeline!;
const stageNames = (declaration: PipelineDeclaration) => declaration.stages!.map((stage) => stage.name);
const ruleNames = async () => ((await events.send(new ListRulesCommand({}))).Rules ?? []).map((rule) => rule.Name).sort();

describe('create-pipeline (in bootstrap, default configuration)', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  it('creates the pipeline, its trigger, the failure rule and both topics; then writes nothing; the requests are valid', async () => {
    setHfToken(HF_TOKEN);
    const calls: AwsCall[] = [];
    const first = await bootstrap({}, {}, calls);
    const written = operationsOf(first.writes);
    for (const operation of ['KMS.CreateKey', 'KMS.CreateAlias', 'KMS.EnableKeyRotation', 'SNS.CreateTopic', 'SNS.Subscribe', 'CodePipeline.CreatePipeline', 'EventBridge.PutRule', 'EventBridge.PutTargets']) {
      expect(written, operation).toContain(operation);
    }

    const declaration = await pipeline();
    expect(declaration).toMatchObject({ pipelineType: 'V2', executionMode: 'SUPERSEDED', roleArn: `arn:aws:iam::${ACCOUNT}:role/mtpipe/mt-pipeline-pipeline` });
    expect(declaration.artifactStore).toEqual({ type: 'S3', location: `mt-pipeline-artifacts-${ACCOUNT}-${REGION}` });
    expect(stageNames(declaration)).toEqual(['Source', 'BuildAndTest', 'Deploy-dev', 'Test-dev', 'Approve-prod', 'Deploy-prod', 'Test-prod']);
    expect(declaration.stages![0]!.actions![0]!.configuration).toEqual({
      RepositoryName: 'machine-translation',
      BranchName: 'main',
      PollForSourceChanges: 'false',
      OutputArtifactFormat: 'CODE_ZIP',
    });
    expect(declaration.stages![4]!.actions![0]!.configuration?.NotificationArn).toBe(topicArn('mt-pipeline-approvals'));
    const { tags } = await codepipeline.send(new ListTagsForResourceCommand({ resourceArn: PIPELINE_ARN }));
    expect(tags).toEqual(expect.arrayContaining([{ key: 'mtpipe:project', value: 'mt-pipeline' }, { key: 'mtpipe:env', value: 'shared' }]));

    // the trigger: the branch of the repository, the pipeline started with the events role
    const trigger = await events.send(new DescribeRuleCommand({ Name: 'mt-pipeline-pipeline-trigger' }));
    expect(JSON.parse(trigger.EventPattern!)).toEqual({
      source: ['aws.codecommit'],
      'detail-type': ['CodeCommit Repository State Change'],
      resources: [`arn:aws:codecommit:${REGION}:${ACCOUNT}:machine-translation`],
      detail: { event: ['referenceCreated', 'referenceUpdated'], referenceType: ['branch'], referenceName: ['main'] },
    });
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: 'mt-pipeline-pipeline-trigger' }))).Targets).toEqual([
      expect.objectContaining({ Id: 'pipeline', Arn: PIPELINE_ARN, RoleArn: EVENTS_ROLE }),
    ]);
    // the failure rule publishes to the alerts topic
    const [alertsTarget] = (await events.send(new ListTargetsByRuleCommand({ Rule: 'mt-pipeline-pipeline-failed' }))).Targets!;
    expect(alertsTarget).toMatchObject({ Id: 'alerts', Arn: topicArn('mt-pipeline-pipeline-alerts') });
    expect(alertsTarget!.InputTransformer?.InputPathsMap).toMatchObject({ pipeline: '$.detail.pipeline', execution: '$.detail.execution-id' });

    // topics encrypted with the project's key; the alerts topic lets only the failure rule publish
    const key = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/mt-pipeline-notifications' }));
    expect(key.KeyMetadata?.Enabled).toBe(true);
    const approvals = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn('mt-pipeline-approvals') }));
    expect(approvals.Attributes?.KmsMasterKeyId).toBe('alias/mt-pipeline-notifications');
    const alerts = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn('mt-pipeline-pipeline-alerts') }));
    expect(JSON.parse(alerts.Attributes!.Policy!).Statement).toEqual([
      expect.objectContaining({
        Sid: 'FailureRulePublishes',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/mt-pipeline-pipeline-failed` } },
      }),
      // setup-monitoring's failed-build alarms
      expect.objectContaining({
        Sid: 'BuildAlarmsPublish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mt-pipeline-pipeline-*` } },
      }),
    ]);
    const subscriptions = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn('mt-pipeline-approvals') }));
    expect(subscriptions.Subscriptions).toEqual([expect.objectContaining({ Protocol: 'email', Endpoint: 'lead@example.com', SubscriptionArn: 'PendingConfirmation' })]);
    expect(first.stdout).toContain('SNS topic mt-pipeline-approvals: still to confirm their subscription (email from AWS Notifications): lead@example.com');
    expect(first.stdout).toContain(`Pipeline mt-pipeline-pipeline (Source → BuildAndTest → dev → prod, branch main): https://${REGION}.console.aws.amazon.com/codesuite/codepipeline/pipelines/mt-pipeline-pipeline/view?region=${REGION}`);

    expect((await bootstrap({}, {}, calls)).writes).toEqual([]);
    expect((await bootstrap({}, { dryRun: true }, calls)).writes).toEqual([]);
    const { violations } = validateCalls(calls);
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('a pipeline changed by hand is shown field by field and put back; what mtpipe does not own stays', async () => {
    setHfToken(HF_TOKEN);
    await bootstrap();
    const changed = await pipeline();
    changed.stages![0]!.actions![0]!.configuration!.PollForSourceChanges = 'true';
    changed.executionMode = 'QUEUED';
    changed.variables = [{ name: 'TEAM', defaultValue: 'translation' }];
    await codepipeline.send(new UpdatePipelineCommand({ pipeline: changed }));

    const dry = await runInProcess('create-pipeline', [createPipeline], moto, { overrides: NOTIFY, options: { dryRun: true } });
    expect(dry.stdout).toMatch(/executionMode.*QUEUED.*SUPERSEDED/);
    expect(dry.stdout).toContain('Source.Source.configuration');
    const run = await runInProcess('create-pipeline', [createPipeline], moto, { overrides: NOTIFY });
    expect(run.error).toBeUndefined();
    expect(operationsOf(run.writes)).toEqual(['CodePipeline.UpdatePipeline']);
    const after = await pipeline();
    expect(after.stages![0]!.actions![0]!.configuration?.PollForSourceChanges).toBe('false');
    expect(after.executionMode).toBe('SUPERSEDED');
    expect(after.variables).toEqual([{ name: 'TEAM', defaultValue: 'translation' }]);
  });
});

describe('a create whose response was lost', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  it('is answered PipelineNameInUseException, which the pipeline kind reads as "already exists"', async () => {
    setHfToken(HF_TOKEN);
    await bootstrap();
    const error = await codepipeline.send(new CreatePipelineCommand({ pipeline: await pipeline() })).catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('PipelineNameInUseException');
    expect(codepipelinePipeline.alreadyExists?.(error)).toBe(true);
  });
});

describe('create-pipeline variants', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  it('source.provider codeconnections: a connection (PENDING), the connection source with a V2 trigger, no trigger rule', async () => {
    setHfToken(HF_TOKEN);
    const overrides = { 'source.provider': 'codeconnections', 'source.fullRepositoryId': 'my-org/machine-translation' };
    const calls: AwsCall[] = [];
    const dry = await bootstrap(overrides, { dryRun: true }, calls);
    expect(dry.stdout).toContain('codeconnections:connection');
    // the plan holds the connection-based source (waiting on the connection) and the V2 trigger, no trigger rule
    expect(dry.stdout).toContain('source: {"provider":"CodeStarSourceConnection","configuration":{"ConnectionArn":"<connection created by mtpipe>"');
    expect(dry.stdout).toContain('triggers: [{"providerType":"CodeStarSourceConnection","gitConfiguration":{"sourceActionName":"Source","push":[{"branches":{"includes":["main"]}}]}}]');
    expect(dry.stdout).not.toContain('mt-pipeline-pipeline-trigger');
    expect(dry.stdout).toMatch(/is PENDING: the pipeline's Source fails until someone completes the handshake with GitHub in the console/);

    const first = await bootstrap(overrides, {}, calls);
    const [connection] = (await connections.send(new ListConnectionsCommand({}))).Connections!;
    expect(connection).toMatchObject({ ConnectionName: 'mt-pipeline', ProviderType: 'GitHub', ConnectionStatus: 'PENDING' });
    const declaration = await pipeline();
    expect(declaration.stages![0]!.actions![0]).toMatchObject({
      actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
      configuration: { ConnectionArn: connection!.ConnectionArn, FullRepositoryId: 'my-org/machine-translation', BranchName: 'main', OutputArtifactFormat: 'CODE_ZIP' },
    });
    expect(declaration.triggers).toEqual([
      { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: ['main'] } }] } },
    ]);
    // setup-monitoring's rule records the pipelines' execution events for the pipeline dashboard
    expect(await ruleNames()).toEqual(['mt-pipeline-pipeline-events', 'mt-pipeline-pipeline-failed']);
    expect(first.stdout).toContain(`Connection ${connection!.ConnectionArn} is PENDING`);

    expect((await bootstrap(overrides, {}, calls)).writes).toEqual([]);
    const { violations } = validateCalls(calls);
    expect(violations, violations.join('\n')).toEqual([]);
  });

  it('pipeline.layout per-environment: one pipeline per environment, each with its trigger; the failure rule watches both', async () => {
    setHfToken(HF_TOKEN);
    await bootstrap({ 'pipeline.layout': 'per-environment' });
    expect(stageNames(await pipeline('mt-pipeline-dev-pipeline'))).toEqual(['Source', 'BuildAndTest', 'Deploy-dev', 'Test-dev']);
    expect(stageNames(await pipeline('mt-pipeline-prod-pipeline'))).toEqual(['Source', 'BuildAndTest', 'Approve-prod', 'Deploy-prod', 'Test-prod']);
    expect(await ruleNames()).toEqual(['mt-pipeline-dev-pipeline-trigger', 'mt-pipeline-pipeline-events', 'mt-pipeline-pipeline-failed', 'mt-pipeline-prod-pipeline-trigger']);
    const failed = await events.send(new DescribeRuleCommand({ Name: 'mt-pipeline-pipeline-failed' }));
    expect(JSON.parse(failed.EventPattern!).resources).toEqual([
      `arn:aws:codepipeline:${REGION}:${ACCOUNT}:mt-pipeline-dev-pipeline`,
      `arn:aws:codepipeline:${REGION}:${ACCOUNT}:mt-pipeline-prod-pipeline`,
    ]);
    expect((await bootstrap({ 'pipeline.layout': 'per-environment' })).writes).toEqual([]);
  });
});
