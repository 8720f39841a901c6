import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RestoreSecretCommand,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { sameKmsKey, secretsManagerSecret, type SecretSpec, type StoredSecret } from '../../../src/aws/secretsmanager-secret.js';
import { testTarget } from '../../support/target.js';
import { resetSdkMocks, secretsMock, sentCommands } from './mock-sdk.js';

const target = testTarget();
const NAME = 'mt/dev/hugging-face-token';
const ARN = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${NAME}-AbCdEf`;
const TOKEN = 'hf_unitTestToken_1234';
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'dev' };
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const spec = (overrides: Partial<SecretSpec> = {}): SecretSpec => ({ name: NAME, value: TOKEN, tags: TAGS, ...overrides });
const stored = (overrides: Partial<StoredSecret> = {}): StoredSecret => ({
  arn: ARN,
  value: TOKEN,
  hasValue: true,
  kmsKeyId: undefined,
  deleted: false,
  tags: { ...TAGS },
  ...overrides,
});
const notFound = (message: string) => new ResourceNotFoundException({ message, $metadata: {} });

beforeEach(() => resetSdkMocks());

describe('secretsManagerSecret.find', () => {
  it('describes the secret and reads its current value', async () => {
    secretsMock.on(DescribeSecretCommand).resolves({
      ARN,
      Name: NAME,
      KmsKeyId: KEY_ARN,
      VersionIdsToStages: { 'v-1': ['AWSPREVIOUS'], 'v-2': ['AWSCURRENT'] },
      Tags: [
        { Key: 'mtpipe:project', Value: 'mt' },
        { Key: 'mtpipe:env', Value: 'dev' },
      ],
    });
    secretsMock.on(GetSecretValueCommand).resolves({ ARN, Name: NAME, SecretString: TOKEN });

    const found = await secretsManagerSecret.find(target, spec());
    expect(found).toStrictEqual(stored({ kmsKeyId: KEY_ARN }));
    expect(sentCommands(secretsMock)).toStrictEqual([
      ['DescribeSecretCommand', { SecretId: NAME }],
      ['GetSecretValueCommand', { SecretId: NAME }],
    ]);
  });

  it('a missing secret is undefined; other errors propagate', async () => {
    secretsMock
      .on(DescribeSecretCommand)
      .rejectsOnce(notFound("Secrets Manager can't find the specified secret."))
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(secretsManagerSecret.find(target, spec())).resolves.toBeUndefined();
    await expect(secretsManagerSecret.find(target, spec())).rejects.toThrow('denied');
    expect(secretsMock).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  it('a secret without a current version has no value, and is not read', async () => {
    secretsMock.on(DescribeSecretCommand).resolves({ ARN, Name: NAME, Tags: [] });

    await expect(secretsManagerSecret.find(target, spec())).resolves.toStrictEqual(stored({ value: undefined, hasValue: false, tags: {} }));
    expect(secretsMock).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  it('without a new value to compare, the stored one is never read', async () => {
    secretsMock.on(DescribeSecretCommand).resolves({ ARN, Name: NAME, Tags: [], VersionIdsToStages: { 'v-1': ['AWSCURRENT'] } });

    await expect(secretsManagerSecret.find(target, spec({ value: undefined }))).resolves.toStrictEqual(stored({ value: undefined, tags: {} }));
    expect(secretsMock).not.toHaveReceivedCommand(GetSecretValueCommand);
  });

  it('a secret scheduled for deletion is not read (AWS refuses), and is marked deleted', async () => {
    secretsMock.on(DescribeSecretCommand).resolves({ ARN, Name: NAME, DeletedDate: new Date(), Tags: [] });

    await expect(secretsManagerSecret.find(target, spec())).resolves.toStrictEqual(stored({ value: undefined, hasValue: false, deleted: true, tags: {} }));
    expect(secretsMock).not.toHaveReceivedCommand(GetSecretValueCommand);
  });
});

describe('secretsManagerSecret.diff and check', () => {
  it('a new secret: value (secret), key and tags', () => {
    expect(secretsManagerSecret.diff(undefined, spec())).toStrictEqual([
      { field: 'value', to: TOKEN, secret: true },
      { field: 'kmsKeyId', to: 'alias/aws/secretsmanager' },
      { field: 'tags', to: TAGS },
    ]);
    expect(secretsManagerSecret.diff(undefined, spec({ kmsKeyId: KEY_ARN }))).toContainEqual({ field: 'kmsKeyId', to: KEY_ARN });
  });

  it('the same value, key and tags: no diff', () => {
    expect(secretsManagerSecret.diff(stored(), spec())).toStrictEqual([]);
    expect(secretsManagerSecret.diff(stored({ kmsKeyId: KEY_ARN }), spec({ kmsKeyId: KEY_ARN }))).toStrictEqual([]);
    expect(secretsManagerSecret.diff(stored({ tags: { ...TAGS, team: 'ml' } }), spec())).toStrictEqual([]);
  });

  it('another value is a secret diff: the values are never in it', () => {
    const diffs = secretsManagerSecret.diff(stored({ value: 'hf_old' }), spec());
    expect(diffs).toStrictEqual([{ field: 'value', from: 'hf_old', to: TOKEN, secret: true }]);
  });

  it('no value given this run keeps the stored one', () => {
    expect(secretsManagerSecret.diff(stored({ value: 'hf_old' }), spec({ value: undefined }))).toStrictEqual([]);
    expect(secretsManagerSecret.check!(stored(), spec({ value: undefined }))).toBeUndefined();
  });

  it('no value given and none stored: a problem naming HF_TOKEN and --hf-token-stdin', () => {
    const problem = `${NAME} has no value yet: set HF_TOKEN or pass --hf-token-stdin`;
    expect(secretsManagerSecret.check!(undefined, spec({ value: undefined }))).toBe(problem);
    expect(secretsManagerSecret.check!(stored({ value: undefined, hasValue: false }), spec({ value: undefined }))).toBe(problem);
    expect(secretsManagerSecret.check!(stored({ value: undefined, hasValue: false, deleted: true }), spec({ value: undefined }))).toBeUndefined();
    // a current version whose value this run did not read: kept, no problem
    expect(secretsManagerSecret.check!(stored({ value: undefined }), spec({ value: undefined }))).toBeUndefined();
    expect(secretsManagerSecret.check!(undefined, spec())).toBeUndefined();
    expect(secretsManagerSecret.diff(undefined, spec({ value: undefined }))[0]).toStrictEqual({ field: 'value', to: '(not given)', secret: true });
  });

  it('another key, compared as the same key when AWS names it by ARN', () => {
    expect(secretsManagerSecret.diff(stored(), spec({ kmsKeyId: KEY_ARN }))).toStrictEqual([
      { field: 'kmsKeyId', from: 'alias/aws/secretsmanager', to: KEY_ARN },
    ]);
    expect(secretsManagerSecret.diff(stored({ kmsKeyId: KEY_ARN }), spec())).toStrictEqual([
      { field: 'kmsKeyId', from: KEY_ARN, to: 'alias/aws/secretsmanager' },
    ]);
    expect(sameKmsKey(KEY_ARN, '1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(true);
    expect(sameKmsKey('arn:aws:kms:us-east-1:123456789012:alias/mt-token', 'alias/mt-token')).toBe(true);
    expect(sameKmsKey(KEY_ARN, 'alias/mt-token')).toBe(false);
    expect(sameKmsKey('alias/a', 'alias/b')).toBe(false);
  });

  it('a deleted secret is restored; missing tags are added', () => {
    expect(secretsManagerSecret.diff(stored({ value: undefined, deleted: true, tags: { 'mtpipe:project': 'mt' } }), spec())).toStrictEqual([
      { field: 'state', from: 'scheduled for deletion', to: 'restored' },
      { field: 'value', from: undefined, to: TOKEN, secret: true },
      { field: 'tags', from: {}, to: { 'mtpipe:env': 'dev' } },
    ]);
    expect(secretsManagerSecret.tagsOf!(stored())).toStrictEqual(TAGS);
  });
});

describe('secretsManagerSecret.create', () => {
  it('CreateSecret with name, SecretString and tags; the KMS key only when one is configured', async () => {
    secretsMock.on(CreateSecretCommand).resolves({ ARN, Name: NAME });

    await expect(secretsManagerSecret.create(target, spec())).resolves.toStrictEqual({ arn: ARN });
    await secretsManagerSecret.create(target, spec({ kmsKeyId: KEY_ARN }));
    const tags = [
      { Key: 'mtpipe:project', Value: 'mt' },
      { Key: 'mtpipe:env', Value: 'dev' },
    ];
    expect(sentCommands(secretsMock)).toStrictEqual([
      ['CreateSecretCommand', { Name: NAME, SecretString: TOKEN, Tags: tags }],
      ['CreateSecretCommand', { Name: NAME, SecretString: TOKEN, KmsKeyId: KEY_ARN, Tags: tags }],
    ]);
  });

  it('refuses to create without a value (the plan blocks this before)', async () => {
    await expect(secretsManagerSecret.create(target, spec({ value: undefined }))).rejects.toThrow(/no value/);
    expect(secretsMock.calls()).toHaveLength(0);
  });
});

describe('secretsManagerSecret.update', () => {
  beforeEach(() => {
    secretsMock.on(PutSecretValueCommand).resolves({});
    secretsMock.on(UpdateSecretCommand).resolves({});
    secretsMock.on(TagResourceCommand).resolves({});
    secretsMock.on(RestoreSecretCommand).resolves({});
  });

  const update = (current: StoredSecret, wanted: SecretSpec) =>
    secretsManagerSecret.update(target, wanted, current, secretsManagerSecret.diff(current, wanted));

  it('another value: PutSecretValue only', async () => {
    await expect(update(stored({ value: 'hf_old' }), spec())).resolves.toStrictEqual({ arn: ARN });
    expect(sentCommands(secretsMock)).toStrictEqual([['PutSecretValueCommand', { SecretId: ARN, SecretString: TOKEN }]]);
  });

  it('another key: UpdateSecret with the key only (no value)', async () => {
    await update(stored(), spec({ kmsKeyId: KEY_ARN }));
    expect(sentCommands(secretsMock)).toStrictEqual([['UpdateSecretCommand', { SecretId: ARN, KmsKeyId: KEY_ARN }]]);
  });

  it('missing tags: TagResource with just those', async () => {
    await update(stored({ tags: { 'mtpipe:env': 'dev', team: 'ml' } }), spec());
    expect(sentCommands(secretsMock)).toStrictEqual([['TagResourceCommand', { SecretId: ARN, Tags: [{ Key: 'mtpipe:project', Value: 'mt' }] }]]);
  });

  it('all at once: restore, key, value, tags, in that order', async () => {
    await update(stored({ value: undefined, deleted: true, tags: {} }), spec({ kmsKeyId: KEY_ARN }));
    expect(sentCommands(secretsMock)).toStrictEqual([
      ['RestoreSecretCommand', { SecretId: ARN }],
      ['UpdateSecretCommand', { SecretId: ARN, KmsKeyId: KEY_ARN }],
      ['PutSecretValueCommand', { SecretId: ARN, SecretString: TOKEN }],
      [
        'TagResourceCommand',
        {
          SecretId: ARN,
          Tags: [
            { Key: 'mtpipe:project', Value: 'mt' },
            { Key: 'mtpipe:env', Value: 'dev' },
          ],
        },
      ],
    ]);
  });

  it('nothing different, or only a value not given this run: no call', async () => {
    await update(stored(), spec());
    await update(stored({ value: 'hf_old' }), spec({ value: undefined }));
    expect(secretsMock.calls()).toHaveLength(0);
  });
});
