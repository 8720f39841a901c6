/** EventBridge rules on the default event bus, with the targets mtpipe owns (by target Id). */
import type { Target as SdkTarget } from '@aws-sdk/client-eventbridge';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import { IAM_PROPAGATION_TIMEOUT_MS, whileIamPropagates } from '../engine/retry.js';
import { TAG_PROJECT, type ResourceKind, type Target, type WriteContext } from '../engine/types.js';
import { projectTags } from './tag-index.js';
import { isRuleNotFound, propagation } from './errors.js';

export interface RuleTarget {
  Id: string;
  Arn: string;
  /** the role EventBridge assumes to reach the target (starting a pipeline needs one; SNS does not) */
  RoleArn?: string;
  InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string };
}

export interface RuleSpec {
  name: string;
  description: string;
  eventPattern: Record<string, unknown>;
  targets: RuleTarget[];
  tags: Record<string, string>;
}

export interface Rule {
  arn: string;
  description: string;
  eventPattern: unknown;
  state: string;
  /** every target of the rule, mtpipe's and others' */
  targets: SdkTarget[];
  tags: Record<string, string>;
}

/** A target as mtpipe compares it: only the members it sets. */
function ownedTarget(target: SdkTarget | RuleTarget | undefined): Record<string, unknown> | undefined {
  if (!target) return undefined;
  return {
    Id: target.Id,
    Arn: target.Arn,
    RoleArn: target.RoleArn,
    InputTransformer: target.InputTransformer
      ? { InputPathsMap: target.InputTransformer.InputPathsMap ?? {}, InputTemplate: target.InputTransformer.InputTemplate }
      : undefined,
  };
}

const ruleArn = (place: Pick<Target, 'partition' | 'account' | 'region'>, name: string) =>
  `arn:${place.partition}:events:${place.region}:${place.account}:rule/${name}`;

async function putTargets(target: Target, rule: string, targets: RuleTarget[], context: WriteContext | undefined): Promise<void> {
  const { EventBridgeClient, PutTargetsCommand } = await sdk.events();
  if (targets.length === 0) return;
  const client = target.clients.get(EventBridgeClient);
  // a role created moments ago in this run: EventBridge may not be able to assume it yet; any other refusal is permanent
  const roleIsNew = targets.some((t) => t.RoleArn !== undefined && (context?.createdInThisRun('iam:role', t.RoleArn) ?? false));
  const result = await whileIamPropagates(
    () => client.send(new PutTargetsCommand({ Rule: rule, Targets: targets })),
    (error) => roleIsNew && propagation.eventsCannotAssumeRole(error),
    { timeoutMs: IAM_PROPAGATION_TIMEOUT_MS, context },
  );
  // PutTargets answers 200 with the targets it refused listed in FailedEntries
  const failed = result.FailedEntries ?? [];
  if ((result.FailedEntryCount ?? failed.length) > 0) {
    throw new Error(`PutTargets refused ${failed.map((entry) => `${entry.TargetId}: ${entry.ErrorCode} ${entry.ErrorMessage}`).join('; ')}`);
  }
}

export const eventsRule: ResourceKind<RuleSpec, Rule> = {
  kind: 'events:rule',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { DescribeRuleCommand, EventBridgeClient, ListTagsForResourceCommand, ListTargetsByRuleCommand } = await sdk.events();
    const client = target.clients.get(EventBridgeClient);
    const listTargets = async () => {
      const targets: SdkTarget[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(new ListTargetsByRuleCommand({ Rule: spec.name, ...(NextToken ? { NextToken } : {}) }));
        targets.push(...(page.Targets ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return targets;
    };
    // the rule and its targets are read at once: ListTargetsByRule needs only the name
    const [described, listed] = await Promise.allSettled([client.send(new DescribeRuleCommand({ Name: spec.name })), listTargets()]);
    if (described.status === 'rejected') {
      if (isRuleNotFound(described.reason)) return undefined;
      throw described.reason;
    }
    if (listed.status === 'rejected') throw listed.reason;
    const rule = described.value;
    const targets = listed.value;
    const arn = rule.Arn ?? ruleArn(target, spec.name);
    const tags = await projectTags(target, spec.tags[TAG_PROJECT], arn, async () =>
      fromTagList((await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags),
    );
    return {
      arn,
      description: rule.Description ?? '',
      eventPattern: rule.EventPattern ? (JSON.parse(rule.EventPattern) as unknown) : undefined,
      state: rule.State ?? '',
      targets,
      tags,
    };
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ description: spec.description, eventPattern: spec.eventPattern, targets: spec.targets, tags: spec.tags });
    return [
      ...compareField('description', current.description, spec.description),
      ...compareField('eventPattern', current.eventPattern, spec.eventPattern),
      ...compareField('state', current.state, 'ENABLED'),
      ...spec.targets.flatMap((want) =>
        compareField(`targets.${want.Id}`, ownedTarget(current.targets.find((t) => t.Id === want.Id)), ownedTarget(want)),
      ),
      ...compareTags(current.tags, spec.tags),
    ];
  },

  async create(target, spec, context) {
    const { EventBridgeClient, PutRuleCommand } = await sdk.events();
    const client = target.clients.get(EventBridgeClient);
    // PutRule creates or updates: a lost response is simply sent again
    const { RuleArn } = await client.send(
      new PutRuleCommand({ Name: spec.name, Description: spec.description, EventPattern: JSON.stringify(spec.eventPattern), State: 'ENABLED', Tags: toTagList(spec.tags) }),
    );
    await putTargets(target, spec.name, spec.targets, context);
    return { arn: RuleArn ?? ruleArn(target, spec.name) };
  },

  async update(target, spec, current, diffs, context) {
    const { EventBridgeClient, PutRuleCommand, TagResourceCommand } = await sdk.events();
    const client = target.clients.get(EventBridgeClient);
    const changed = diffs.map((diff) => diff.field);
    if (changed.some((field) => ['description', 'eventPattern', 'state'].includes(field))) {
      await client.send(new PutRuleCommand({ Name: spec.name, Description: spec.description, EventPattern: JSON.stringify(spec.eventPattern), State: 'ENABLED' }));
    }
    // in sequence: PutRule and PutTargets of one rule at once meet ConcurrentModificationException
    // targets are upserted by Id: others' targets of the rule stay as they are
    await putTargets(target, spec.name, spec.targets.filter((t) => changed.includes(`targets.${t.Id}`)), context);
    const missing = tagsToAdd(current.tags, spec.tags);
    if (Object.keys(missing).length > 0) await client.send(new TagResourceCommand({ ResourceARN: current.arn, Tags: toTagList(missing) }));
    return { arn: current.arn };
  },

  /** A rule with targets cannot be deleted: every target (others' too, on mtpipe's rule) is removed first. */
  async delete(target, current, spec) {
    const { DeleteRuleCommand, EventBridgeClient, RemoveTargetsCommand } = await sdk.events();
    const client = target.clients.get(EventBridgeClient);
    try {
      const ids = current.targets.map((t) => t.Id!).filter((id) => id !== undefined);
      // RemoveTargets takes at most 100 ids
      for (let start = 0; start < ids.length; start += 100) {
        await client.send(new RemoveTargetsCommand({ Rule: spec.name, Ids: ids.slice(start, start + 100) }));
      }
      await client.send(new DeleteRuleCommand({ Name: spec.name }));
    } catch (error) {
      if (!isRuleNotFound(error)) throw error;
    }
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => ruleArn(target, spec.name),
};

export { ruleArn };
