import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { s3Bucket, type Bucket, type BucketSpec } from '../../../src/aws/s3-bucket.js';
import { testTarget } from '../../support/target.js';
import { awsError, resetBuildMocks, s3Mock, sent } from './mock-sdk.js';
import { together } from '../aws/in-flight.js';
import { indexHolds, taggingMock } from '../aws/tagging-mock.js';

const NAME = 'mt-artifacts-123456789012-us-east-1';
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' };
const spec: BucketSpec = { name: NAME, partition: 'aws', retentionDays: 30, tags: TAGS };
const target = testTarget();

const OWN_RULE = {
  ID: 'mtpipe-expire-old-artifacts',
  Status: 'Enabled' as const,
  Filter: { Prefix: '' },
  Expiration: { Days: 30 },
  NoncurrentVersionExpiration: { NoncurrentDays: 30 },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
};
const OTHER_RULE = { ID: 'someone-elses', Status: 'Enabled' as const, Filter: { Prefix: 'logs/' }, Expiration: { Days: 400 } };
const TLS_STATEMENT = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${NAME}`, `arn:aws:s3:::${NAME}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};
const OTHER_STATEMENT = { Sid: 'AllowAuditor', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${NAME}/*` };
const BLOCK_ALL = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/** A bucket exactly as create-builds leaves it. */
const configured = (overrides: Partial<Bucket> = {}): Bucket => ({
  name: NAME,
  publicAccessBlock: { ...BLOCK_ALL },
  encryption: { algorithm: 'AES256' },
  versioning: 'Enabled',
  lifecycleRules: [OWN_RULE],
  ownership: 'BucketOwnerEnforced',
  policy: { Version: '2012-10-17', Statement: [TLS_STATEMENT] },
  tags: { ...TAGS },
  ...overrides,
});

beforeEach(() => {
  resetBuildMocks();
  taggingMock.reset();
});

describe('s3Bucket.find', () => {
  it('is undefined when the GETs say NoSuchBucket (no HeadBucket first)', async () => {
    s3Mock.rejects(awsError('NoSuchBucket', 404));
    expect(await s3Bucket.find(target, spec)).toBeUndefined();
    expect(sent(s3Mock).map(([name]) => name)).not.toContain('HeadBucketCommand');
    // an absent bucket has no tags to read
    expect(sent(s3Mock).map(([name]) => name)).not.toContain('GetBucketTaggingCommand');
  });

  it('reads every setting, and takes each "not configured" error as absent', async () => {
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
    s3Mock.on(GetBucketEncryptionCommand).rejects(awsError('ServerSideEncryptionConfigurationNotFoundError', 404));
    s3Mock.on(GetBucketVersioningCommand).resolves({});
    s3Mock.on(GetBucketLifecycleConfigurationCommand).rejects(awsError('NoSuchLifecycleConfiguration', 404));
    s3Mock.on(GetBucketOwnershipControlsCommand).rejects(awsError('OwnershipControlsNotFoundError', 404));
    s3Mock.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
    s3Mock.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet', 404));

    expect(await s3Bucket.find(target, spec)).toStrictEqual({
      name: NAME,
      publicAccessBlock: undefined,
      encryption: undefined,
      versioning: undefined,
      lifecycleRules: [],
      ownership: undefined,
      policy: undefined,
      tags: {},
    });
    expect(sent(s3Mock).sort()).toStrictEqual(
      [
        ['GetPublicAccessBlockCommand', { Bucket: NAME }],
        ['GetBucketEncryptionCommand', { Bucket: NAME }],
        ['GetBucketVersioningCommand', { Bucket: NAME }],
        ['GetBucketLifecycleConfigurationCommand', { Bucket: NAME }],
        ['GetBucketOwnershipControlsCommand', { Bucket: NAME }],
        ['GetBucketPolicyCommand', { Bucket: NAME }],
        ['GetBucketTaggingCommand', { Bucket: NAME }],
      ].sort(),
    );
  });

  it('takes the tags from the project\'s index when it holds the bucket: no GetBucketTagging; the six GETs go together', async () => {
    indexHolds({ [`arn:aws:s3:::${NAME}`]: { ...TAGS, team: 'ml' } });
    const GETS = ['access', 'encryption', 'versioning', 'lifecycle', 'ownership', 'policy'];
    const answer = together(GETS, () => ({}));
    s3Mock.on(GetPublicAccessBlockCommand).callsFake(() => answer('access'));
    s3Mock.on(GetBucketEncryptionCommand).callsFake(() => answer('encryption'));
    s3Mock.on(GetBucketVersioningCommand).callsFake(() => answer('versioning'));
    s3Mock.on(GetBucketLifecycleConfigurationCommand).callsFake(() => answer('lifecycle'));
    s3Mock.on(GetBucketOwnershipControlsCommand).callsFake(() => answer('ownership'));
    s3Mock.on(GetBucketPolicyCommand).callsFake(() => answer('policy'));
    expect((await s3Bucket.find(testTarget(), spec))?.tags).toStrictEqual({ ...TAGS, team: 'ml' });
    expect(sent(s3Mock).map(([name]) => name)).not.toContain('GetBucketTaggingCommand');
    expect(sent(s3Mock)).toHaveLength(6);
  });

  it('reads a configured bucket into the fields diff compares', async () => {
    s3Mock.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: BLOCK_ALL });
    s3Mock.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/artifacts' }, BucketKeyEnabled: true }] },
    });
    s3Mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3Mock.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [OTHER_RULE, OWN_RULE] });
    s3Mock.on(GetBucketOwnershipControlsCommand).resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
    s3Mock.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [TLS_STATEMENT] }) });
    s3Mock.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'mtpipe:project', Value: 'mt' }, { Key: 'mtpipe:env', Value: 'shared' }] });

    expect(await s3Bucket.find(target, spec)).toStrictEqual(
      configured({ encryption: { algorithm: 'aws:kms', kmsKeyId: 'alias/artifacts', bucketKeyEnabled: true }, lifecycleRules: [OTHER_RULE, OWN_RULE] }),
    );
  });

  it('lets any other error through (access denied on one setting is not "absent")', async () => {
    s3Mock.resolves({});
    s3Mock.on(GetBucketPolicyCommand).rejects(awsError('AccessDenied', 403));
    await expect(s3Bucket.find(target, spec)).rejects.toThrow('AccessDenied');
  });

  it('a bucket of that name in another region (a GET\'s 301, x-amz-bucket-region) cannot serve this place: the plan refuses it', async () => {
    s3Mock.resolves({});
    s3Mock.on(GetBucketVersioningCommand).rejects(Object.assign(awsError('PermanentRedirect', 301), { $response: { headers: { 'x-amz-bucket-region': 'ap-south-1' } } }));
    const current = await s3Bucket.find(target, spec);
    expect(current?.elsewhere).toBe('ap-south-1');
    expect(s3Bucket.check!(current, spec)).toBe(`bucket ${NAME} exists in ap-south-1, not in this target's region (a bucket's region cannot change): choose another name, or delete it there first`);
    expect(s3Bucket.check!({ ...current!, elsewhere: undefined } as never, spec)).toBeUndefined();
  });

  it('explains a 403 on every read: the name may belong to another account', async () => {
    s3Mock.rejects(awsError('AccessDenied', 403));
    await expect(s3Bucket.find(target, spec)).rejects.toThrow(/another account may own the name\): set builds\.artifactBucket/);
  });

  it('does not ask S3 about a name longer than 63 characters; check explains what to set', async () => {
    const long = { ...spec, name: `${'p'.repeat(30)}-artifacts-123456789012-ap-southeast-2` };
    expect(await s3Bucket.find(target, long)).toBeUndefined();
    expect(s3Mock.calls()).toHaveLength(0);
    expect(s3Bucket.check!(undefined, long)).toBe(
      `the artifact bucket name "${long.name}" has 68 characters (S3 allows at most 63): set builds.artifactBucket in mtpipe.yaml to a shorter name`,
    );
    expect(s3Bucket.check!(undefined, spec)).toBeUndefined();
  });
});

