/**
 * The tags of a project's resources, read for a whole target at once: one paged `GetResources` of the
 * Resource Groups Tagging API with `TagFilters: [{ Key: 'mtpipe:project', Values: [project] }]`, in place
 * of one ListTagsForResource (or the service's own name for it) per resource.
 *
 * What the index can say, and what not:
 * - An ARN in the index carries mtpipe:project=<project>; its tags are all the resource's tags as
 *   GetResources returned them ("The response includes all tags that are associated with the requested
 *   resources", API_GetResources).
 * - An ARN not in the index is either not this project's (untagged, another project's, or of a resource
 *   type that "support[s] tagging only through that service's native tagging operations, and [doesn't]
 *   yet support this API", Resource Groups Tagging API Reference, overview), or it was tagged too lately
 *   for the index to show it (GetResources answers for many services at once; the API reference makes
 *   no promise that a tag is listed the moment the service's own TagResource returns, so mtpipe does
 *   not count on it). Either way the index cannot say what tags it has, so the kind's own tag read
 *   answers (`projectTags`' fallback).
 * - A resource deleted or re-tagged since may still show with its old tags (the index, like any read, is
 *   of one moment); kinds read existence with their own describe call and ask the index only for tags.
 *
 * The index never fails a plan: when GetResources is refused (a policy without `tag:GetResources`) or
 * fails, every tag is read the usual way. The failed call shows in `--debug` like every other call.
 *
 * One index per ClientFactory and project, for the run (kept with the run's other reads, run-reads.ts):
 * a ClientFactory is one set of credentials in one region, hence one account and region, and the same
 * permissions. Targets of several environments that share it (same account and region, no role of their
 * own) share one index; targets that assume their own role get their own, because that role may lack
 * `tag:GetResources` where another has it. The runner drops it with the rest after the apply.
 */
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { runMemo } from './run-reads.js';
import { sdk } from './sdk.js';
import { TAG_PROJECT, type Target } from '../engine/types.js';

/** The largest page GetResources gives (ResourcesPerPage: 1 to 100, API_GetResources). */
export const RESOURCES_PER_PAGE = 100;

/** The tags of a project's resources by canonical ARN (see canonicalArn). */
export interface TagIndex {
  /** The resource's tags when it carries the project's tag (by the index), else undefined. */
  tagsOf(arn: string): Record<string, string> | undefined;
}

type Index = Map<string, Record<string, string>>;

/** The run's index reads, by project; a read yields undefined when GetResources was refused or failed. */
const indexReads = (target: Target) => runMemo<Promise<Index | undefined>>(target, 'tag-index');

/** Canonical ARNs whose tags this run changed: their index entries are stale. */
const forgotten = (target: Target) => runMemo<true>(target, 'tag-index:forgotten');

/**
 * The ARN as the index keys it. The same resource has more than one ARN form:
 * - a log group: `…:log-group:<name>:*` (DescribeLogGroups' `arn`) and `…:log-group:<name>` (its
 *   `logGroupArn`, and what GetResources returns): the `:*` is dropped;
 * - an SSM parameter: `…:parameter/<name without its leading slash>` (what SSM and GetResources return
 *   for `/a/b` and for `a`); `parameter` directly followed by the name (a name without leading slash
 *   joined to `parameter`) gets the slash.
 * Other ARNs are kept as they are (ARNs are compared case-sensitively).
 */
export function canonicalArn(arn: string): string {
  const parts = arn.split(':');
  if (parts.length < 6) return arn;
  const service = parts[2];
  if (service === 'logs' && parts[5] === 'log-group' && arn.endsWith(':*')) return arn.slice(0, -2);
  if (service === 'ssm' && parts[5]?.startsWith('parameter')) {
    const name = parts.slice(5).join(':').slice('parameter'.length).replace(/^\/+/, '');
    return [...parts.slice(0, 5), `parameter/${name}`].join(':');
  }
  return arn;
}

/**
 * The index of `project`'s resources in the target's account and region: read on first use, once per
 * run (the promise is shared by every caller, also those that ask while it is being read); undefined
 * offline and when GetResources was refused or failed.
 */
