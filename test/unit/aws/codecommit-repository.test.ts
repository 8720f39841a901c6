import {
  CreateRepositoryCommand,
  EncryptionKeyAccessDeniedException,
  GetRepositoryCommand,
  ListTagsForResourceCommand,
  RepositoryDoesNotExistException,
  TagResourceCommand,
  UpdateRepositoryDescriptionCommand,
} from '@aws-sdk/client-codecommit';
import { beforeEach, describe, expect, it } from 'vitest';
import { codecommitRepository, repositoryArn, type Repository, type RepositorySpec } from '../../../src/aws/codecommit-repository.js';
import { testTarget } from '../../support/target.js';
import { codecommitMock, resetSdkMocks, sentCommands } from './mock-sdk.js';
import { indexHolds } from './tag-index-mock.js';

const target = testTarget();
const ARN = 'arn:aws:codecommit:us-east-1:123456789012:mt-repo';
const MTPIPE_TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' };

const spec: RepositorySpec = { name: 'mt-repo', description: 'Machine translation pipeline', tags: MTPIPE_TAGS };

function current(overrides: Partial<Repository> = {}): Repository {
  return {
    name: 'mt-repo',
    arn: ARN,
    description: 'Machine translation pipeline',
    cloneUrlHttp: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/mt-repo',
    cloneUrlSsh: 'ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/mt-repo',
    tags: { ...MTPIPE_TAGS },
    ...overrides,
  };
}

