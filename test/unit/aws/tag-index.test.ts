import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetRunReads } from '../../../src/aws/run-reads.js';
import { canonicalArn, forgetTags, projectTags, tagIndex } from '../../../src/aws/tag-index.js';
import { testTarget } from '../../support/target.js';
import { sentCommands } from './mock-sdk.js';

const tagging = mockClient(ResourceGroupsTaggingAPIClient);
beforeEach(() => tagging.reset());

const P = 'mt-pipeline';
const FILTER = { TagFilters: [{ Key: 'mtpipe:project', Values: [P] }], ResourcesPerPage: 100 };
const PARAMETER = 'arn:aws:ssm:us-east-1:123456789012:parameter/mt/dev/input_bucket_name';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-alerts';
const LOG_GROUP = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/mt-build';
const mapping = (ResourceARN: string, tags: Record<string, string>) => ({ ResourceARN, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
const accessDenied = Object.assign(new Error('User is not authorized to perform: tag:GetResources'), { name: 'AccessDeniedException' });

describe('projectTags', () => {
  it('reads every page of GetResources once, with the project tag filter and 100 per page, and answers from it', async () => {
    tagging
      .on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [mapping(PARAMETER, { 'mtpipe:project': P, 'mtpipe:env': 'dev' })], PaginationToken: 'page-2' })
      .resolvesOnce({ ResourceTagMappingList: [mapping(TOPIC, { 'mtpipe:project': P })], PaginationToken: '' });
    const target = testTarget();
    const own = vi.fn(async () => ({ never: 'read' }));

    expect(await projectTags(target, P, PARAMETER, own)).toEqual({ 'mtpipe:project': P, 'mtpipe:env': 'dev' });
    expect(await projectTags(target, P, TOPIC, own)).toEqual({ 'mtpipe:project': P });
    expect(own).not.toHaveBeenCalled();
    expect(sentCommands(tagging)).toEqual([
      ['GetResourcesCommand', FILTER],
      ['GetResourcesCommand', { ...FILTER, PaginationToken: 'page-2' }],
    ]);
  });

  it('reads the tags of a resource the index does not hold with the kind own read, once per resource', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [mapping(TOPIC, { 'mtpipe:project': P })] });
    const target = testTarget();
    const own = vi.fn(async () => ({ team: 'other' }));

    expect(await projectTags(target, P, PARAMETER, own)).toEqual({ team: 'other' });
    expect(own).toHaveBeenCalledTimes(1);
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(1);
  });

  it('shares one GetResources among concurrent callers of one target, and among targets with the same clients', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [mapping(TOPIC, { 'mtpipe:project': P })] });
    const shared = testTarget();
    const dev = { ...shared, name: 'dev' };
    const own = vi.fn(async () => ({}));

    const answers = await Promise.all([projectTags(shared, P, TOPIC, own), projectTags(dev, P, TOPIC, own), projectTags(shared, P, TOPIC, own)]);
    expect(answers).toEqual([{ 'mtpipe:project': P }, { 'mtpipe:project': P }, { 'mtpipe:project': P }]);
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(1);
    expect(own).not.toHaveBeenCalled();
  });

  it('reads one index per set of clients (an environment with a role of its own) and per project', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    const own = async () => ({});
    await projectTags(testTarget(), P, TOPIC, own);
    await projectTags(testTarget({ name: 'prod' }), P, TOPIC, own);
    const target = testTarget();
    await projectTags(target, 'other-project', TOPIC, own);
    await projectTags(target, P, TOPIC, own);
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(4);
  });

  it('falls back to the kind own reads without an error when GetResources is refused, and asks no more', async () => {
    tagging.on(GetResourcesCommand).rejects(accessDenied);
    const target = testTarget();
    const own = vi.fn(async () => ({ 'mtpipe:project': P }));

    expect(await projectTags(target, P, TOPIC, own)).toEqual({ 'mtpipe:project': P });
    expect(await projectTags(target, P, PARAMETER, own)).toEqual({ 'mtpipe:project': P });
    expect(own).toHaveBeenCalledTimes(2);
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(1);
    expect(await tagIndex(target, P)).toBeUndefined();
  });

  it('drops the whole index when a later page fails: no partial answers', async () => {
    tagging
      .on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [mapping(TOPIC, { 'mtpipe:project': P })], PaginationToken: 'page-2' })
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const own = vi.fn(async () => ({ read: 'own' }));
    expect(await projectTags(testTarget(), P, TOPIC, own)).toEqual({ read: 'own' });
  });

  it('passes the kind own read errors through', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    await expect(projectTags(testTarget(), P, TOPIC, async () => Promise.reject(new Error('ListTagsForResource failed')))).rejects.toThrow('ListTagsForResource failed');
  });

  it('reads with the kind own read, and no index, when the spec names no project', async () => {
    const own = vi.fn(async () => ({ read: 'own' }));
    expect(await projectTags(testTarget(), undefined, TOPIC, own)).toEqual({ read: 'own' });
    expect(tagging.calls()).toHaveLength(0);
  });

  it('never calls AWS for an offline target', async () => {
    const own = vi.fn(async () => ({}));
    await projectTags(testTarget({ offline: true }), P, TOPIC, own);
    expect(tagging.calls()).toHaveLength(0);
    expect(own).toHaveBeenCalledTimes(1);
  });

  it('answers a log group by either ARN form and a forgotten ARN by the kind own read', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [mapping(LOG_GROUP, { 'mtpipe:project': P }), mapping(TOPIC, { 'mtpipe:project': P })] });
    const target = testTarget();
    const own = vi.fn(async () => ({ 'mtpipe:project': P, changed: 'yes' }));

    expect(await projectTags(target, P, `${LOG_GROUP}:*`, own)).toEqual({ 'mtpipe:project': P });
    forgetTags(target, TOPIC);
    expect(await projectTags(target, P, TOPIC, own)).toEqual({ 'mtpipe:project': P, changed: 'yes' });
    expect(own).toHaveBeenCalledTimes(1);
  });
});

