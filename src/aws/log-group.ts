import type { LogGroup as SdkLogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, tagsToAdd } from '../engine/diff.js';
import { TAG_PROJECT, type ResourceKind, type Target } from '../engine/types.js';
import { readOnce, runMemo } from './run-reads.js';
import { projectTags } from './tag-index.js';
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

  /**
   * From one listing per run of the log groups whose names contain the project's name (shared by every
   * group of the project in this account and region); a name without it is looked up by prefix. Tags
   * come from the project's tag index when it holds the group.
   */
  async find(target, spec) {
    const { CloudWatchLogsClient, ListTagsForResourceCommand } = await sdk.logs();
    const client = target.clients.get(CloudWatchLogsClient);
    const project = spec.tags[TAG_PROJECT];
    const listed = project !== undefined && PATTERN.test(project) && spec.name.includes(project);
    const found = listed ? (await projectGroups(target, project)).get(spec.name) : await describeByName(target, spec.name);
    if (!found) return undefined;
    const arn = found.logGroupArn ?? found.arn?.replace(/:\*$/, '') ?? logGroupArn(target, spec.name);
    const tags = await projectTags(target, project, arn, async () => (await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {});
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
    forgetListing(target);
    await client.send(new CreateLogGroupCommand({ logGroupName: spec.name, tags: spec.tags }));
    await client.send(new PutRetentionPolicyCommand({ logGroupName: spec.name, retentionInDays: spec.retentionDays }));
    return { arn: logGroupArn(target, spec.name) };
  },

  async update(target, spec, current, diffs) {
    const { CloudWatchLogsClient, PutRetentionPolicyCommand, TagResourceCommand } = await sdk.logs();
    const client = target.clients.get(CloudWatchLogsClient);
    forgetListing(target);
    await Promise.all([
      diffs.some((diff) => diff.field === 'retentionDays') && client.send(new PutRetentionPolicyCommand({ logGroupName: spec.name, retentionInDays: spec.retentionDays })),
      diffs.some((diff) => diff.field === 'tags') && client.send(new TagResourceCommand({ resourceArn: current.arn, tags: tagsToAdd(current.tags, spec.tags) })),
    ]);
    return { arn: current.arn };
  },

  async delete(target, _current, spec) {
    const { CloudWatchLogsClient, DeleteLogGroupCommand } = await sdk.logs();
    forgetListing(target);
    try {
      await target.clients.get(CloudWatchLogsClient).send(new DeleteLogGroupCommand({ logGroupName: spec.name }));
    } catch (error) {
      if (!isLogGroupNotFound(error)) throw error;
    }
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => logGroupArn(target, spec.name),
};

/** What DescribeLogGroups' logGroupNamePattern accepts (API reference: `[\.\-_/#A-Za-z0-9]+`). */
const PATTERN = /^[.\-_/#A-Za-z0-9]+$/;

const LISTINGS = 'logs:project-groups';

/**
 * Every log group whose name contains `project` (logGroupNamePattern: a case-sensitive substring
 * match), all pages, read once per run and account and region, shared by concurrent callers; dropped
 * when this run writes a log group there (a plan after the apply lists again).
 */
function projectGroups(target: Target, project: string): Promise<Map<string, SdkLogGroup>> {
  return readOnce(target, LISTINGS, project, () => listGroups(target, project));
}

async function listGroups(target: Target, pattern: string): Promise<Map<string, SdkLogGroup>> {
  const { CloudWatchLogsClient, DescribeLogGroupsCommand } = await sdk.logs();
  const client = target.clients.get(CloudWatchLogsClient);
  const groups = new Map<string, SdkLogGroup>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeLogGroupsCommand({ logGroupNamePattern: pattern, ...(nextToken ? { nextToken } : {}) }));
    for (const group of page.logGroups ?? []) if (group.logGroupName) groups.set(group.logGroupName, group);
    nextToken = page.nextToken;
  } while (nextToken);
  return groups;
}

function forgetListing(target: Target): void {
  runMemo(target, LISTINGS).clear();
}

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