export async function tagIndex(target: Target, project: string): Promise<TagIndex | undefined> {
  const tags = await indexOf(target, project);
  return tags && { tagsOf: (arn: string) => lookUp(target, tags, arn) };
}

/**
 * The tags of the resource `arn` (any ARN form canonicalArn knows): from the project's index when the
 * resource is there, else from `readOwnTags` (the kind's own per-resource tag read, whose errors pass
 * through). So a project's resource costs no read of its own, and any other one exactly one.
 * `project` is the spec's `tags[TAG_PROJECT]`; without one, the kind's own read answers.
 * For a KMS key pass the key ARN (`…:key/<id>`, DescribeKey's Arn): GetResources lists keys by it,
 * never by alias.
 */
export async function projectTags(
  target: Target,
  project: string | undefined,
  arn: string,
  readOwnTags: () => Promise<Record<string, string>>,
): Promise<Record<string, string>> {
  if (project === undefined) return readOwnTags();
  const index = await indexOf(target, project);
  const tags = index && lookUp(target, index, arn);
  return tags ? { ...tags } : readOwnTags();
}

/**
 * The project's resources in the index whose tags `matches` accepts, as [canonical ARN, tags]: for a kind
 * that finds a resource by its tags when its name does not lead to it (a KMS key whose alias a killed run
 * never made). Undefined offline and when GetResources was refused or failed; ARNs this run re-tagged are
 * left out.
 */
export async function projectResources(
  target: Target,
  project: string,
  matches: (arn: string, tags: Record<string, string>) => boolean,
): Promise<[string, Record<string, string>][] | undefined> {
  const index = await indexOf(target, project);
  if (!index) return undefined;
  const stale = forgotten(target);
  return [...index].filter(([arn, tags]) => !stale.has(arn) && matches(arn, tags)).map(([arn, tags]) => [arn, { ...tags }]);
}

/**
 * Tells the index that this run changed the tags of `arn` (or deleted it): later questions about it go
 * to the kind's own read. For the engine or a kind to call after a write that sets tags. Per set of
 * clients, like the index: a target with other clients in the same account and region keeps its own.
 */
export function forgetTags(target: Target, arn: string): void {
  forgotten(target).set(canonicalArn(arn), true);
}

function lookUp(target: Target, index: Index, arn: string): Record<string, string> | undefined {
  const key = canonicalArn(arn);
  return forgotten(target).has(key) ? undefined : index.get(key);
}

function indexOf(target: Target, project: string): Promise<Index | undefined> {
  if (target.offline) return Promise.resolve(undefined);
  const reads = indexReads(target);
  let index = reads.get(project);
  if (!index) {
    // never rejects: a failed read is an index of undefined, kept for the run (see readIndex)
    index = readIndex(target, project);
    reads.set(project, index);
  }
  return index;
}

/** Every page of GetResources for the project's tag; undefined when any page fails (the reason is in the call log). */
async function readIndex(target: Target, project: string): Promise<Index | undefined> {
  try {
    const { ResourceGroupsTaggingAPIClient, GetResourcesCommand } = await sdk.tagging();
    const client: ResourceGroupsTaggingAPIClient = target.clients.get(ResourceGroupsTaggingAPIClient);
    const tags: Index = new Map();
    let PaginationToken: string | undefined;
    do {
      const page = await client.send(
        new GetResourcesCommand({
          TagFilters: [{ Key: TAG_PROJECT, Values: [project] }],
          ResourcesPerPage: RESOURCES_PER_PAGE,
          ...(PaginationToken ? { PaginationToken } : {}),
        }),
      );
      for (const mapping of page.ResourceTagMappingList ?? []) {
        if (!mapping.ResourceARN) continue;
        const key = canonicalArn(mapping.ResourceARN);
        const resourceTags = tags.get(key) ?? {};
        for (const tag of mapping.Tags ?? []) if (tag.Key !== undefined) resourceTags[tag.Key] = tag.Value ?? '';
        tags.set(key, resourceTags);
      }
      // the last page's token is empty, not absent
      PaginationToken = page.PaginationToken || undefined;
    } while (PaginationToken);
    return tags;
  } catch {
    // refused (AccessDenied: no tag:GetResources), throttled past the SDK's retries, or unreachable:
    // each kind reads its own tags, as it would without the index
    return undefined;
  }
}