describe('forgetRunReads', () => {
  it('makes the next question read a new index (a plan after the run wrote)', async () => {
    tagging
      .on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [mapping(TOPIC, { 'mtpipe:project': P })] })
      .resolvesOnce({ ResourceTagMappingList: [mapping(TOPIC, { 'mtpipe:project': P, 'mtpipe:env': 'dev' })] });
    const target = testTarget();
    const own = vi.fn(async () => ({}));
    expect(await projectTags(target, P, TOPIC, own)).toEqual({ 'mtpipe:project': P });
    forgetRunReads(target);
    expect(await projectTags(target, P, TOPIC, own)).toEqual({ 'mtpipe:project': P, 'mtpipe:env': 'dev' });
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(2);
    expect(own).not.toHaveBeenCalled();
  });
});

describe('canonicalArn', () => {
  it('drops the :* of a log group ARN and gives an SSM parameter ARN one slash before the name', () => {
    expect(canonicalArn(`${LOG_GROUP}:*`)).toBe(LOG_GROUP);
    expect(canonicalArn(LOG_GROUP)).toBe(LOG_GROUP);
    expect(canonicalArn('arn:aws:ssm:us-east-1:123456789012:parametermt-flat')).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/mt-flat');
    expect(canonicalArn('arn:aws:ssm:us-east-1:123456789012:parameter//mt/dev/x')).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/mt/dev/x');
    expect(canonicalArn(PARAMETER)).toBe(PARAMETER);
  });

  it('keeps other ARNs as they are', () => {
    for (const arn of [
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:mt-pipeline-dev-errors',
      'arn:aws:s3:::mt-bucket',
      'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:mt-app/mt-group',
      'arn:aws:events:us-east-1:123456789012:rule/mt-rule',
    ]) {
      expect(canonicalArn(arn)).toBe(arn);
    }
  });
});
