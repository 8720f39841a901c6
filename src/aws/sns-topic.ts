/** SNS topics with their email subscriptions, encryption and the policy statements mtpipe owns. */
import type { ClientFactory } from './clients.js';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import { TAG_PROJECT, type ResourceKind, type Target } from '../engine/types.js';
import { projectTags } from './tag-index.js';
import { isTopicNotFound } from './errors.js';
import { comparable, mergedPolicy, ownedStatements, statementsOf, type ResourcePolicyStatement } from './resource-policy.js';
import { topicArn } from '../config/arns.js';

export interface TopicSpec {
  name: string;
  /** KMS key (alias/… or ARN) for server-side encryption; undefined: not encrypted */
  kmsMasterKeyId?: string;
  /** statements mtpipe owns in the topic policy (by Sid); others' statements are kept */
  policyStatements: ResourcePolicyStatement[];
  /** email addresses that should be subscribed; subscriptions others made are kept */
  emails: string[];
  tags: Record<string, string>;
}

export interface Subscription {
  endpoint: string;
  protocol: string;
  /** false while the address has not confirmed (SubscriptionArn "PendingConfirmation") */
  confirmed: boolean;
}

export interface Topic {
  arn: string;
  kmsMasterKeyId: string;
  policy: Record<string, unknown>[];
  subscriptions: Subscription[];
  tags: Record<string, string>;
}

const PENDING = 'PendingConfirmation';

/**
 * The wanted addresses that have not confirmed their subscription, from the topic as the plan read it
 * (undefined: the topic is created in this run, so none has).
 */
export function unconfirmedEmails(current: Topic | undefined, emails: string[]): string[] {
  const subscriptions = current?.subscriptions ?? [];
  return emails.filter((email) => !subscriptions.some((s) => s.protocol === 'email' && s.endpoint === email && s.confirmed));
}

const wantedEmails = (current: Topic | undefined, emails: string[]) =>
  emails.filter((email) => !current?.subscriptions.some((s) => s.protocol === 'email' && s.endpoint === email));

/** Per set of clients: the topics this run subscribed addresses to. */
const subscribedInThisRun = new WeakMap<ClientFactory, Set<string>>();

/** One Subscribe per address, all at once (each is a subscription of its own). */
async function subscribe(target: Target, arn: string, emails: string[]): Promise<void> {
  const { SNSClient, SubscribeCommand } = await sdk.sns();
  const client = target.clients.get(SNSClient);
  if (emails.length === 0) return;
  const subscribed = subscribedInThisRun.get(target.clients) ?? new Set<string>();
  subscribedInThisRun.set(target.clients, subscribed.add(arn));
  await Promise.all(emails.map((email) => client.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'email', Endpoint: email, ReturnSubscriptionArn: true }))));
}

/** Every subscription of the topic, pending ones too (SubscriptionArn "PendingConfirmation"), others' too. */
async function listSubscriptions(target: Target, arn: string): Promise<Subscription[]> {
  const { ListSubscriptionsByTopicCommand, SNSClient } = await sdk.sns();
  const client = target.clients.get(SNSClient);
  const subscriptions: Subscription[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, ...(NextToken ? { NextToken } : {}) }));
    for (const s of page.Subscriptions ?? []) {
      subscriptions.push({ endpoint: s.Endpoint ?? '', protocol: s.Protocol ?? '', confirmed: Boolean(s.SubscriptionArn) && s.SubscriptionArn !== PENDING });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return subscriptions;
}

