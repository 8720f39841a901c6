import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import { beforeEach, describe, expect, it } from 'vitest';
import { logGroup, type LogGroupSpec } from '../../../src/aws/log-group.js';
import { apply } from '../../../src/engine/apply.js';
import type { Desired } from '../../../src/engine/types.js';
import { testTarget } from '../../support/target.js';
import { logsMock, resetBuildMocks, sent } from './mock-sdk.js';
import { indexHolds } from '../aws/tagging-mock.js';

const NAME = '/aws/codebuild/mt-build-and-test';
const ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${NAME}`;
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' };
const spec: LogGroupSpec = { name: NAME, retentionDays: 30, tags: TAGS };
// a new target per test: the listing of the project's log groups is kept per set of clients for the run
let target = testTarget();

beforeEach(() => {
  resetBuildMocks();
  target = testTarget();
});

describe('logGroup.find', () => {
  it('finds the exact name among the project\'s log groups and reads tags on the ARN without ":*"', async () => {
    logsMock.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        { logGroupName: NAME, arn: `${ARN}:*`, logGroupArn: ARN, retentionInDays: 14 },
        { logGroupName: `${NAME}-old`, arn: `${ARN}-old:*` },
      ],
    });
    logsMock.on(ListTagsForResourceCommand).resolves({ tags: { ...TAGS, team: 'ml' } });

    expect(await logGroup.find(target, spec)).toStrictEqual({ name: NAME, arn: ARN, retentionDays: 14, tags: { ...TAGS, team: 'ml' } });
    expect(sent(logsMock)).toStrictEqual([
      ['DescribeLogGroupsCommand', { logGroupNamePattern: 'mt' }],
      ['ListTagsForResourceCommand', { resourceArn: ARN }],
    ]);
  });

  it('strips ":*" from `arn` when the answer has no logGroupArn', async () => {
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: NAME, arn: `${ARN}:*` }] });
    logsMock.on(ListTagsForResourceCommand).resolves({});
    expect(await logGroup.find(target, spec)).toStrictEqual({ name: NAME, arn: ARN, retentionDays: undefined, tags: {} });
  });

  it('pages through the project\'s log groups, and is undefined when the exact name is not among them', async () => {
    logsMock
      .on(DescribeLogGroupsCommand)
      .resolvesOnce({ logGroups: [{ logGroupName: `${NAME}-a` }], nextToken: 't1' })
      .resolvesOnce({ logGroups: [{ logGroupName: `${NAME}-b` }] });
    expect(await logGroup.find(target, spec)).toBeUndefined();
    expect(sent(logsMock)).toStrictEqual([
      ['DescribeLogGroupsCommand', { logGroupNamePattern: 'mt' }],
      ['DescribeLogGroupsCommand', { logGroupNamePattern: 'mt', nextToken: 't1' }],
    ]);
  });
});

describe('logGroup.find: one listing for the project\'s log groups', () => {
  const OTHER = '/aws/events/mt-pipeline-events';
  it('serves every group of the project in the account and region from one DescribeLogGroups; tags from the index', async () => {
    indexHolds({ [ARN]: TAGS, [`arn:aws:logs:us-east-1:123456789012:log-group:${OTHER}`]: TAGS });
    logsMock.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        { logGroupName: OTHER, arn: `arn:aws:logs:us-east-1:123456789012:log-group:${OTHER}:*`, retentionInDays: 7 },
        { logGroupName: NAME, arn: `${ARN}:*`, retentionInDays: 30 },
      ],
    });
    const [mine, other, absent] = await Promise.all([
      logGroup.find(target, spec),
      logGroup.find(target, { ...spec, name: OTHER, retentionDays: 7 }),
      logGroup.find(target, { ...spec, name: '/aws/codebuild/mt-gone' }),
    ]);
    expect(mine).toStrictEqual({ name: NAME, arn: ARN, retentionDays: 30, tags: TAGS });
    expect(other?.retentionDays).toBe(7);
    expect(absent).toBeUndefined();
    expect(sent(logsMock)).toStrictEqual([['DescribeLogGroupsCommand', { logGroupNamePattern: 'mt' }]]);
  });

  it('lists again once this run has written a log group (a plan after the apply sees it)', async () => {
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    logsMock.on(CreateLogGroupCommand).resolves({});
    logsMock.on(PutRetentionPolicyCommand).resolves({});
    expect(await logGroup.find(target, spec)).toBeUndefined();
    await logGroup.create(target, spec);
    await logGroup.find(target, spec);
    expect(sent(logsMock).filter(([name]) => name === 'DescribeLogGroupsCommand')).toHaveLength(2);
  });

  it('a name without the project\'s is looked up by prefix', async () => {
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    expect(await logGroup.find(target, { ...spec, name: '/aws/lambda/other' })).toBeUndefined();
    expect(sent(logsMock)).toStrictEqual([['DescribeLogGroupsCommand', { logGroupNamePrefix: '/aws/lambda/other', nextToken: undefined }]]);
  });
});

describe('logGroup writes', () => {
  it('creates the group with its tags, then sets the retention', async () => {
    logsMock.resolves({});
    expect(await logGroup.create(target, spec)).toEqual({ arn: ARN });
    expect(sent(logsMock)).toStrictEqual([
      ['CreateLogGroupCommand', { logGroupName: NAME, tags: TAGS }],
      ['PutRetentionPolicyCommand', { logGroupName: NAME, retentionInDays: 30 }],
    ]);
  });

  it('changes only what differs: the retention, the missing tags', async () => {
    logsMock.resolves({});
    const current = { name: NAME, arn: ARN, retentionDays: undefined, tags: { 'mtpipe:project': 'mt', team: 'ml' } };
    const diffs = logGroup.diff(current, spec);
    expect(diffs).toEqual([
      { field: 'retentionDays', from: undefined, to: 30 },
      { field: 'tags', from: {}, to: { 'mtpipe:env': 'shared' } },
    ]);
    await logGroup.update(target, spec, current, diffs);
    expect(sent(logsMock)).toStrictEqual([
      ['PutRetentionPolicyCommand', { logGroupName: NAME, retentionInDays: 30 }],
      ['TagResourceCommand', { resourceArn: ARN, tags: { 'mtpipe:env': 'shared' } }],
    ]);
  });

  it('has nothing to change when retention and tags are as wanted', () => {
    expect(logGroup.diff({ name: NAME, arn: ARN, retentionDays: 30, tags: { ...TAGS, team: 'ml' } }, spec)).toEqual([]);
  });
});

describe('a CreateLogGroup whose response was lost (issue 6 item 1)', () => {
  it('the SDK retry meets ResourceAlreadyExistsException: apply reads the group and puts its retention; created, not failed', async () => {
    // the first attempt made the group, with its tags, and its answer never came: no retention yet
    logsMock.on(CreateLogGroupCommand).rejects(new ResourceAlreadyExistsException({ message: 'The specified log group already exists', $metadata: {} }));
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: NAME, logGroupArn: ARN }] });
    logsMock.on(ListTagsForResourceCommand).resolves({ tags: TAGS });
    logsMock.on(PutRetentionPolicyCommand).resolves({});
    const desired: Desired = { id: NAME, kind: logGroup as Desired['kind'], spec, target };

    const [result] = await apply([{ desired, action: 'create', diffs: logGroup.diff(undefined, spec) }], { concurrency: 8, project: 'mt', adopt: false });
    expect(result).toMatchObject({ status: 'created', arn: ARN });
    expect(sent(logsMock)).toStrictEqual([
      ['CreateLogGroupCommand', { logGroupName: NAME, tags: TAGS }],
      ['DescribeLogGroupsCommand', { logGroupNamePattern: 'mt' }],
      ['ListTagsForResourceCommand', { resourceArn: ARN }],
      ['PutRetentionPolicyCommand', { logGroupName: NAME, retentionInDays: 30 }],
    ]);
  });

  it("someone else's group of that name is left alone without --adopt", async () => {
    logsMock.on(CreateLogGroupCommand).rejects(new ResourceAlreadyExistsException({ message: 'The specified log group already exists', $metadata: {} }));
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: NAME, logGroupArn: ARN, retentionInDays: 7 }] });
    logsMock.on(ListTagsForResourceCommand).resolves({ tags: { team: 'ml' } });
    const desired: Desired = { id: NAME, kind: logGroup as Desired['kind'], spec, target };

    const [result] = await apply([{ desired, action: 'create', diffs: [] }], { concurrency: 8, project: 'mt', adopt: false });
    expect(result).toMatchObject({ status: 'failed', error: `creating logs:log-group "${NAME}": exists without the tag mtpipe:project=mt; mtpipe changes it only with --adopt` });
    expect(logsMock).not.toHaveReceivedCommand(PutRetentionPolicyCommand);
  });
});
