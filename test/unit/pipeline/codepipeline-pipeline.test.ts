import {
  CreatePipelineCommand,
  GetPipelineCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdatePipelineCommand,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { ListConnectionsCommand, ListTagsForResourceCommand as ListConnectionTagsCommand } from '@aws-sdk/client-codestar-connections';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CONNECTION_PLACEHOLDER, codepipelinePipeline, type Pipeline, type PipelineSpec } from '../../../src/aws/codepipeline-pipeline.js';
import { pipelineDeclaration } from '../../../src/commands/pipeline-declaration.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';
import { indexHolds } from '../aws/tag-index-mock.js';
import { awsError, connectionsMock, pipelineMock, resetPipelineMocks, sent } from './mock-sdk.js';
import { runThatCreated } from '../write-context.js';

const target = testTarget();
const PLACE = { partition: 'aws', account: '123456789012', region: 'us-east-1' };
const TAGS = { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' };
const ARN = 'arn:aws:codepipeline:us-east-1:123456789012:mt-pipeline-pipeline';
const config = configSchema.parse(defaultConfig('us-east-1'));
const wanted = pipelineDeclaration(config, PLACE, {
  name: 'mt-pipeline-pipeline',
  envs: ['dev', 'prod'],
  branch: 'main',
  approvalTopicArn: 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-approvals',
});
const spec: PipelineSpec = { declaration: wanted, tags: TAGS };

/** What GetPipeline returns for a pipeline created from `wanted`: version, and AWS's own settings on actions and stages. */
function asAwsReturnsIt(declaration: PipelineDeclaration): PipelineDeclaration {
  const copy = structuredClone(declaration);
  copy.version = 3;
  copy.artifactStore = { ...copy.artifactStore!, encryptionKey: { id: 'alias/aws/s3', type: 'KMS' } };
  copy.variables = [{ name: 'TEAM', defaultValue: 'mt' }];
  for (const stage of copy.stages!) {
    stage.onFailure = { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } };
    for (const action of stage.actions!) {
      action.region = 'us-east-1';
      action.timeoutInMinutes = 120;
      // the configuration keys in another order; EnvironmentVariables written with spaces
      action.configuration = Object.fromEntries(Object.entries(action.configuration ?? {}).reverse());
      if (action.configuration.EnvironmentVariables) {
        action.configuration.EnvironmentVariables = JSON.stringify(JSON.parse(action.configuration.EnvironmentVariables), null, 1);
      }
    }
  }
  return copy;
}

const current = (declaration = asAwsReturnsIt(wanted), tags: Record<string, string> = TAGS): Pipeline => ({ arn: ARN, declaration, tags });

beforeEach(() => {
  resetPipelineMocks();
  indexHolds([target]);
});

describe('codepipeline:pipeline find', () => {
  it('reads the declaration and the tags; a missing pipeline is undefined', async () => {
    pipelineMock.on(GetPipelineCommand).resolves({ pipeline: wanted, metadata: { pipelineArn: ARN } });
    pipelineMock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'mtpipe:project', value: 'mt-pipeline' }] });
    expect(await codepipelinePipeline.find(target, spec)).toEqual({ arn: ARN, declaration: wanted, tags: { 'mtpipe:project': 'mt-pipeline' } });
    expect(sent(pipelineMock)).toEqual([
      ['GetPipelineCommand', { name: 'mt-pipeline-pipeline' }],
      ['ListTagsForResourceCommand', { resourceArn: ARN }],
    ]);
    pipelineMock.on(GetPipelineCommand).rejects(awsError('PipelineNotFoundException'));
    expect(await codepipelinePipeline.find(target, spec)).toBeUndefined();
  });
});

describe('codepipeline:pipeline find with the project tag index', () => {
  it('reads no ListTagsForResource for a pipeline the index holds', async () => {
    indexHolds([target], { [ARN]: { 'mtpipe:project': 'mt-pipeline', team: 'mt' } });
    pipelineMock.on(GetPipelineCommand).resolves({ pipeline: wanted, metadata: { pipelineArn: ARN } });
    expect(await codepipelinePipeline.find(target, spec)).toEqual({ arn: ARN, declaration: wanted, tags: { 'mtpipe:project': 'mt-pipeline', team: 'mt' } });
    expect(sent(pipelineMock)).toEqual([['GetPipelineCommand', { name: 'mt-pipeline-pipeline' }]]);
  });
});