export const snsTopic: ResourceKind<TopicSpec, Topic> = {
  kind: 'sns:topic',
  name: (spec) => spec.name,

  /**
   * GetTopicAttributes (encryption, policy, and how many subscriptions are confirmed and pending); the
   * subscriptions are listed only when the configuration wants some and the counts say there are any.
   * Tags come from the project's tag index when it holds the topic.
   */
  async find(target, spec) {
    const { GetTopicAttributesCommand, ListTagsForResourceCommand, SNSClient } = await sdk.sns();
    const client = target.clients.get(SNSClient);
    const arn = topicArn(target, spec.name);
    let attributes: Record<string, string>;
    try {
      attributes = (await client.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
    } catch (error) {
      if (isTopicNotFound(error)) return undefined;
      throw error;
    }
    const counted = Number(attributes.SubscriptionsConfirmed ?? 0) + Number(attributes.SubscriptionsPending ?? 0);
    // the API reference does not promise that the counts include a subscription the moment Subscribe
    // returns: a topic this run subscribed to (bootstrap's verify reads it again) is listed whatever they say
    // a reference to the topic (another step's) names only the topic: no emails, no tags
    const listed = (spec.emails ?? []).length > 0 && (counted > 0 || subscribedInThisRun.get(target.clients)?.has(arn) === true);
    const [subscriptions, tags] = await Promise.all([
      listed ? listSubscriptions(target, arn) : [],
      projectTags(target, spec.tags?.[TAG_PROJECT], arn, async () => fromTagList((await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags)),
    ]);
    return { arn, kmsMasterKeyId: attributes.KmsMasterKeyId ?? '', policy: statementsOf(attributes.Policy), subscriptions, tags };
  },

  diff(current, spec) {
    if (!current) {
      return fieldsToCreate({
        encryption: spec.kmsMasterKeyId ?? 'none',
        policy: spec.policyStatements.length > 0 ? spec.policyStatements.map((s) => s.Sid) : undefined,
        subscriptions: spec.emails.length > 0 ? spec.emails : undefined,
        tags: spec.tags,
      });
    }
    const missing = wantedEmails(current, spec.emails);
    return [
      ...compareField('encryption', current.kmsMasterKeyId || 'none', spec.kmsMasterKeyId ?? 'none'),
      ...compareField('policy', ownedStatements(current.policy, spec.policyStatements).map(comparable), spec.policyStatements.map(comparable)),
      ...(missing.length > 0 ? [{ field: 'subscriptions', from: spec.emails.filter((e) => !missing.includes(e)), to: spec.emails }] : []),
      ...compareTags(current.tags, spec.tags),
    ];
  },

  async create(target, spec) {
    const { CreateTopicCommand, SNSClient } = await sdk.sns();
    const client = target.clients.get(SNSClient);
    // CreateTopic is idempotent by name (same attributes): a lost response is answered again
    const { TopicArn } = await client.send(
      new CreateTopicCommand({
        Name: spec.name,
        Attributes: {
          ...(spec.kmsMasterKeyId ? { KmsMasterKeyId: spec.kmsMasterKeyId } : {}),
          ...(spec.policyStatements.length > 0 ? { Policy: mergedPolicy([], spec.policyStatements) } : {}),
        },
        Tags: toTagList(spec.tags),
      }),
    );
    const arn = TopicArn ?? topicArn(target, spec.name);
    await subscribe(target, arn, spec.emails);
    return { arn };
  },

  async update(target, spec, current, diffs) {
    const { SNSClient, SetTopicAttributesCommand, TagResourceCommand } = await sdk.sns();
    const client = target.clients.get(SNSClient);
    const changed = new Set(diffs.map((diff) => diff.field));
    const missing = tagsToAdd(current.tags, spec.tags);
    // each needs only the topic: together
    await Promise.all([
      changed.has('encryption') &&
        client.send(new SetTopicAttributesCommand({ TopicArn: current.arn, AttributeName: 'KmsMasterKeyId', AttributeValue: spec.kmsMasterKeyId ?? '' })),
      changed.has('policy') &&
        client.send(new SetTopicAttributesCommand({ TopicArn: current.arn, AttributeName: 'Policy', AttributeValue: mergedPolicy(current.policy, spec.policyStatements) })),
      subscribe(target, current.arn, wantedEmails(current, spec.emails)),
      Object.keys(missing).length > 0 && client.send(new TagResourceCommand({ ResourceArn: current.arn, Tags: toTagList(missing) })),
    ]);
    return { arn: current.arn };
  },

  // DeleteTopic of a topic that does not exist succeeds; its subscriptions go with it
  async delete(target, current) {
    const { DeleteTopicCommand, SNSClient } = await sdk.sns();
    await target.clients.get(SNSClient).send(new DeleteTopicCommand({ TopicArn: current.arn }));
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => topicArn(target, spec.name),
};

export { topicArn };
