import {
  CreateConnectionCommand,
  GetConnectionCommand,
  ListConnectionsCommand,
  ListTagsForResourceCommand as ListConnectionTagsCommand,
} from '@aws-sdk/client-codestar-connections';
import {
  DescribeRuleCommand,
  ListTagsForResourceCommand as ListRuleTagsCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  CreateTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand as ListTopicTagsCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { codeconnectionsConnection, existingConnection } from '../../../src/aws/codeconnections-connection.js';
import { eventsRule, type Rule } from '../../../src/aws/events-rule.js';
import { kmsKey } from '../../../src/aws/kms-key.js';
import { snsTopic, unconfirmedEmails } from '../../../src/aws/sns-topic.js';
import { alertTopic, approvalTopic, failureRule, notificationKey, triggerRule } from '../../../src/commands/pipeline-notifications.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';
import { awsError, connectionsMock, eventsMock, kmsMock, resetPipelineMocks, sent, snsMock } from './mock-sdk.js';
import { runThatCreated } from '../write-context.js';
import { taggingMock } from '../aws/tagging-mock.js';

const target = testTarget();
const PLACE = { partition: 'aws', account: '123456789012', region: 'us-east-1' };
const TAGS = { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' };
const TAG_LIST = [{ Key: 'mtpipe:project', Value: 'mt-pipeline' }, { Key: 'mtpipe:env', Value: 'shared' }];
const config = configSchema.parse({ ...defaultConfig('us-east-1'), notifications: { approvers: ['lead@example.com'], alerts: ['ops@example.com', 'dev@example.com'] } });
const ALERTS_ARN = 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-pipeline-alerts';
const FAILURE_RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/mt-pipeline-pipeline-failed';
const ALERTS_POLICY = {
  Sid: 'FailureRulePublishes',
  Effect: 'Allow',
  Principal: { Service: 'events.amazonaws.com' },
  Action: 'sns:Publish',
  Resource: ALERTS_ARN,
  Condition: { ArnEquals: { 'aws:SourceArn': FAILURE_RULE_ARN } },
};
/** setup-monitoring's failed-build alarms (<project>-pipeline-*) publish to the alerts topic */
const BUILD_ALARMS_POLICY = {
  Sid: 'BuildAlarmsPublish',
  Effect: 'Allow',
  Principal: { Service: 'cloudwatch.amazonaws.com' },
  Action: 'sns:Publish',
  Resource: ALERTS_ARN,
  Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:mt-pipeline-pipeline-*' } },
};

beforeEach(() => {
  resetPipelineMocks();
  taggingMock.reset();
});

describe('sns:topic', () => {
  const alerts = alertTopic(config, PLACE, 'alias/mt-pipeline-notifications', TAGS);

  it('creates the topic encrypted with the key, its policy allowing only the failure rule, and subscribes each address', async () => {
    snsMock.on(CreateTopicCommand).resolves({ TopicArn: ALERTS_ARN });
    snsMock.on(SubscribeCommand).resolves({ SubscriptionArn: 'pending confirmation' });
    await snsTopic.create(target, alerts);
    expect(sent(snsMock)).toEqual([
      [
        'CreateTopicCommand',
        {
          Name: 'mt-pipeline-pipeline-alerts',
          Attributes: { KmsMasterKeyId: 'alias/mt-pipeline-notifications', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [ALERTS_POLICY, BUILD_ALARMS_POLICY] }) },
          Tags: TAG_LIST,
        },
      ],
      ['SubscribeCommand', { TopicArn: ALERTS_ARN, Protocol: 'email', Endpoint: 'ops@example.com', ReturnSubscriptionArn: true }],
      ['SubscribeCommand', { TopicArn: ALERTS_ARN, Protocol: 'email', Endpoint: 'dev@example.com', ReturnSubscriptionArn: true }],
    ]);
    // created in this run: nobody has confirmed yet
    expect(unconfirmedEmails(undefined, alerts.emails)).toEqual(['ops@example.com', 'dev@example.com']);
  });

  it('reads attributes, subscriptions (pending ones too) and tags; keeps others\' statements and subscriptions', async () => {
    const otherStatement = { Sid: '__default_statement_ID', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['SNS:GetTopicAttributes'], Resource: ALERTS_ARN };
    snsMock.on(GetTopicAttributesCommand).resolves({
      Attributes: {
        KmsMasterKeyId: 'alias/mt-pipeline-notifications',
        Policy: JSON.stringify({ Version: '2008-10-17', Statement: [otherStatement, { ...ALERTS_POLICY, Action: ['sns:Publish'] }, BUILD_ALARMS_POLICY] }),
        SubscriptionsConfirmed: '2',
        SubscriptionsPending: '1',
      },
    });
    snsMock.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        { Protocol: 'email', Endpoint: 'ops@example.com', SubscriptionArn: `${ALERTS_ARN}:1111` },
        { Protocol: 'email', Endpoint: 'dev@example.com', SubscriptionArn: 'PendingConfirmation' },
        { Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:123456789012:someone-elses', SubscriptionArn: `${ALERTS_ARN}:2222` },
      ],
    });
    snsMock.on(ListTopicTagsCommand).resolves({ Tags: TAG_LIST });
    const current = await snsTopic.find(target, alerts);
    expect(snsTopic.diff(current, alerts)).toEqual([]);
    expect(unconfirmedEmails(current, alerts.emails)).toEqual(['dev@example.com']);

    // a statement of mtpipe's changed by hand: rewritten, the other statement kept
    const wanted = { ...alerts, emails: [...alerts.emails, 'new@example.com'] };
    const changed = { ...current!, policy: [otherStatement, { ...ALERTS_POLICY, Condition: undefined }, BUILD_ALARMS_POLICY] };
    const diffs = snsTopic.diff(changed, wanted);
    expect(diffs.map((d) => d.field)).toEqual(['policy', 'subscriptions']);
    snsMock.reset();
    snsMock.on(SetTopicAttributesCommand).resolves({});
    snsMock.on(SubscribeCommand).resolves({});
    await snsTopic.update(target, wanted, changed, diffs);
    expect(sent(snsMock)).toEqual([
      ['SetTopicAttributesCommand', { TopicArn: ALERTS_ARN, AttributeName: 'Policy', AttributeValue: JSON.stringify({ Version: '2012-10-17', Statement: [otherStatement, ALERTS_POLICY, BUILD_ALARMS_POLICY] }) }],
      ['SubscribeCommand', { TopicArn: ALERTS_ARN, Protocol: 'email', Endpoint: 'new@example.com', ReturnSubscriptionArn: true }],
    ]);
  });

  it('a missing topic is undefined', async () => {
    snsMock.on(GetTopicAttributesCommand).rejects(awsError('NotFoundException', 404));
    expect(await snsTopic.find(target, approvalTopic(config, undefined, TAGS))).toBeUndefined();
  });

  it('encryption none is an explicit choice: no KmsMasterKeyId', async () => {
    snsMock.on(CreateTopicCommand).resolves({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:mt-pipeline-approvals' });
    snsMock.on(SubscribeCommand).resolves({});
    await snsTopic.create(target, approvalTopic(config, undefined, TAGS));
    expect(sent(snsMock)[0]).toEqual(['CreateTopicCommand', { Name: 'mt-pipeline-approvals', Attributes: {}, Tags: TAG_LIST }]);
  });
});