describe('codepipeline:pipeline diff', () => {
  it('no difference once AWS has filled in its defaults (version, runOrder, region, timeouts, retries, key order)', () => {
    expect(codepipelinePipeline.diff(current(), spec)).toEqual([]);
  });

  it('no difference when AWS leaves out what is default (runOrder, empty artifact lists)', () => {
    const sparse = structuredClone(wanted);
    for (const stage of sparse.stages!) for (const action of stage.actions!) {
      delete action.runOrder;
      if (action.inputArtifacts?.length === 0) delete action.inputArtifacts;
      if (action.outputArtifacts?.length === 0) delete action.outputArtifacts;
    }
    expect(codepipelinePipeline.diff(current(sparse), spec)).toEqual([]);
  });

  it('a pipeline changed by hand, field by field', () => {
    const changed = asAwsReturnsIt(wanted);
    changed.executionMode = 'PARALLEL';
    changed.stages![0]!.actions![0]!.configuration!.PollForSourceChanges = 'true';
    changed.stages! = changed.stages!.filter((stage) => stage.name !== 'Approve-prod');
    expect(codepipelinePipeline.diff(current(changed), spec)).toEqual([
      { field: 'executionMode', from: 'PARALLEL', to: 'SUPERSEDED' },
      {
        field: 'stages',
        from: ['Source', 'BuildAndTest', 'Deploy-dev', 'Test-dev', 'Deploy-prod', 'Test-prod'],
        to: ['Source', 'BuildAndTest', 'Deploy-dev', 'Test-dev', 'Approve-prod', 'Deploy-prod', 'Test-prod'],
      },
      {
        field: 'Source.Source.configuration',
        from: { RepositoryName: 'machine-translation', BranchName: 'main', PollForSourceChanges: 'true', OutputArtifactFormat: 'CODE_ZIP' },
        to: { RepositoryName: 'machine-translation', BranchName: 'main', PollForSourceChanges: 'false', OutputArtifactFormat: 'CODE_ZIP' },
      },
    ]);
  });

  it('a V1 pipeline (no pipelineType returned) becomes V2', () => {
    const v1 = asAwsReturnsIt(wanted);
    delete v1.pipelineType;
    delete v1.executionMode;
    expect(codepipelinePipeline.diff(current(v1), spec)).toEqual([{ field: 'pipelineType', from: 'V1', to: 'V2' }]);
  });
});

