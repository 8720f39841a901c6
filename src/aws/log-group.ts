import type { LogGroup as SdkLogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, tagsToAdd } from '../engine/diff.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { alreadyExists, isLogGroupNotFound } from './errors.js';

export interface LogGroupSpec {
  name: string;
  retentionDays: number;
  tags: Record<string, string>;
}

export interface LogGroup {
  name: string;
  /** without the ":*" DescribeLogGroups appends to `arn`: the form the tagging API takes */
  arn: string;
  /** undefined: events are kept forever */
  retentionDays: number | undefined;
  tags: Record<string, string>;
}

export const logGroup: ResourceKind<LogGroupSpec, LogGroup> = {
  kind: 'logs:log-group',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { CloudWatchLogsClient, ListTagsForResourceCommand } = await sdk.logs();
    const client = target.clients.get(CloudWatchLogsClient);
    const found = await describeByName(target, spec.name);
    if (!found) return undefined;
    const arn = found.logGroupArn ?? found.arn?.replace(/:\*$/, '') ?? logGroupArn(target, spec.name);
    const { tags = {} } = await client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    return { name: spec.name, arn, retentionDays: found.retentionInDays, tags };
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ retentionDays: spec.retentionDays, tags: spec.tags });
    return [...compareField('retentionDays', current.retentionDays, spec.retentionDays), ...compareTags(current.tags, spec.tags)];
  },

  alreadyExists: alreadyExists.logGroup,

  async create(target, spec) {
    const { CloudWatchLogsClient, CreateLogGroupCommand, PutRetentionPolicyCommand } = await sdk.logs();
    const client = target.clients.get(CloudWatchLogsClient);
    await client.send(new CreateLogGroupCommand({ logGroupName: spec.name, tags: spec.tags }));
    await client.send(new PutRetentionPolicyCommand({ logGroupName: spec.name, retentionInDays: spec.retentionDays }));
    return { arn: logGroupArn(target, spec.name) };
  },

  async update(target, spec, current, diffs) {
    const { CloudWatchLogsClient, PutRetentionPolicyCommand, TagResourceCommand } = await sdk.logs();
    const client = target.clients.get(CloudWatchLogsClient);
    if (diffs.some((diff) => diff.field === 'retentionDays')) {
      await client.send(new PutRetentionPolicyCommand({ logGroupName: spec.name, retentionInDays: spec.retentionDays }));
    }
    if (diffs.some((diff) => diff.field === 'tags')) {
      await client.send(new TagResourceCommand({ resourceArn: current.arn, tags: tagsToAdd(current.tags, spec.tags) }));
    }
    return { arn: current.arn };
  },

  async delete(target, _current, spec) {
    const { CloudWatchLogsClient, DeleteLogGroupCommand } = await sdk.logs();
    try {
      await target.clients.get(CloudWatchLogsClient).send(new DeleteLogGroupCommand({ logGroupName: spec.name }));
    } catch (error) {
      if (!isLogGroupNotFound(error)) throw error;
    }
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => logGroupArn(target, spec.name),
};

/** DescribeLogGroups matches by prefix only: pages until the exact name shows up (names come sorted). */
async function describeByName(target: Target, name: string): Promise<SdkLogGroup | undefined> {
  const { CloudWatchLogsClient, DescribeLogGroupsCommand } = await sdk.logs();
  const client = target.clients.get(CloudWatchLogsClient);
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken }));
    const exact = page.logGroups?.find((group) => group.logGroupName === name);
    if (exact) return exact;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

export function logGroupArn(target: Target, name: string): string {
  return `arn:${target.partition}:logs:${target.region}:${target.account}:log-group:${name}`;
}
