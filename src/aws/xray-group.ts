/**
 * An X-Ray group: a name and a filter expression that selects traces (the console's trace map, insights
 * and CloudWatch metrics per group). Its ARN ends in an id X-Ray chooses, so it is found by name.
 */
import type { XRayClient } from '@aws-sdk/client-xray';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import { TAG_PROJECT, type ResourceKind } from '../engine/types.js';
import { projectTags } from './tag-index.js';
import { isXrayGroupAlreadyExists, isXrayGroupNotFound, unlessAbsent } from './errors.js';

export interface XrayGroupSpec {
  /** 1–32 characters (X-Ray GroupName) */
  name: string;
  filterExpression: string;
  tags: Record<string, string>;
}

export interface XrayGroup {
  arn: string;
  filterExpression: string;
  tags: Record<string, string>;
}

/** X-Ray API reference, GroupName: 1 to 32 characters. */
export const MAX_GROUP_NAME = 32;

async function readTags(client: XRayClient, arn: string): Promise<Record<string, string>> {
  const { ListTagsForResourceCommand } = await sdk.xray();
  const tags: { Key?: string; Value?: string }[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListTagsForResourceCommand({ ResourceARN: arn, ...(NextToken ? { NextToken } : {}) }));
    tags.push(...(page.Tags ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return fromTagList(tags);
}

export const xrayGroup: ResourceKind<XrayGroupSpec, XrayGroup> = {
  kind: 'xray:group',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { GetGroupCommand, XRayClient } = await sdk.xray();
    const client = target.clients.get(XRayClient);
    const found = await unlessAbsent(client.send(new GetGroupCommand({ GroupName: spec.name })), isXrayGroupNotFound);
    const arn = found?.Group?.GroupARN;
    if (!arn) return undefined;
    const tags = await projectTags(target, spec.tags[TAG_PROJECT], arn, () => readTags(client, arn));
    return { arn, filterExpression: found.Group?.FilterExpression ?? '', tags };
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ filterExpression: spec.filterExpression, tags: spec.tags });
    return [...compareField('filterExpression', current.filterExpression, spec.filterExpression), ...compareTags(current.tags, spec.tags)];
  },

  check: (_current, spec) =>
    spec.name.length > MAX_GROUP_NAME ? `X-Ray group names have at most ${MAX_GROUP_NAME} characters; "${spec.name}" has ${spec.name.length}: choose a shorter project name` : undefined,

  async create(target, spec) {
    const { CreateGroupCommand, XRayClient } = await sdk.xray();
    const { Group } = await target.clients
      .get(XRayClient)
      .send(new CreateGroupCommand({ GroupName: spec.name, FilterExpression: spec.filterExpression, Tags: toTagList(spec.tags) }));
    return Group?.GroupARN ? { arn: Group.GroupARN } : {};
  },

  alreadyExists: isXrayGroupAlreadyExists,

  async update(target, spec, current, diffs) {
    const { TagResourceCommand, UpdateGroupCommand, XRayClient } = await sdk.xray();
    const client = target.clients.get(XRayClient);
    if (diffs.some((diff) => diff.field === 'filterExpression')) {
      // only the filter: insights settings someone chose in the console stay as they are
      await client.send(new UpdateGroupCommand({ GroupARN: current.arn, FilterExpression: spec.filterExpression }));
    }
    const missing = tagsToAdd(current.tags, spec.tags);
    if (Object.keys(missing).length > 0) await client.send(new TagResourceCommand({ ResourceARN: current.arn, Tags: toTagList(missing) }));
    return { arn: current.arn };
  },

  async delete(target, current) {
    const { DeleteGroupCommand, XRayClient } = await sdk.xray();
    await unlessAbsent(target.clients.get(XRayClient).send(new DeleteGroupCommand({ GroupARN: current.arn })), isXrayGroupNotFound);
  },

  tagsOf: (current) => current.tags,
  // the ARN ends in an id X-Ray assigns: known only once the group exists
  arnOf: () => undefined,
};