function notFound() {
  return new RepositoryDoesNotExistException({ message: 'mt-repo does not exist', $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => {
  resetSdkMocks();
  indexHolds([target]);
});

describe('codecommitRepository.find', () => {
  it('reads the repository and its tags', async () => {
    codecommitMock.on(GetRepositoryCommand).resolves({
      repositoryMetadata: {
        Arn: ARN,
        repositoryName: 'mt-repo',
        repositoryDescription: 'Machine translation pipeline',
        cloneUrlHttp: 'https://git-codecommit.us-east-1.amazonaws.com/v1/repos/mt-repo',
        cloneUrlSsh: 'ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/mt-repo',
      },
    });
    codecommitMock.on(ListTagsForResourceCommand).resolves({ tags: { ...MTPIPE_TAGS, team: 'nlp' } });

    await expect(codecommitRepository.find(target, spec)).resolves.toStrictEqual(current({ tags: { ...MTPIPE_TAGS, team: 'nlp' } }));
    expect(sentCommands(codecommitMock)).toStrictEqual([
      ['GetRepositoryCommand', { repositoryName: 'mt-repo' }],
      ['ListTagsForResourceCommand', { resourceArn: ARN, nextToken: undefined }],
    ]);
  });

  it('reads no ListTagsForResource for a repository the project tag index holds', async () => {
    indexHolds([target], { [ARN]: { ...MTPIPE_TAGS, team: 'nlp' } });
    codecommitMock.on(GetRepositoryCommand).resolves({ repositoryMetadata: { Arn: ARN, repositoryName: 'mt-repo', repositoryDescription: 'Machine translation pipeline' } });

    await expect(codecommitRepository.find(target, spec)).resolves.toMatchObject({ arn: ARN, tags: { ...MTPIPE_TAGS, team: 'nlp' } });
    expect(sentCommands(codecommitMock)).toStrictEqual([['GetRepositoryCommand', { repositoryName: 'mt-repo' }]]);
  });

  it('reads every page of tags', async () => {
    codecommitMock.on(GetRepositoryCommand).resolves({ repositoryMetadata: { repositoryName: 'mt-repo', Arn: ARN } });
    codecommitMock
      .on(ListTagsForResourceCommand)
      .resolvesOnce({ tags: { 'mtpipe:project': 'mt' }, nextToken: 'page2' })
      .resolvesOnce({ tags: { 'mtpipe:env': 'shared' } });

    const found = await codecommitRepository.find(target, spec);
    expect(found?.tags).toStrictEqual({ 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' });
    expect(sentCommands(codecommitMock).slice(1)).toStrictEqual([
      ['ListTagsForResourceCommand', { resourceArn: ARN, nextToken: undefined }],
      ['ListTagsForResourceCommand', { resourceArn: ARN, nextToken: 'page2' }],
    ]);
  });

  it('builds the ARN from the target when AWS returns none', async () => {
    codecommitMock.on(GetRepositoryCommand).resolves({ repositoryMetadata: { repositoryName: 'mt-repo' } });
    codecommitMock.on(ListTagsForResourceCommand).resolves({});

    const found = await codecommitRepository.find(target, spec);
    expect(found).toMatchObject({ arn: ARN, description: '', tags: {} });
    expect(codecommitMock).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: ARN });
    expect(repositoryArn(target, 'mt-repo')).toBe(ARN);
  });

  it('returns undefined on RepositoryDoesNotExistException and reads no tags', async () => {
    codecommitMock.on(GetRepositoryCommand).rejects(notFound());

    await expect(codecommitRepository.find(target, spec)).resolves.toBeUndefined();
    expect(codecommitMock).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  it('rethrows any other error', async () => {
    const denied = new EncryptionKeyAccessDeniedException({ message: 'no access to the key', $metadata: {} });
    codecommitMock.on(GetRepositoryCommand).rejects(denied);

    await expect(codecommitRepository.find(target, spec)).rejects.toBe(denied);
  });

  it('rethrows a plain access-denied error', async () => {
    const error = Object.assign(new Error('User is not authorized to perform codecommit:GetRepository'), { name: 'AccessDeniedException' });
    codecommitMock.on(GetRepositoryCommand).rejects(error);

    await expect(codecommitRepository.find(target, spec)).rejects.toThrow('not authorized');
  });
});

describe('codecommitRepository.create', () => {
  it('sends name, description and tags exactly, and returns the ARN AWS gives', async () => {
    codecommitMock.on(CreateRepositoryCommand).resolves({ repositoryMetadata: { Arn: ARN } });

    await expect(codecommitRepository.create(target, spec)).resolves.toStrictEqual({ arn: ARN });
    expect(sentCommands(codecommitMock)).toStrictEqual([
      [
        'CreateRepositoryCommand',
        { repositoryName: 'mt-repo', repositoryDescription: 'Machine translation pipeline', tags: MTPIPE_TAGS },
      ],
    ]);
  });

  it('leaves out an empty description', async () => {
    codecommitMock.on(CreateRepositoryCommand).resolves({});

    await expect(codecommitRepository.create(target, { ...spec, description: '' })).resolves.toStrictEqual({ arn: ARN });
    expect(codecommitMock.commandCalls(CreateRepositoryCommand)[0]?.args[0].input).toStrictEqual({
      repositoryName: 'mt-repo',
      tags: MTPIPE_TAGS,
    });
  });
});

describe('codecommitRepository.diff', () => {
  it('lists every field it would set for a new repository', () => {
    expect(codecommitRepository.diff(undefined, spec)).toStrictEqual([
      { field: 'description', to: 'Machine translation pipeline' },
      { field: 'tags', to: MTPIPE_TAGS },
    ]);
  });

  it('ignores tags users added', () => {
    expect(codecommitRepository.diff(current({ tags: { ...MTPIPE_TAGS, team: 'nlp', CostCenter: '42' } }), spec)).toStrictEqual([]);
  });

  it('reports a changed description', () => {
    expect(codecommitRepository.diff(current({ description: 'old' }), spec)).toStrictEqual([
      { field: 'description', from: 'old', to: 'Machine translation pipeline' },
    ]);
  });

  it('reports only the mtpipe tags that are missing or different', () => {
    const tags = { 'mtpipe:project': 'mt', 'mtpipe:env': 'dev', team: 'nlp' };
    expect(codecommitRepository.diff(current({ tags }), spec)).toStrictEqual([
      { field: 'tags', from: { 'mtpipe:env': 'dev' }, to: { 'mtpipe:env': 'shared' } },
    ]);
  });
});

describe('codecommitRepository.update', () => {
  beforeEach(() => {
    codecommitMock.on(UpdateRepositoryDescriptionCommand).resolves({});
    codecommitMock.on(TagResourceCommand).resolves({});
  });

  it('sends nothing when nothing differs', async () => {
    const repo = current({ tags: { ...MTPIPE_TAGS, team: 'nlp' } });
    const diffs = codecommitRepository.diff(repo, spec);

    await expect(codecommitRepository.update(target, spec, repo, diffs)).resolves.toStrictEqual({ arn: ARN });
    expect(codecommitMock.calls()).toHaveLength(0);
  });

  it('updates the description only when it differs', async () => {
    const repo = current({ description: 'old', tags: { ...MTPIPE_TAGS, team: 'nlp' } });

    await codecommitRepository.update(target, spec, repo, codecommitRepository.diff(repo, spec));
    expect(sentCommands(codecommitMock)).toStrictEqual([
      ['UpdateRepositoryDescriptionCommand', { repositoryName: 'mt-repo', repositoryDescription: 'Machine translation pipeline' }],
    ]);
  });

  it('tags only the missing or different mtpipe tags, never user tags', async () => {
    const repo = current({ tags: { 'mtpipe:env': 'dev', team: 'nlp' } });

    await codecommitRepository.update(target, spec, repo, codecommitRepository.diff(repo, spec));
    expect(sentCommands(codecommitMock)).toStrictEqual([
      ['TagResourceCommand', { resourceArn: ARN, tags: { 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' } }],
    ]);
    expect(codecommitMock).not.toHaveReceivedCommand(UpdateRepositoryDescriptionCommand);
  });

  it('sends both calls when description and a tag differ', async () => {
    const repo = current({ description: '', tags: { 'mtpipe:env': 'shared' } });

    await codecommitRepository.update(target, spec, repo, codecommitRepository.diff(repo, spec));
    expect(codecommitMock).toHaveReceivedCommandExactlyOnceWith(UpdateRepositoryDescriptionCommand, {
      repositoryName: 'mt-repo',
      repositoryDescription: 'Machine translation pipeline',
    });
    expect(codecommitMock.commandCalls(TagResourceCommand)[0]?.args[0].input).toStrictEqual({
      resourceArn: ARN,
      tags: { 'mtpipe:project': 'mt' },
    });
  });
});
