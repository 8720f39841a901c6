import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { beforeEach, describe, expect, it } from 'vitest';
import { kmsKey } from '../../../src/aws/kms-key.js';
import { notificationKey } from '../../../src/commands/pipeline-notifications.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';
import { together } from '../aws/in-flight.js';
import { indexHolds, taggingMock } from '../aws/tagging-mock.js';
import { awsError, kmsMock, resetPipelineMocks, sent } from './mock-sdk.js';

const PLACE = { partition: 'aws', account: '123456789012', region: 'us-east-1' };
const TAGS = { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' };
const config = configSchema.parse(defaultConfig('us-east-1'));
const key = notificationKey(config, PLACE, TAGS);
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/k-1';
const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: key.policyStatements });

beforeEach(() => {
  resetPipelineMocks();
  taggingMock.reset();
});

describe('kms:key reads', () => {
  it('takes the tags from the project\'s index by the key ARN (no ListResourceTags), policy and rotation read together', async () => {
    indexHolds({ [KEY_ARN]: TAGS });
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k-1', Arn: KEY_ARN, Description: key.description, Enabled: true, KeyState: 'Enabled' } });
    const answer = together(['policy', 'rotation'], (name) => (name === 'policy' ? { Policy: POLICY } : { KeyRotationEnabled: true }));
    kmsMock.on(GetKeyPolicyCommand).callsFake(() => answer('policy'));
    kmsMock.on(GetKeyRotationStatusCommand).callsFake(() => answer('rotation'));
    const current = await kmsKey.find(testTarget(), key);
    expect(current?.tags).toEqual(TAGS);
    expect(kmsKey.diff(current, key)).toEqual([]);
    expect(sent(kmsMock).map(([name]) => name)).toEqual(['DescribeKeyCommand', 'GetKeyPolicyCommand', 'GetKeyRotationStatusCommand']);
  });

  it('reads the tags with ListResourceTags when the index does not hold the key', async () => {
    indexHolds({});
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k-1', Arn: KEY_ARN, Description: key.description, Enabled: true } });
    kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: POLICY });
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
    kmsMock.on(ListResourceTagsCommand).resolves({ Tags: [{ TagKey: 'mtpipe:project', TagValue: 'mt-pipeline' }], Truncated: false });
    expect((await kmsKey.find(testTarget(), key))?.tags).toEqual({ 'mtpipe:project': 'mt-pipeline' });
    expect(sent(kmsMock)).toContainEqual(['ListResourceTagsCommand', { KeyId: 'k-1' }]);
  });
});

describe('kms:key left without its alias by a killed run', () => {
  const FOR_ALIAS = { ...TAGS, 'mtpipe:alias': key.alias };

  it('is found by its mtpipe:alias tag; the plan makes only the alias (and rotation, never enabled)', async () => {
    indexHolds({ 'arn:aws:kms:us-east-1:123456789012:key/k-old': { ...FOR_ALIAS }, [KEY_ARN]: { ...FOR_ALIAS }, 'arn:aws:kms:us-east-1:123456789012:key/k-other': { ...TAGS, 'mtpipe:alias': 'alias/other' } });
    kmsMock.on(DescribeKeyCommand, { KeyId: key.alias }).rejects(awsError('NotFoundException'));
    kmsMock.on(DescribeKeyCommand, { KeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-old' }).resolves({ KeyMetadata: { KeyId: 'k-old', KeyState: 'PendingDeletion', Enabled: false } });
    kmsMock.on(DescribeKeyCommand, { KeyId: KEY_ARN }).resolves({ KeyMetadata: { KeyId: 'k-1', Arn: KEY_ARN, Description: key.description, Enabled: true, KeyState: 'Enabled' } });
    kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: POLICY });
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    const target = testTarget();
    const current = await kmsKey.find(target, key);
    expect(current).toMatchObject({ keyId: 'k-1', arn: KEY_ARN, withoutAlias: true, tags: FOR_ALIAS });
    const diffs = kmsKey.diff(current, key);
    expect(diffs.map((d) => d.field)).toEqual(['alias', 'rotation']);
    expect(sent(kmsMock).filter(([name]) => name === 'DescribeKeyCommand').map(([, input]) => input)).toEqual([
      { KeyId: key.alias },
      { KeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-old' },
      { KeyId: KEY_ARN },
    ]);

    kmsMock.reset();
    kmsMock.on(CreateAliasCommand).resolves({});
    kmsMock.on(EnableKeyRotationCommand).resolves({});
    await kmsKey.update(target, key, current!, diffs);
    expect(sent(kmsMock)).toEqual([
      ['CreateAliasCommand', { AliasName: key.alias, TargetKeyId: 'k-1' }],
      ['EnableKeyRotationCommand', { KeyId: 'k-1' }],
    ]);
  });

  it('without such a key (or without the index) the key is created, tagged for its alias', async () => {
    kmsMock.on(DescribeKeyCommand).rejects(awsError('NotFoundException'));
    expect(await kmsKey.find(testTarget(), key)).toBeUndefined();
    indexHolds({ [KEY_ARN]: { ...TAGS, 'mtpipe:alias': 'alias/other' } });
    expect(await kmsKey.find(testTarget(), key)).toBeUndefined();
    expect(sent(kmsMock).map(([, input]) => input)).toEqual([{ KeyId: key.alias }, { KeyId: key.alias }]);
  });

  it('creates the alias and enables rotation together, once the key exists', async () => {
    kmsMock.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: 'k-1', Arn: KEY_ARN } });
    const answer = together(['alias', 'rotation'], () => ({}));
    kmsMock.on(CreateAliasCommand).callsFake(() => answer('alias'));
    kmsMock.on(EnableKeyRotationCommand).callsFake(() => answer('rotation'));
    await kmsKey.create(testTarget(), key);
    expect(sent(kmsMock).find(([name]) => name === 'CreateKeyCommand')?.[1]).toMatchObject({ Tags: expect.arrayContaining([{ TagKey: 'mtpipe:alias', TagValue: key.alias }]) });
  });

  it('destroy schedules the aliased key and every other enabled key made for the alias', async () => {
    indexHolds({ [KEY_ARN]: { ...FOR_ALIAS }, 'arn:aws:kms:us-east-1:123456789012:key/k-lost': { ...FOR_ALIAS } });
    kmsMock.on(ScheduleKeyDeletionCommand).resolves({ DeletionDate: new Date('2026-12-07T00:00:00Z') });
    kmsMock.on(DeleteAliasCommand).resolves({});
    kmsMock.on(DescribeKeyCommand, { KeyId: KEY_ARN }).resolves({ KeyMetadata: { KeyId: 'k-1', KeyState: 'PendingDeletion' } });
    kmsMock.on(DescribeKeyCommand, { KeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-lost' }).resolves({ KeyMetadata: { KeyId: 'k-lost', KeyState: 'Enabled' } });
    const current = { keyId: 'k-1', arn: KEY_ARN, description: key.description, enabled: true, rotation: true, policy: [], tags: FOR_ALIAS };
    const { note } = (await kmsKey.delete!(testTarget(), current, key)) as { note: string };
    expect(sent(kmsMock).filter(([name]) => name === 'ScheduleKeyDeletionCommand').map(([, input]) => input)).toEqual([
      { KeyId: 'k-1', PendingWindowInDays: 7 },
      { KeyId: 'k-lost', PendingWindowInDays: 7 },
    ]);
    expect(note).toContain('key k-1, with k-lost made for the same alias deleted on');
  });
});
