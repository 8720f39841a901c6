/**
 * The tag index (src/aws/tag-index.ts) against moto over HTTP: one resource of every kind that carries
 * tags, tagged mtpipe:project, is answered from one GetResources by the ARN its kind's arnOf gives; an
 * untagged one and another project's go to the kind's own read. moto's GetResources lacks CodeBuild,
 * CodeCommit, CodeDeploy, CodePipeline, ECR and EventBridge rules: test/support/moto_ext_tagging.py.
 */
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient, CreateProjectCommand } from '@aws-sdk/client-codebuild';
import { CodeCommitClient, CreateRepositoryCommand as CreateCodeCommitRepositoryCommand } from '@aws-sdk/client-codecommit';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient, CreatePipelineCommand } from '@aws-sdk/client-codepipeline';
import { CreateRepositoryCommand as CreateEcrRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient, type GetResourcesCommandInput } from '@aws-sdk/client-resource-groups-tagging-api';
import { CreateBucketCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { AwsCall } from '../../src/aws/call-log.js';
import { cloudwatchAlarm } from '../../src/aws/cloudwatch-alarm.js';
import { codebuildProject } from '../../src/aws/codebuild-project.js';
import { codecommitRepository } from '../../src/aws/codecommit-repository.js';
import { codedeployApplication } from '../../src/aws/codedeploy-application.js';
import { codedeployDeploymentGroup } from '../../src/aws/codedeploy-deployment-group.js';
import { codepipelinePipeline } from '../../src/aws/codepipeline-pipeline.js';
import { ecrRepository } from '../../src/aws/ecr-repository.js';
import { eventsRule } from '../../src/aws/events-rule.js';
import { keyArn, kmsKey } from '../../src/aws/kms-key.js';
import { logGroup } from '../../src/aws/log-group.js';
import { s3Bucket } from '../../src/aws/s3-bucket.js';
import { snsTopic } from '../../src/aws/sns-topic.js';
import { ssmParameter } from '../../src/aws/ssm-parameter.js';
import { projectTags, tagIndex } from '../../src/aws/tag-index.js';
import type { Target } from '../../src/engine/types.js';
import { validateCalls } from '../support/api-models.js';
import { resetMoto } from '../support/moto.js';
import { testTarget } from '../support/target.js';

const moto = inject('motoUrl');
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const P = 'mt-pipeline';
const clientConfig = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
const clients = {
  cloudwatch: new CloudWatchClient(clientConfig),
  logs: new CloudWatchLogsClient(clientConfig),
  codebuild: new CodeBuildClient(clientConfig),
  codecommit: new CodeCommitClient(clientConfig),
  codedeploy: new CodeDeployClient(clientConfig),
  codepipeline: new CodePipelineClient(clientConfig),
  ecr: new ECRClient(clientConfig),
  events: new EventBridgeClient(clientConfig),
  iam: new IAMClient(clientConfig),
  kms: new KMSClient(clientConfig),
  tagging: new ResourceGroupsTaggingAPIClient(clientConfig),
  s3: new S3Client({ ...clientConfig, forcePathStyle: true }),
  sns: new SNSClient(clientConfig),
  ssm: new SSMClient(clientConfig),
};
afterAll(() => Object.values(clients).forEach((client) => client.destroy()));

const TAGS = { 'mtpipe:project': P, 'mtpipe:env': 'dev' };
const tagList = Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value }));
const lowerTagList = Object.entries(TAGS).map(([key, value]) => ({ key, value }));
let keyId = '';

/** Each kind's arnOf of the resource created in beforeAll (specs hold only the fields arnOf reads). */
const KINDS: [string, (place: Target) => string | undefined][] = [
  ['ssm parameter', (place) => ssmParameter.arnOf(place, { name: '/mt-pipeline/dev/input_bucket_name' } as never)],
  ['log group', (place) => logGroup.arnOf(place, { name: '/aws/codebuild/mt-pipeline-build' } as never)],
  ['sns topic', (place) => snsTopic.arnOf(place, { name: 'mt-pipeline-alerts' } as never)],
  ['cloudwatch alarm', (place) => cloudwatchAlarm.arnOf(place, { name: 'mt-pipeline-dev-errors' } as never)],
  ['codebuild project', (place) => codebuildProject.arnOf(place, { name: 'mt-pipeline-build' } as never)],
  ['codedeploy application', (place) => codedeployApplication.arnOf(place, { name: 'mt-pipeline-dev' } as never)],
  ['codedeploy deployment group', (place) => codedeployDeploymentGroup.arnOf(place, { applicationName: 'mt-pipeline-dev', name: 'mt-pipeline-dev-group' } as never)],
  ['codecommit repository', (place) => codecommitRepository.arnOf(place, { name: 'mt-pipeline-repo' } as never)],
  ['codepipeline pipeline', (place) => codepipelinePipeline.arnOf(place, { declaration: { name: 'mt-pipeline-pipeline' } } as never)],
  ['ecr repository', (place) => ecrRepository.arnOf(place, { name: 'mt-pipeline/qe' } as never)],
  ['events rule', (place) => eventsRule.arnOf(place, { name: 'mt-pipeline-trigger' } as never)],
  ['s3 bucket', (place) => s3Bucket.arnOf(place, { partition: 'aws', name: 'mt-pipeline-artifacts' } as never)],
];