describe('codepipeline:pipeline create and update', () => {
  it('creates with the exact declaration and tags, retrying while the new role cannot be assumed', async () => {
    vi.useFakeTimers();
    try {
      pipelineMock
        .on(CreatePipelineCommand)
        .rejectsOnce(awsError('InvalidStructureException', 400, 'CodePipeline is not authorized to perform AssumeRole on role arn:aws:iam::123456789012:role/mtpipe/mt-pipeline-pipeline'))
        .resolves({ pipeline: wanted });
      const created = codepipelinePipeline.create(target, spec, runThatCreated(`iam:role ${spec.declaration.roleArn}`));
      await vi.runAllTimersAsync();
      expect(await created).toEqual({ arn: ARN });
    } finally {
      vi.useRealTimers();
    }
    const input = { pipeline: wanted, tags: [{ key: 'mtpipe:project', value: 'mt-pipeline' }, { key: 'mtpipe:env', value: 'shared' }] };
    expect(sent(pipelineMock)).toEqual([['CreatePipelineCommand', input], ['CreatePipelineCommand', input]]);
  });

  it('a role this run did not create is not waited for: the refusal fails at once', async () => {
    pipelineMock.on(CreatePipelineCommand).rejects(awsError('InvalidStructureException', 400, 'CodePipeline is not authorized to perform AssumeRole on role x'));
    await expect(codepipelinePipeline.create(target, spec, runThatCreated())).rejects.toThrow('not authorized');
    expect(sent(pipelineMock)).toHaveLength(1);
  });

  it('answers "already exists" for PipelineNameInUseException only', () => {
    expect(codepipelinePipeline.alreadyExists?.(awsError('PipelineNameInUseException'))).toBe(true);
    expect(codepipelinePipeline.alreadyExists?.(awsError('InvalidStructureException'))).toBe(false);
  });

  it('updates with mtpipe\'s declaration and everything else carried over; tags only added', async () => {
    const changed = asAwsReturnsIt(wanted);
    changed.executionMode = 'QUEUED';
    const have = current(changed, { 'mtpipe:project': 'mt-pipeline', team: 'mt' });
    pipelineMock.on(UpdatePipelineCommand).resolves({});
    pipelineMock.on(TagResourceCommand).resolves({});
    await codepipelinePipeline.update(target, spec, have, codepipelinePipeline.diff(have, spec));
    // the declaration and the tags are written at once
    const calls = new Map(sent(pipelineMock));
    expect([...calls.keys()].sort()).toEqual(['TagResourceCommand', 'UpdatePipelineCommand']);
    const update = calls.get('UpdatePipelineCommand') as { pipeline: PipelineDeclaration };
    const tag = calls.get('TagResourceCommand');
    const expected = asAwsReturnsIt(wanted);
    // AWS's settings stay, mtpipe's configuration is sent as mtpipe writes it
    for (const [index, stage] of expected.stages!.entries()) {
      for (const [a, action] of stage.actions!.entries()) action.configuration = wanted.stages![index]!.actions![a]!.configuration;
    }
    expect(update.pipeline).toEqual(expected);
    expect(tag).toEqual({ resourceArn: ARN, tags: [{ key: 'mtpipe:env', value: 'shared' }] });
  });

  it('with only a missing tag, tags and does not update the declaration', async () => {
    pipelineMock.on(TagResourceCommand).resolves({});
    const have = current(undefined, { 'mtpipe:project': 'mt-pipeline' });
    await codepipelinePipeline.update(target, spec, have, codepipelinePipeline.diff(have, spec));
    expect(sent(pipelineMock).map(([name]) => name)).toEqual(['TagResourceCommand']);
  });
});

describe('a connection mtpipe creates', () => {
  const c = configSchema.parse({ ...defaultConfig('us-east-1'), source: { provider: 'codeconnections', fullRepositoryId: 'my-org/mt' } });
  const declaration = pipelineDeclaration(c, PLACE, { name: 'mt-pipeline-pipeline', envs: ['dev'], branch: 'main' });
  const withConnection: PipelineSpec = { declaration, tags: TAGS, connection: { name: 'mt-pipeline', providerType: 'GitHub' } };
  const CONNECTION = 'arn:aws:codestar-connections:us-east-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666';

  beforeEach(() => {
    connectionsMock.on(ListConnectionsCommand).resolves({ Connections: [{ ConnectionName: 'mt-pipeline', ConnectionArn: CONNECTION, ProviderType: 'GitHub', ConnectionStatus: 'PENDING' }] });
    connectionsMock.on(ListConnectionTagsCommand).resolves({ Tags: [] });
  });

  it('is written with the connection\'s ARN in place of the placeholder', async () => {
    pipelineMock.on(CreatePipelineCommand).resolves({});
    await codepipelinePipeline.create(target, withConnection);
    const [[, input]] = sent(pipelineMock) as [[string, { pipeline: PipelineDeclaration }]];
    expect(input.pipeline.stages![0]!.actions![0]!.configuration?.ConnectionArn).toBe(CONNECTION);
    expect(sent(connectionsMock)[0]).toEqual(['ListConnectionsCommand', { ProviderTypeFilter: 'GitHub', MaxResults: 100 }]);
  });

  it('is read back with the placeholder: no difference', async () => {
    const stored = structuredClone(declaration);
    stored.stages![0]!.actions![0]!.configuration!.ConnectionArn = CONNECTION;
    pipelineMock.on(GetPipelineCommand).resolves({ pipeline: stored, metadata: { pipelineArn: ARN } });
    pipelineMock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'mtpipe:project', value: 'mt-pipeline' }, { key: 'mtpipe:env', value: 'shared' }] });
    const found = await codepipelinePipeline.find(target, withConnection);
    expect(found?.declaration.stages![0]!.actions![0]!.configuration?.ConnectionArn).toBe(CONNECTION_PLACEHOLDER);
    expect(codepipelinePipeline.diff(found, withConnection)).toEqual([]);
  });
});