describe('kms:key', () => {
  const key = notificationKey(config, PLACE, TAGS);
  const POLICY = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AccountAdministersTheKey', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' },
      { Sid: 'EventBridgePublishesAlerts', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' },
      { Sid: 'CloudWatchPublishesAlarms', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' },
    ],
  };

  it('creates the key with its policy (EventBridge without source conditions), the alias, and rotation', async () => {
    kmsMock.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: 'k-1', Arn: 'arn:aws:kms:us-east-1:123456789012:key/k-1' } });
    kmsMock.on(CreateAliasCommand).resolves({});
    kmsMock.on(EnableKeyRotationCommand).resolves({});
    expect(await kmsKey.create(target, key)).toEqual({ arn: 'arn:aws:kms:us-east-1:123456789012:key/k-1' });
    expect(sent(kmsMock)).toEqual([
      [
        'CreateKeyCommand',
        {
          Description: "mtpipe (mt-pipeline): encrypts the pipeline's approval and alert topics",
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeySpec: 'SYMMETRIC_DEFAULT',
          Policy: JSON.stringify(POLICY),
          Tags: [
            { TagKey: 'mtpipe:project', TagValue: 'mt-pipeline' },
            { TagKey: 'mtpipe:env', TagValue: 'shared' },
            { TagKey: 'mtpipe:alias', TagValue: 'alias/mt-pipeline-notifications' },
          ],
        },
      ],
      ['CreateAliasCommand', { AliasName: 'alias/mt-pipeline-notifications', TargetKeyId: 'k-1' }],
      ['EnableKeyRotationCommand', { KeyId: 'k-1' }],
    ]);
  });

  it('when another run made the alias meanwhile, schedules its own new key for deletion and reports "already exists"', async () => {
    kmsMock.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: 'k-2' } });
    kmsMock.on(CreateAliasCommand).rejects(awsError('AlreadyExistsException'));
    kmsMock.on(ScheduleKeyDeletionCommand).resolves({});
    const error = await kmsKey.create(target, key).catch((e: unknown) => e);
    expect(kmsKey.alreadyExists?.(error)).toBe(true);
    expect(sent(kmsMock).filter(([name]) => name === 'ScheduleKeyDeletionCommand')).toEqual([['ScheduleKeyDeletionCommand', { KeyId: 'k-2', PendingWindowInDays: 7 }]]);
  });

  it('reads by alias; a changed statement of mtpipe\'s is put back, others\' statements kept', async () => {
    const other = { Sid: 'SecurityTeamAudits', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/audit' }, Action: 'kms:DescribeKey', Resource: '*' };
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k-1', Arn: 'arn:aws:kms:us-east-1:123456789012:key/k-1', Description: key.description, Enabled: true } });
    kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [POLICY.Statement[0], other] }) });
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
    kmsMock.on(ListResourceTagsCommand).resolves({ Tags: [{ TagKey: 'mtpipe:project', TagValue: 'mt-pipeline' }, { TagKey: 'mtpipe:env', TagValue: 'shared' }], Truncated: false });
    const current = await kmsKey.find(target, key);
    const diffs = kmsKey.diff(current, key);
    expect(diffs.map((d) => d.field)).toEqual(['policy']);
    kmsMock.on(PutKeyPolicyCommand).resolves({});
    await kmsKey.update(target, key, current!, diffs);
    expect(sent(kmsMock).filter(([name]) => name === 'PutKeyPolicyCommand')).toEqual([
      ['PutKeyPolicyCommand', { KeyId: 'k-1', PolicyName: 'default', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [other, ...POLICY.Statement] }) }],
    ]);
    kmsMock.on(DescribeKeyCommand).rejects(awsError('NotFoundException'));
    expect(await kmsKey.find(target, key)).toBeUndefined();
  });
});