function target(calls: AwsCall[]): Target {
  return testTarget({ settings: { endpointUrl: moto, observers: [(call) => calls.push(call)] } });
}

beforeAll(async () => {
  await resetMoto(moto);
  const role = (await clients.iam.send(
    new CreateRoleCommand({
      RoleName: 'mt-pipeline-codepipeline',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codepipeline.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }),
  )).Role!.Arn!;
  await clients.ssm.send(new PutParameterCommand({ Name: '/mt-pipeline/dev/input_bucket_name', Value: 'in', Type: 'String', Tags: tagList }));
  await clients.ssm.send(new PutParameterCommand({ Name: '/mt-pipeline/dev/untagged', Value: 'x', Type: 'String' }));
  await clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/codebuild/mt-pipeline-build', tags: TAGS }));
  await clients.sns.send(new CreateTopicCommand({ Name: 'mt-pipeline-alerts', Tags: tagList }));
  await clients.sns.send(new CreateTopicCommand({ Name: 'other-alerts', Tags: [{ Key: 'mtpipe:project', Value: 'other' }] }));
  keyId = (await clients.kms.send(new CreateKeyCommand({ Tags: Object.entries(TAGS).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }))).KeyMetadata!.KeyId!;
  await clients.kms.send(new CreateAliasCommand({ AliasName: 'alias/mt-pipeline-artifacts', TargetKeyId: keyId }));
  await clients.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: 'mt-pipeline-dev-errors', Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60,
      EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Tags: tagList,
    }),
  );
  await clients.codebuild.send(
    new CreateProjectCommand({
      name: 'mt-pipeline-build', source: { type: 'CODECOMMIT', location: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/mt-pipeline-repo' }, artifacts: { type: 'NO_ARTIFACTS' },
      environment: { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL' },
      serviceRole: `arn:aws:iam::${ACCOUNT}:role/mt-pipeline-build`, tags: lowerTagList,
    }),
  );
  await clients.codedeploy.send(new CreateApplicationCommand({ applicationName: 'mt-pipeline-dev', computePlatform: 'Lambda', tags: tagList }));
  await clients.codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: 'mt-pipeline-dev', deploymentGroupName: 'mt-pipeline-dev-group', serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/mt-pipeline-deploy`, tags: tagList,
    }),
  );
  await clients.codecommit.send(new CreateCodeCommitRepositoryCommand({ repositoryName: 'mt-pipeline-repo', tags: TAGS }));
  await clients.codepipeline.send(
    new CreatePipelineCommand({
      pipeline: {
        name: 'mt-pipeline-pipeline', roleArn: role, artifactStore: { type: 'S3', location: 'mt-pipeline-artifacts' },
        stages: [
          { name: 'Source', actions: [{ name: 'Source', actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' }, configuration: { RepositoryName: 'mt-pipeline-repo', BranchName: 'main' }, outputArtifacts: [{ name: 'src' }] }] },
          { name: 'Build', actions: [{ name: 'Build', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: 'mt-pipeline-build' }, inputArtifacts: [{ name: 'src' }] }] },
        ],
      },
      tags: lowerTagList,
    }),
  );
  await clients.ecr.send(new CreateEcrRepositoryCommand({ repositoryName: 'mt-pipeline/qe', tags: tagList }));
  await clients.events.send(new PutRuleCommand({ Name: 'mt-pipeline-trigger', EventPattern: JSON.stringify({ source: ['aws.codecommit'] }), Tags: tagList }));
  await clients.s3.send(new CreateBucketCommand({ Bucket: 'mt-pipeline-artifacts' }));
  await clients.s3.send(new PutBucketTaggingCommand({ Bucket: 'mt-pipeline-artifacts', Tagging: { TagSet: tagList } }));
  await clients.s3.send(new CreateBucketCommand({ Bucket: 'mt-pipeline-untagged' }));
});

describe('the tag index against moto', () => {
  it('answers every kind by its arnOf ARN (a KMS key by its key ARN) from one GetResources, reading nothing else', async () => {
    const calls: AwsCall[] = [];
    const place = target(calls);
    const own = vi.fn(async () => ({}));
    for (const [what, arnOf] of KINDS) {
      const arn = arnOf(place)!;
      expect(await projectTags(place, P, arn, own), `${what} ${arn}`).toEqual(TAGS);
    }
    expect(await projectTags(place, P, keyArn(place, keyId), own)).toEqual(TAGS);
    expect(own).not.toHaveBeenCalled();
    expect(calls.map((call) => `${call.service}.${call.operation}`)).toEqual(['ResourceGroupsTaggingAPI.GetResources']);
    expect(calls[0]?.input).toEqual({ TagFilters: [{ Key: 'mtpipe:project', Values: [P] }], ResourcesPerPage: 100 });
    expect(validateCalls(calls).violations).toEqual([]);
  });

  it('sends an untagged resource, another project one and a key known by its alias to the kind own read', async () => {
    const place = target([]);
    const own = vi.fn(async () => ({ read: 'own' }));
    const untagged = [
      ssmParameter.arnOf(place, { name: '/mt-pipeline/dev/untagged' } as never)!,
      s3Bucket.arnOf(place, { partition: 'aws', name: 'mt-pipeline-untagged' } as never)!,
      snsTopic.arnOf(place, { name: 'other-alerts' } as never)!,
      kmsKey.arnOf(place, { alias: 'alias/mt-pipeline-artifacts' } as never)!,
    ];
    for (const arn of untagged) expect(await projectTags(place, P, arn, own), arn).toEqual({ read: 'own' });
    expect(own).toHaveBeenCalledTimes(untagged.length);
  });

  it('pages through more resources than one page holds', async () => {
    for (let n = 0; n < 105; n++) await clients.sns.send(new CreateTopicCommand({ Name: `mt-pipeline-topic-${n}`, Tags: tagList }));
    const calls: AwsCall[] = [];
    const index = await tagIndex(target(calls), P);
    expect(index?.tagsOf(`arn:aws:sns:${REGION}:${ACCOUNT}:mt-pipeline-topic-104`)).toEqual(TAGS);
    expect(index?.tagsOf(`arn:aws:sns:${REGION}:${ACCOUNT}:mt-pipeline-topic-0`)).toEqual(TAGS);
    expect(calls.filter((call) => call.operation === 'GetResources').length).toBeGreaterThan(1);
    expect(validateCalls(calls).violations).toEqual([]);
  });

  it('moto_ext_tagging honours ResourceTypeFilters and TagFilters for the kinds it adds', async () => {
    const arns = async (input: GetResourcesCommandInput) =>
      ((await clients.tagging.send(new GetResourcesCommand(input))).ResourceTagMappingList ?? []).map((mapping) => mapping.ResourceARN).sort();
    expect(await arns({ ResourceTypeFilters: ['codedeploy'], TagFilters: [{ Key: 'mtpipe:project', Values: [P] }] })).toEqual([
      `arn:aws:codedeploy:${REGION}:${ACCOUNT}:application:mt-pipeline-dev`,
      `arn:aws:codedeploy:${REGION}:${ACCOUNT}:deploymentgroup:mt-pipeline-dev/mt-pipeline-dev-group`,
    ]);
    expect(await arns({ ResourceTypeFilters: ['ecr:repository', 'events:rule'] })).toEqual([
      `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/mt-pipeline/qe`,
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/mt-pipeline-trigger`,
    ]);
    expect(await arns({ ResourceTypeFilters: ['codebuild', 'codecommit', 'codepipeline'], TagFilters: [{ Key: 'mtpipe:project', Values: ['other'] }] })).toEqual([]);
    expect(await arns({ ResourceTypeFilters: ['codebuild', 'codecommit', 'codepipeline'], TagFilters: [{ Key: 'mtpipe:env' }] })).toEqual([
      `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/mt-pipeline-build`,
      `arn:aws:codecommit:${REGION}:${ACCOUNT}:mt-pipeline-repo`,
      `arn:aws:codepipeline:${REGION}:${ACCOUNT}:mt-pipeline-pipeline`,
    ]);
  });
});
