import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, ListTagsForResourceCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { snsTopic } from '../../../src/aws/sns-topic.js';
import { alertTopic } from '../../../src/commands/pipeline-notifications.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';
import { together } from '../aws/in-flight.js';
import { indexHolds } from '../aws/tagging-mock.js';
import { resetPipelineMocks, sent, snsMock } from './mock-sdk.js';

const PLACE = { partition: 'aws', account: '123456789012', region: 'us-east-1' };
const TAGS = { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' };
const config = configSchema.parse({ ...defaultConfig('us-east-1'), notifications: { approvers: ['lead@example.com'], alerts: ['ops@example.com', 'dev@example.com'] } });
const alerts = alertTopic(config, PLACE, 'alias/mt-pipeline-notifications', TAGS);
const ARN = 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-pipeline-alerts';

beforeEach(() => resetPipelineMocks());

describe('sns:topic reads', () => {
  it('tags from the project\'s index (no ListTagsForResource); no ListSubscriptionsByTopic when the counts say there are none', async () => {
    indexHolds({ [ARN]: TAGS });
    snsMock.on(GetTopicAttributesCommand).resolves({ Attributes: { SubscriptionsConfirmed: '0', SubscriptionsPending: '0' } });
    const current = await snsTopic.find(testTarget(), alerts);
    expect(current).toMatchObject({ subscriptions: [], tags: TAGS });
    expect(sent(snsMock)).toEqual([['GetTopicAttributesCommand', { TopicArn: ARN }]]);
    expect(snsTopic.diff(current, alerts).map((d) => d.field)).toContain('subscriptions');
  });

  it('lists the subscriptions when some are counted, pending ones included', async () => {
    indexHolds({ [ARN]: TAGS });
    snsMock.on(GetTopicAttributesCommand).resolves({ Attributes: { SubscriptionsConfirmed: '0', SubscriptionsPending: '1' } });
    snsMock.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ Protocol: 'email', Endpoint: 'ops@example.com', SubscriptionArn: 'PendingConfirmation' }] });
    const current = await snsTopic.find(testTarget(), alerts);
    expect(current?.subscriptions).toEqual([{ protocol: 'email', endpoint: 'ops@example.com', confirmed: false }]);
    expect(sent(snsMock).map(([name]) => name)).toEqual(['GetTopicAttributesCommand', 'ListSubscriptionsByTopicCommand']);
  });

  it('does not list the subscriptions of a topic the configuration wants none on', async () => {
    snsMock.on(GetTopicAttributesCommand).resolves({ Attributes: { SubscriptionsConfirmed: '3', SubscriptionsPending: '0' } });
    snsMock.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'mtpipe:project', Value: 'mt-pipeline' }] });
    await snsTopic.find(testTarget(), { ...alerts, emails: [] });
    expect(sent(snsMock).map(([name]) => name)).toEqual(['GetTopicAttributesCommand', 'ListTagsForResourceCommand']);
  });

  it('subscribes the addresses together', async () => {
    const answer = together(['ops@example.com', 'dev@example.com'], () => ({}));
    snsMock.on(SubscribeCommand).callsFake((input: { Endpoint: string }) => answer(input.Endpoint));
    await snsTopic.update(testTarget(), alerts, { arn: ARN, kmsMasterKeyId: 'alias/mt-pipeline-notifications', policy: [], subscriptions: [], tags: TAGS }, [{ field: 'subscriptions' }]);
    expect(sent(snsMock)).toHaveLength(2);
  });

  it('lists the subscriptions of a topic this run subscribed to, whatever the counts say', async () => {
    const target = testTarget();
    snsMock.on(SubscribeCommand).resolves({});
    await snsTopic.update(target, alerts, { arn: ARN, kmsMasterKeyId: 'alias/mt-pipeline-notifications', policy: [], subscriptions: [], tags: TAGS }, [{ field: 'subscriptions' }]);
    snsMock.on(GetTopicAttributesCommand).resolves({ Attributes: { SubscriptionsConfirmed: '0', SubscriptionsPending: '0' } });
    snsMock.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ Protocol: 'email', Endpoint: 'ops@example.com', SubscriptionArn: 'PendingConfirmation' }] });
    snsMock.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    expect((await snsTopic.find(target, alerts))?.subscriptions).toHaveLength(1);
  });
});