describe('s3Bucket.diff', () => {
  it('finds nothing to change on a bucket as create-builds leaves it', () => {
    expect(s3Bucket.diff(configured(), spec)).toEqual([]);
  });

  it('ignores lifecycle rules, policy statements and tags that others added', () => {
    const shared = configured({
      lifecycleRules: [OTHER_RULE, OWN_RULE],
      policy: { Version: '2012-10-17', Statement: [OTHER_STATEMENT, TLS_STATEMENT] },
      tags: { ...TAGS, team: 'ml' },
    });
    expect(s3Bucket.diff(shared, spec)).toEqual([]);
  });

  it('names each setting that differs, and only those', () => {
    const drifted = configured({
      publicAccessBlock: { ...BLOCK_ALL, RestrictPublicBuckets: false },
      versioning: 'Suspended',
      lifecycleRules: [{ ...OWN_RULE, Expiration: { Days: 7 } }],
      policy: undefined,
    });
    expect(s3Bucket.diff(drifted, spec).map((d) => d.field)).toEqual(['publicAccessBlock', 'versioning', 'lifecycle', 'policy']);
    expect(s3Bucket.diff(configured({ ownership: 'ObjectWriter', tags: {} }), spec).map((d) => d.field)).toEqual(['ownership', 'tags']);
    expect(s3Bucket.diff(configured(), { ...spec, kmsKeyId: 'alias/artifacts' })).toEqual([
      { field: 'encryption', from: { algorithm: 'AES256' }, to: { algorithm: 'aws:kms', kmsKeyId: 'alias/artifacts', bucketKeyEnabled: true } },
    ]);
    expect(s3Bucket.diff(configured(), { ...spec, retentionDays: 90 }).map((d) => d.field)).toEqual(['lifecycle']);
  });

  it('reads a lifecycle rule whose filter S3 spells as the old top-level Prefix the same way', () => {
    const { Filter: _filter, ...rest } = OWN_RULE;
    expect(s3Bucket.diff(configured({ lifecycleRules: [{ ...rest, Prefix: '' }] }), spec)).toEqual([]);
  });
});

