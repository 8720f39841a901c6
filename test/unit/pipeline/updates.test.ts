/** Updates that add only what is missing: tags, encryption, rotation, description (exact inputs). */
import { TagResourceCommand as TagConnectionCommand } from '@aws-sdk/client-codestar-connections';
import { PutRuleCommand, TagResourceCommand as TagRuleCommand } from '@aws-sdk/client-eventbridge';
import { EnableKeyRotationCommand, TagResourceCommand as TagKeyCommand, UpdateKeyDescriptionCommand } from '@aws-sdk/client-kms';
import { SetTopicAttributesCommand, SubscribeCommand, TagResourceCommand as TagTopicCommand } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { codeconnectionsConnection } from '../../../src/aws/codeconnections-connection.js';
import { eventsRule } from '../../../src/aws/events-rule.js';
import { kmsKey, type Key } from '../../../src/aws/kms-key.js';
import { snsTopic, type Topic } from '../../../src/aws/sns-topic.js';
import { approvalTopic, notificationKey, triggerRule } from '../../../src/commands/pipeline-notifications.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';
import { connectionsMock, eventsMock, kmsMock, resetPipelineMocks, sent, snsMock } from './mock-sdk.js';

const target = testTarget();
const PLACE = { partition: 'aws', account: '123456789012', region: 'us-east-1' };
const TAGS = { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' };
const OTHERS = { 'mtpipe:project': 'mt-pipeline', owner: 'team-a' };
const config = configSchema.parse(defaultConfig('us-east-1'));

beforeEach(() => resetPipelineMocks());

describe('updates write only what differs, and add tags without removing others\'', () => {
  it('sns:topic: encryption turned on, the missing tag added', async () => {
    const spec = approvalTopic(config, 'alias/mt-pipeline-notifications', TAGS);
    const arn = 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-approvals';
    const current: Topic = { arn, kmsMasterKeyId: '', policy: [], subscriptions: [], tags: OTHERS };
    const diffs = snsTopic.diff(current, spec);
    expect(diffs).toEqual([
      { field: 'encryption', from: 'none', to: 'alias/mt-pipeline-notifications' },
      { field: 'tags', from: {}, to: { 'mtpipe:env': 'shared' } },
    ]);
    snsMock.on(SetTopicAttributesCommand).resolves({});
    snsMock.on(TagTopicCommand).resolves({});
    await snsTopic.update(target, spec, current, diffs);
    expect(sent(snsMock)).toEqual([
      ['SetTopicAttributesCommand', { TopicArn: arn, AttributeName: 'KmsMasterKeyId', AttributeValue: 'alias/mt-pipeline-notifications' }],
      ['TagResourceCommand', { ResourceArn: arn, Tags: [{ Key: 'mtpipe:env', Value: 'shared' }] }],
    ]);
    expect(snsMock.commandCalls(SubscribeCommand)).toEqual([]);
  });

  it('kms:key: rotation enabled, description and tag put right', async () => {
    const spec = notificationKey(config, PLACE, TAGS);
    const current: Key = {
      keyId: 'k-1',
      arn: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
      description: 'old',
      enabled: true,
      rotation: false,
      policy: spec.policyStatements.map((s) => ({ ...s })),
      tags: OTHERS,
    };
    const diffs = kmsKey.diff(current, spec);
    expect(diffs.map((d) => d.field)).toEqual(['description', 'rotation', 'tags']);
    kmsMock.on(EnableKeyRotationCommand).resolves({});
    kmsMock.on(UpdateKeyDescriptionCommand).resolves({});
    kmsMock.on(TagKeyCommand).resolves({});
    await kmsKey.update(target, spec, current, diffs);
    expect(sent(kmsMock)).toEqual([
      ['EnableKeyRotationCommand', { KeyId: 'k-1' }],
      ['UpdateKeyDescriptionCommand', { KeyId: 'k-1', Description: spec.description }],
      ['TagResourceCommand', { KeyId: 'k-1', Tags: [{ TagKey: 'mtpipe:env', TagValue: 'shared' }] }],
    ]);
  });

  it('events:rule: only the missing tag (no PutRule, no PutTargets)', async () => {
    const spec = triggerRule(config, PLACE, 'mt-pipeline-pipeline', 'main', TAGS);
    const arn = 'arn:aws:events:us-east-1:123456789012:rule/mt-pipeline-pipeline-trigger';
    const current = { arn, description: spec.description, eventPattern: spec.eventPattern, state: 'ENABLED', targets: spec.targets, tags: OTHERS };
    const diffs = eventsRule.diff(current, spec);
    eventsMock.on(TagRuleCommand).resolves({});
    await eventsRule.update(target, spec, current, diffs);
    expect(sent(eventsMock)).toEqual([['TagResourceCommand', { ResourceARN: arn, Tags: [{ Key: 'mtpipe:env', Value: 'shared' }] }]]);
    expect(eventsMock.commandCalls(PutRuleCommand)).toEqual([]);
  });

  it('events:rule: a disabled rule is enabled again with its pattern', async () => {
    const spec = triggerRule(config, PLACE, 'mt-pipeline-pipeline', 'main', TAGS);
    const current = { arn: 'x', description: spec.description, eventPattern: spec.eventPattern, state: 'DISABLED', targets: spec.targets, tags: TAGS };
    const diffs = eventsRule.diff(current, spec);
    expect(diffs).toEqual([{ field: 'state', from: 'DISABLED', to: 'ENABLED' }]);
    eventsMock.on(PutRuleCommand).resolves({});
    await eventsRule.update(target, spec, current, diffs);
    expect(sent(eventsMock)).toEqual([
      ['PutRuleCommand', { Name: 'mt-pipeline-pipeline-trigger', Description: spec.description, EventPattern: JSON.stringify(spec.eventPattern), State: 'ENABLED' }],
    ]);
  });

  it('codeconnections:connection: only tags can change', async () => {
    const arn = 'arn:aws:codestar-connections:us-east-1:123456789012:connection/abc';
    const current = { name: 'mt-pipeline', arn, status: 'AVAILABLE', tags: OTHERS };
    const spec = { name: 'mt-pipeline', providerType: 'GitHub' as const, tags: TAGS };
    const diffs = codeconnectionsConnection.diff(current, spec);
    connectionsMock.on(TagConnectionCommand).resolves({});
    await codeconnectionsConnection.update(target, spec, current, diffs);
    expect(sent(connectionsMock)).toEqual([['TagResourceCommand', { ResourceArn: arn, Tags: [{ Key: 'mtpipe:env', Value: 'shared' }] }]]);
  });
});
