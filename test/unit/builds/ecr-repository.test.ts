import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  PutLifecyclePolicyCommand,
  SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ecrRepository, lifecyclePolicy, PULL_SID, type EcrRepositorySpec } from '../../../src/aws/ecr-repository.js';
import { testTarget } from '../../support/target.js';
import { sent } from './mock-sdk.js';
import { together } from '../aws/in-flight.js';
import { indexHolds, taggingMock } from '../aws/tagging-mock.js';

const ecrMock = mockClient(ECRClient);
const ARN = 'arn:aws:ecr:us-east-1:123456789012:repository/mt-pipeline-qe';
const spec: EcrRepositorySpec = { name: 'mt-pipeline-qe', pullAccounts: ['210987654321'], partition: 'aws', keepImages: 30, tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' } };
const PULL = {
  Sid: PULL_SID,
  Effect: 'Allow',
  Principal: { AWS: ['arn:aws:iam::210987654321:root'] },
  Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
};

beforeEach(() => {
  ecrMock.reset();
  taggingMock.reset();
});

describe('ecrRepository', () => {
  it('creates it with scan on push, immutable tags and tags, then the lifecycle rule and the pull policy of the other accounts', async () => {
    ecrMock.on(CreateRepositoryCommand).resolves({ repository: { repositoryArn: ARN } });
    expect(await ecrRepository.create(testTarget(), spec)).toStrictEqual({ arn: ARN });
    expect(sent(ecrMock)).toStrictEqual([
      [
        'CreateRepositoryCommand',
        {
          repositoryName: 'mt-pipeline-qe',
          imageScanningConfiguration: { scanOnPush: true },
          imageTagMutability: 'IMMUTABLE',
          tags: [
            { Key: 'mtpipe:project', Value: 'mt-pipeline' },
            { Key: 'mtpipe:env', Value: 'shared' },
          ],
        },
      ],
      ['PutLifecyclePolicyCommand', { repositoryName: 'mt-pipeline-qe', lifecyclePolicyText: JSON.stringify(lifecyclePolicy(30)) }],
      ['SetRepositoryPolicyCommand', { repositoryName: 'mt-pipeline-qe', policyText: JSON.stringify({ Version: '2012-10-17', Statement: [PULL] }) }],
    ]);
  });

  it('with every environment in the tool account sets no policy', async () => {
    ecrMock.on(CreateRepositoryCommand).resolves({ repository: { repositoryArn: ARN } });
    await ecrRepository.create(testTarget(), { ...spec, pullAccounts: [] });
    expect(ecrMock.commandCalls(SetRepositoryPolicyCommand)).toHaveLength(0);
    expect(ecrRepository.diff(undefined, { ...spec, pullAccounts: [] }).map((d) => d.field)).not.toContain('policy');
  });

  it('reads it back as ECR returns it (one principal as a string) and finds nothing to change; keeps statements of others', async () => {
    const other = { Sid: 'Theirs', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'ecr:BatchGetImage' };
    ecrMock
      .on(DescribeRepositoriesCommand)
      .resolves({ repositories: [{ repositoryArn: ARN, repositoryName: 'mt-pipeline-qe', imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: 'IMMUTABLE' }] })
      .on(GetLifecyclePolicyCommand)
      .resolves({ lifecyclePolicyText: JSON.stringify(lifecyclePolicy(30)) })
      .on(GetRepositoryPolicyCommand)
      .resolves({ policyText: JSON.stringify({ Version: '2012-10-17', Statement: [other, { ...PULL, Principal: { AWS: 'arn:aws:iam::210987654321:root' } }] }) })
      .on(ListTagsForResourceCommand)
      .resolves({ tags: [{ Key: 'mtpipe:project', Value: 'mt-pipeline' }, { Key: 'mtpipe:env', Value: 'shared' }] });
    const current = await ecrRepository.find(testTarget(), spec);
    expect(ecrRepository.diff(current, spec)).toStrictEqual([]);

    // a new environment account: the statement changes, the other one stays
    const wider = { ...spec, pullAccounts: ['210987654321', '333333333333'] };
    const diffs = ecrRepository.diff(current, wider);
    expect(diffs.map((d) => d.field)).toStrictEqual(['policy']);
    ecrMock.on(SetRepositoryPolicyCommand).resolves({});
    await ecrRepository.update(testTarget(), wider, current!, diffs);
    const policy = JSON.parse(ecrMock.commandCalls(SetRepositoryPolicyCommand)[0]!.args[0].input.policyText!) as { Statement: { Sid: string }[] };
    expect(policy.Statement.map((s) => s.Sid)).toStrictEqual(['Theirs', PULL_SID]);
    expect(ecrMock.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(0);
  });

  it('is not there when ECR says RepositoryNotFoundException (to all three reads); a lost create answer is recognised', async () => {
    const notFound = () => Object.assign(new Error('nope'), { name: 'RepositoryNotFoundException' });
    ecrMock.on(DescribeRepositoriesCommand).rejects(notFound());
    ecrMock.on(GetLifecyclePolicyCommand).rejects(notFound());
    ecrMock.on(GetRepositoryPolicyCommand).rejects(notFound());
    expect(await ecrRepository.find(testTarget(), spec)).toBeUndefined();
    expect(ecrRepository.alreadyExists!(Object.assign(new Error('x'), { name: 'RepositoryAlreadyExistsException' }))).toBe(true);
  });

  it("takes the tags from the project's index (no ListTagsForResource); the repository, its lifecycle and its policy read together", async () => {
    indexHolds({ [ARN]: spec.tags });
    const answer = together(['repository', 'lifecycle', 'policy'], (name) =>
      name === 'repository'
        ? { repositories: [{ repositoryArn: ARN, imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: 'IMMUTABLE' }] }
        : name === 'lifecycle'
          ? { lifecyclePolicyText: JSON.stringify(lifecyclePolicy(30)) }
          : { policyText: JSON.stringify({ Version: '2012-10-17', Statement: [PULL] }) },
    );
    ecrMock.on(DescribeRepositoriesCommand).callsFake(() => answer('repository'));
    ecrMock.on(GetLifecyclePolicyCommand).callsFake(() => answer('lifecycle'));
    ecrMock.on(GetRepositoryPolicyCommand).callsFake(() => answer('policy'));
    const current = await ecrRepository.find(testTarget(), spec);
    expect(current?.tags).toStrictEqual(spec.tags);
    expect(ecrRepository.diff(current, spec)).toEqual([]);
    expect(sent(ecrMock).map(([name]) => name)).not.toContain('ListTagsForResourceCommand');
  });

  it('after CreateRepository, puts the lifecycle rule and the policy together', async () => {
    ecrMock.on(CreateRepositoryCommand).resolves({ repository: { repositoryArn: ARN } });
    const answer = together(['lifecycle', 'policy'], () => ({}));
    ecrMock.on(PutLifecyclePolicyCommand).callsFake(() => answer('lifecycle'));
    ecrMock.on(SetRepositoryPolicyCommand).callsFake(() => answer('policy'));
    await ecrRepository.create(testTarget(), spec);
    expect(sent(ecrMock)).toHaveLength(3);
  });
});