describe('events:rule', () => {
  const trigger = triggerRule(config, PLACE, 'mt-pipeline-pipeline', 'main', TAGS);
  const PATTERN = {
    source: ['aws.codecommit'],
    'detail-type': ['CodeCommit Repository State Change'],
    resources: ['arn:aws:codecommit:us-east-1:123456789012:machine-translation'],
    detail: { event: ['referenceCreated', 'referenceUpdated'], referenceType: ['branch'], referenceName: ['main'] },
  };
  const TARGET = {
    Id: 'pipeline',
    Arn: 'arn:aws:codepipeline:us-east-1:123456789012:mt-pipeline-pipeline',
    RoleArn: 'arn:aws:iam::123456789012:role/mtpipe/mt-pipeline-events',
  };

  it('creates the trigger: the AWS-FACTS pattern, the pipeline as target with the events role (retried while the role is new)', async () => {
    vi.useFakeTimers();
    try {
      eventsMock.on(PutRuleCommand).resolves({ RuleArn: 'arn:aws:events:us-east-1:123456789012:rule/mt-pipeline-pipeline-trigger' });
      eventsMock
        .on(PutTargetsCommand)
        .rejectsOnce(awsError('ValidationException', 400, 'Access denied: role cannot be assumed by principal events.amazonaws.com'))
        .resolves({ FailedEntryCount: 0, FailedEntries: [] });
      const created = eventsRule.create(target, trigger, runThatCreated(`iam:role ${TARGET.RoleArn}`));
      await vi.runAllTimersAsync();
      await created;
    } finally {
      vi.useRealTimers();
    }
    expect(sent(eventsMock)).toEqual([
      [
        'PutRuleCommand',
        { Name: 'mt-pipeline-pipeline-trigger', Description: 'mtpipe (mt-pipeline): starts mt-pipeline-pipeline on a push to main', EventPattern: JSON.stringify(PATTERN), State: 'ENABLED', Tags: TAG_LIST },
      ],
      ['PutTargetsCommand', { Rule: 'mt-pipeline-pipeline-trigger', Targets: [TARGET] }],
      ['PutTargetsCommand', { Rule: 'mt-pipeline-pipeline-trigger', Targets: [TARGET] }],
    ]);
  });

  it('PutTargets answering 200 with failed entries is a failure', async () => {
    eventsMock.on(PutRuleCommand).resolves({});
    eventsMock.on(PutTargetsCommand).resolves({ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'pipeline', ErrorCode: 'ValidationException', ErrorMessage: 'bad role' }] });
    await expect(eventsRule.create(target, trigger)).rejects.toThrow('PutTargets refused pipeline: ValidationException bad role');
  });

  it('the failure rule: failed executions and failed Deploy-/Test- actions, a readable message to the alerts topic', () => {
    const rule = failureRule(config, PLACE, ['mt-pipeline-pipeline'], TAGS);
    expect(rule.eventPattern).toEqual({
      source: ['aws.codepipeline'],
      resources: ['arn:aws:codepipeline:us-east-1:123456789012:mt-pipeline-pipeline'],
      $or: [
        { 'detail-type': ['CodePipeline Pipeline Execution State Change'], detail: { state: ['FAILED'] } },
        { 'detail-type': ['CodePipeline Action Execution State Change'], detail: { state: ['FAILED'], stage: [{ prefix: 'Deploy-' }, { prefix: 'Test-' }] } },
      ],
    });
    expect(rule.targets).toEqual([
      {
        Id: 'alerts',
        Arn: ALERTS_ARN,
        InputTransformer: {
          InputPathsMap: { pipeline: '$.detail.pipeline', execution: '$.detail.execution-id', stage: '$.detail.stage', action: '$.detail.action', state: '$.detail.state' },
          InputTemplate:
            '"Pipeline <pipeline> <state> (stage <stage>, action <action>), execution <execution>: https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/<pipeline>/executions/<execution>/timeline?region=us-east-1"',
        },
      },
    ]);
  });

  it('compares only mtpipe\'s targets; a changed one is put again, others\' targets left alone', async () => {
    eventsMock.on(DescribeRuleCommand).resolves({ Arn: 'arn:aws:events:us-east-1:123456789012:rule/mt-pipeline-pipeline-trigger', Description: trigger.description, EventPattern: JSON.stringify(PATTERN), State: 'ENABLED' });
    eventsMock.on(ListTargetsByRuleCommand).resolves({ Targets: [{ ...TARGET, RoleArn: 'arn:aws:iam::123456789012:role/other' }, { Id: 'audit', Arn: 'arn:aws:sqs:us-east-1:123456789012:audit' }] });
    eventsMock.on(ListRuleTagsCommand).resolves({ Tags: TAG_LIST });
    const current = (await eventsRule.find(target, trigger)) as Rule;
    const diffs = eventsRule.diff(current, trigger);
    expect(diffs.map((d) => d.field)).toEqual(['targets.pipeline']);
    eventsMock.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
    await eventsRule.update(target, trigger, current, diffs);
    expect(sent(eventsMock).slice(3)).toEqual([['PutTargetsCommand', { Rule: 'mt-pipeline-pipeline-trigger', Targets: [TARGET] }]]);
    eventsMock.on(DescribeRuleCommand).rejects(awsError('ResourceNotFoundException'));
    expect(await eventsRule.find(target, trigger)).toBeUndefined();
  });
});

