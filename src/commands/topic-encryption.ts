/**
 * Builders shared by the SNS topics that AWS services publish to (create-pipeline's notification topics,
 * setup-monitoring's alerts topics): the customer KMS key those services may use, and the topic-policy
 * statement that lets one of them publish.
 *
 * The AWS managed key alias/aws/sns cannot be used: its policy cannot be changed, so neither CloudWatch
 * alarms nor EventBridge could publish to the topic (AWS-FACTS "SNS encryption").
 */
import type { KeySpec } from '../aws/kms-key.js';
import type { ResourcePolicyStatement } from '../aws/resource-policy.js';
import type { ArnPlace } from '../config/arns.js';

export const SERVICE_PRINCIPAL = {
  events: 'events.amazonaws.com',
  cloudwatch: 'cloudwatch.amazonaws.com',
};

/** What SNS needs of a publisher's key rights (SNS developer guide, "Enable compatibility between event sources and encrypted topics"). */
export const PUBLISHER_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'];

/**
 * A key-policy statement that lets `service` use the key. No aws:SourceArn / aws:SourceAccount
 * condition: EventBridge does not send them to KMS, and deliveries would be dropped silently.
 */
export function keyUser(sid: string, service: string, actions: string[] = PUBLISHER_KEY_ACTIONS): ResourcePolicyStatement {
  return { Sid: sid, Effect: 'Allow', Principal: { Service: service }, Action: actions, Resource: '*' };
}

/**
 * A customer managed key for topics: the account administers it (so that IAM policies, such as the
 * pipeline role's, may grant its use), and each of `users` may use it.
 */
export function topicKey(place: ArnPlace, key: { alias: string; description: string; users: ResourcePolicyStatement[]; tags: Record<string, string> }): KeySpec {
  return {
    alias: key.alias,
    description: key.description,
    policyStatements: [
      { Sid: 'AccountAdministersTheKey', Effect: 'Allow', Principal: { AWS: `arn:${place.partition}:iam::${place.account}:root` }, Action: 'kms:*', Resource: '*' },
      ...key.users,
    ],
    tags: key.tags,
  };
}

/** A topic-policy statement: `service` may publish to `topic` only on behalf of the sources `sourceArns` names. */
export function publisher(sid: string, service: string, topic: string, sourceArns: { ArnEquals: string | string[] } | { ArnLike: string | string[] }): ResourcePolicyStatement {
  const [operator, arns] = Object.entries(sourceArns)[0]!;
  return { Sid: sid, Effect: 'Allow', Principal: { Service: service }, Action: 'sns:Publish', Resource: topic, Condition: { [operator]: { 'aws:SourceArn': arns } } };
}