describe('s3Bucket.create', () => {
  it('in us-east-1: CreateBucket with its tags (a killed run leaves no untagged bucket) and without a location, then every setting', async () => {
    s3Mock.resolves({});
    expect(await s3Bucket.create(target, spec)).toEqual({ arn: `arn:aws:s3:::${NAME}` });
    expect(sent(s3Mock)).toStrictEqual([
      [
        'CreateBucketCommand',
        { Bucket: NAME, ObjectOwnership: 'BucketOwnerEnforced', CreateBucketConfiguration: { Tags: [{ Key: 'mtpipe:project', Value: 'mt' }, { Key: 'mtpipe:env', Value: 'shared' }] } },
      ],
      ['PutPublicAccessBlockCommand', { Bucket: NAME, PublicAccessBlockConfiguration: BLOCK_ALL }],
      ['PutBucketEncryptionCommand', { Bucket: NAME, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }],
      ['PutBucketVersioningCommand', { Bucket: NAME, VersioningConfiguration: { Status: 'Enabled' } }],
      ['PutBucketLifecycleConfigurationCommand', { Bucket: NAME, LifecycleConfiguration: { Rules: [OWN_RULE] } }],
      ['PutBucketPolicyCommand', { Bucket: NAME, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [TLS_STATEMENT] }) }],
    ]);
  });

  it('outside us-east-1: names the region as LocationConstraint; with a KMS key: aws:kms and a bucket key', async () => {
    s3Mock.resolves({});
    await s3Bucket.create(testTarget({ region: 'eu-west-1' }), { ...spec, kmsKeyId: 'alias/artifacts' });
    expect(s3Mock).toHaveReceivedCommandWith(CreateBucketCommand, {
      Bucket: NAME,
      ObjectOwnership: 'BucketOwnerEnforced',
      CreateBucketConfiguration: { Tags: [{ Key: 'mtpipe:project', Value: 'mt' }, { Key: 'mtpipe:env', Value: 'shared' }], LocationConstraint: 'eu-west-1' },
    });
    expect(sent(s3Mock).find(([name]) => name === 'PutBucketEncryptionCommand')?.[1]).toStrictEqual({
      Bucket: NAME,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/artifacts' }, BucketKeyEnabled: true }],
      },
    });
  });
});

describe('s3Bucket writes in parallel', () => {
  it('after CreateBucket, every setting is put at once', async () => {
    s3Mock.on(CreateBucketCommand).resolves({});
    const answer = together(['access', 'encryption', 'versioning', 'lifecycle', 'policy'], () => ({}));
    s3Mock.on(PutPublicAccessBlockCommand).callsFake(() => answer('access'));
    s3Mock.on(PutBucketEncryptionCommand).callsFake(() => answer('encryption'));
    s3Mock.on(PutBucketVersioningCommand).callsFake(() => answer('versioning'));
    s3Mock.on(PutBucketLifecycleConfigurationCommand).callsFake(() => answer('lifecycle'));
    s3Mock.on(PutBucketPolicyCommand).callsFake(() => answer('policy'));
    await s3Bucket.create(target, spec);
    expect(sent(s3Mock)).toHaveLength(6);
  });
});

describe('s3Bucket.update', () => {
  it('puts only the settings that differ', async () => {
    s3Mock.resolves({});
    const current = configured({ versioning: 'Suspended', ownership: 'ObjectWriter' });
    await s3Bucket.update(target, spec, current, s3Bucket.diff(current, spec));
    expect(sent(s3Mock)).toStrictEqual([
      ['PutBucketOwnershipControlsCommand', { Bucket: NAME, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }],
      ['PutBucketVersioningCommand', { Bucket: NAME, VersioningConfiguration: { Status: 'Enabled' } }],
    ]);
  });

  it("keeps others' lifecycle rules, policy statements and tags when it replaces its own", async () => {
    s3Mock.resolves({});
    const current = configured({
      lifecycleRules: [OTHER_RULE, { ...OWN_RULE, Expiration: { Days: 1 } }],
      policy: { Version: '2012-10-17', Statement: [OTHER_STATEMENT] },
      tags: { team: 'ml', 'mtpipe:env': 'old' },
    });
    await s3Bucket.update(target, spec, current, s3Bucket.diff(current, spec));
    expect(sent(s3Mock)).toStrictEqual([
      ['PutBucketTaggingCommand', { Bucket: NAME, Tagging: { TagSet: [{ Key: 'team', Value: 'ml' }, { Key: 'mtpipe:env', Value: 'shared' }, { Key: 'mtpipe:project', Value: 'mt' }] } }],
      ['PutBucketLifecycleConfigurationCommand', { Bucket: NAME, LifecycleConfiguration: { Rules: [OTHER_RULE, OWN_RULE] } }],
      ['PutBucketPolicyCommand', { Bucket: NAME, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [OTHER_STATEMENT, TLS_STATEMENT] }) }],
    ]);
  });
});