describe('codeconnections:connection', () => {
  const ARN = 'arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666';

  it('creates a connection (PENDING) with the tags; finds it again by name and provider', async () => {
    connectionsMock.on(CreateConnectionCommand).resolves({ ConnectionArn: ARN });
    await codeconnectionsConnection.create(target, { name: 'mt-pipeline', providerType: 'GitLab', tags: TAGS });
    expect(sent(connectionsMock)).toEqual([['CreateConnectionCommand', { ConnectionName: 'mt-pipeline', ProviderType: 'GitLab', Tags: TAG_LIST }]]);
    connectionsMock.on(ListConnectionsCommand).resolves({ Connections: [{ ConnectionName: 'other', ConnectionArn: 'x' }, { ConnectionName: 'mt-pipeline', ConnectionArn: ARN, ConnectionStatus: 'AVAILABLE', ProviderType: 'GitLab' }] });
    connectionsMock.on(ListConnectionTagsCommand).resolves({ Tags: TAG_LIST });
    const found = await codeconnectionsConnection.find(target, { name: 'mt-pipeline', providerType: 'GitLab', tags: TAGS });
    expect(found).toEqual({ name: 'mt-pipeline', arn: ARN, providerType: 'GitLab', status: 'AVAILABLE', tags: TAGS });
    expect(sent(connectionsMock).slice(1)).toEqual([
      ['ListConnectionsCommand', { ProviderTypeFilter: 'GitLab', MaxResults: 100 }],
      ['ListTagsForResourceCommand', { ResourceArn: ARN }],
    ]);
  });

  it('a given connection is read, never written; missing, it blocks the plan', async () => {
    connectionsMock.on(GetConnectionCommand).rejects(awsError('ResourceNotFoundException'));
    const current = await existingConnection.find(target, { arn: ARN });
    expect(current).toBeUndefined();
    expect(existingConnection.check?.(current, { arn: ARN })).toBe(`connection ${ARN} (source.connectionArn) does not exist in this account and region`);
  });
});
