import type { BucketLocationConstraint, LifecycleRule, TransitionDefaultMinimumObjectSize } from '@aws-sdk/client-s3';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, toTagList } from '../engine/diff.js';
import { TAG_PROJECT, type FieldDiff, type ResourceKind, type Target } from '../engine/types.js';
import { projectTags } from './tag-index.js';
import { alreadyExists, isBucketEncryptionNotFound, isBucketNotFound, isBucketPolicyNotFound, isBucketTagSetNotFound, isLifecycleConfigurationNotFound, isOwnershipControlsNotFound, isPublicAccessBlockNotFound, unlessAbsent } from './errors.js';
import { deleteBucket } from './s3-bucket-delete.js';
import {
  BLOCK_ALL_PUBLIC_ACCESS,
  BUCKET_OWNER_ENFORCED,
  bucketArn,
  encryptionView,
  inAnotherRegion,
  MAX_BUCKET_NAME_LENGTH,
  RETENTION_RULE_ID,
  retentionRule,
  ruleView,
  settableTags,
  TLS_ONLY_SID,
  tlsOnlyStatement,
  wantedEncryption,
  type BucketSpec,
  type Encryption,
  type Statement,
} from './s3-bucket-rules.js';

export { bucketArn, inAnotherRegion, MAX_BUCKET_NAME_LENGTH, RETENTION_RULE_ID, retentionRule, TLS_ONLY_SID, tlsOnlyStatement, type BucketSpec };
import { canonicalStatement, comparePolicy } from './policy-document.js';

interface BucketPolicy {
  Version?: string;
  Statement: Statement[];
}

export interface Bucket {
  name: string;
  /** the bucket's region when it is not the target's (a GET's 301, x-amz-bucket-region): the plan refuses it */
  elsewhere?: string;
  publicAccessBlock: Record<string, boolean | undefined> | undefined;
  encryption: Encryption | undefined;
  versioning: string | undefined;
  lifecycleRules: LifecycleRule[];
  /** a setting of the whole lifecycle configuration, which PutBucketLifecycleConfiguration resets when left out */
  transitionMinimumObjectSize?: TransitionDefaultMinimumObjectSize;
  ownership: string | undefined;
  policy: BucketPolicy | undefined;
  tags: Record<string, string>;
}


const isValidName = (name: string) => name.length >= 3 && name.length <= MAX_BUCKET_NAME_LENGTH;

type Answer = { $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
const httpStatus = (error: unknown) => (error as Answer | undefined)?.$metadata?.httpStatusCode;
/** A bucket S3 shows nothing of (it is in another region). */
const NOTHING_READ = { publicAccessBlock: undefined, encryption: undefined, versioning: undefined, lifecycleRules: [], ownership: undefined, policy: undefined, tags: {} };


export const s3Bucket: ResourceKind<BucketSpec, Bucket> = {
  kind: 's3:bucket',
  name: (spec) => spec.name,

  /**
   * Every setting's GET at once, with no HeadBucket first: each GET answers what HeadBucket would
   * (NoSuchBucket: absent; 301 with x-amz-bucket-region: the bucket is in another region; 403 from every
   * one: another account owns the name). Tags come from the project's tag index when it holds the bucket,
   * else from GetBucketTagging once the other GETs have answered.
   */
  async find(target, spec) {
    const {
      GetBucketEncryptionCommand,
      GetBucketLifecycleConfigurationCommand,
      GetBucketOwnershipControlsCommand,
      GetBucketPolicyCommand,
      GetBucketTaggingCommand,
      GetBucketVersioningCommand,
      GetPublicAccessBlockCommand,
      S3Client,
    } = await sdk.s3();
    // a name S3 would refuse cannot exist; `check` explains it
    if (!isValidName(spec.name)) return undefined;
    const client = target.clients.get(S3Client);
    const Bucket = spec.name;
    const settings = [
      unlessAbsent(client.send(new GetPublicAccessBlockCommand({ Bucket })), isPublicAccessBlockNotFound),
      unlessAbsent(client.send(new GetBucketEncryptionCommand({ Bucket })), isBucketEncryptionNotFound),
      client.send(new GetBucketVersioningCommand({ Bucket })),
      unlessAbsent(client.send(new GetBucketLifecycleConfigurationCommand({ Bucket })), isLifecycleConfigurationNotFound),
      unlessAbsent(client.send(new GetBucketOwnershipControlsCommand({ Bucket })), isOwnershipControlsNotFound),
      unlessAbsent(client.send(new GetBucketPolicyCommand({ Bucket })), isBucketPolicyNotFound),
    ] as const;
    const settled = Promise.allSettled(settings);
    const tagging = projectTags(target, spec.tags[TAG_PROJECT], bucketArn(spec.partition, Bucket), async () => {
      // only a bucket that answered has tags to read: an absent one would cost a read for nothing
      if ((await settled).some((answer) => answer.status === 'rejected')) return {};
      return fromTagList((await unlessAbsent(client.send(new GetBucketTaggingCommand({ Bucket })), isBucketTagSetNotFound))?.TagSet);
    });
    const answers = await Promise.allSettled([...settings, tagging]);
    const failures = answers.flatMap((answer) => (answer.status === 'rejected' ? [answer.reason as unknown] : []));
    if (failures.some(isBucketNotFound)) return undefined;
    // S3 answers 301 for a bucket in another region (x-amz-bucket-region names it): the plan refuses it
    const moved = failures.find((error) => httpStatus(error) === 301);
    if (moved) return { ...NOTHING_READ, name: Bucket, elsewhere: (moved as Answer).$response?.headers?.['x-amz-bucket-region'] ?? 'another region' };
    // bucket names are global: 403 to every read usually means another account owns this name
    if (failures.length === settings.length && failures.every((error) => httpStatus(error) === 403)) {
      throw new Error(`bucket ${Bucket} exists but these credentials may not read it (another account may own the name): set builds.artifactBucket to a name of your own`, { cause: failures[0] });
    }
    if (failures.length > 0) throw failures[0];
    const [access, encryption, versioning, lifecycle, ownership, policy] = await Promise.all(settings);
    const tags = await tagging;
    const byDefault = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    return {
      name: spec.name,
      publicAccessBlock: access?.PublicAccessBlockConfiguration as Bucket['publicAccessBlock'],
      encryption: byDefault?.SSEAlgorithm
        ? {
            algorithm: byDefault.SSEAlgorithm,
            ...(byDefault.KMSMasterKeyID ? { kmsKeyId: byDefault.KMSMasterKeyID } : {}),
            ...(byDefault.SSEAlgorithm === 'aws:kms' ? { bucketKeyEnabled: encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.BucketKeyEnabled ?? false } : {}),
          }
        : undefined,
      versioning: versioning.Status,
      lifecycleRules: lifecycle?.Rules ?? [],
      ...(lifecycle?.TransitionDefaultMinimumObjectSize ? { transitionMinimumObjectSize: lifecycle.TransitionDefaultMinimumObjectSize } : {}),
      ownership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
      policy: policy?.Policy ? (JSON.parse(policy.Policy) as BucketPolicy) : undefined,
      tags,
    };
  },

  diff(current, spec) {
    if (!current) {
      return fieldsToCreate({
        publicAccessBlock: BLOCK_ALL_PUBLIC_ACCESS,
        encryption: wantedEncryption(spec),
        versioning: 'Enabled',
        ...(spec.retentionDays === undefined ? {} : { lifecycle: ruleView(retentionRule(spec.retentionDays)) }),
        ownership: BUCKET_OWNER_ENFORCED,
        policy: 'deny requests without TLS',
        tags: spec.tags,
      });
    }
    // only mtpipe's own lifecycle rule and policy statement are compared: others' are left alone
    const ownRule = current.lifecycleRules.find((rule) => rule.ID === RETENTION_RULE_ID);
    const ownStatement = current.policy?.Statement.find((statement) => statement.Sid === TLS_ONLY_SID);
    return [
      ...compareField('publicAccessBlock', current.publicAccessBlock, BLOCK_ALL_PUBLIC_ACCESS),
      ...compareField('encryption', encryptionView(current.encryption, wantedEncryption(spec)), wantedEncryption(spec)),
      ...compareField('versioning', current.versioning, 'Enabled'),
      ...(spec.retentionDays === undefined ? [] : compareField('lifecycle', ruleView(ownRule), ruleView(retentionRule(spec.retentionDays)))),
      ...compareField('ownership', current.ownership, BUCKET_OWNER_ENFORCED),
      ...comparePolicy('policy', ownStatement, tlsOnlyStatement(spec.partition, spec.name), canonicalStatement),
      ...compareTags(current.tags, spec.tags),
    ];
  },

  check(current, spec) {
    if (current?.elsewhere) return inAnotherRegion(spec.name, current.elsewhere);
    if (spec.name.length <= MAX_BUCKET_NAME_LENGTH) return undefined;
    return `the artifact bucket name "${spec.name}" has ${spec.name.length} characters (S3 allows at most ${MAX_BUCKET_NAME_LENGTH}): set builds.artifactBucket in mtpipe.yaml to a shorter name`;
  },

  alreadyExists: alreadyExists.s3Bucket,

  async create(target, spec) {
    const { CreateBucketCommand, S3Client } = await sdk.s3();
    const client = target.clients.get(S3Client);
    await client.send(
      new CreateBucketCommand({
        Bucket: spec.name,
        ObjectOwnership: BUCKET_OWNER_ENFORCED,
        // tagged in the same call: a run killed right after it leaves a bucket the next run knows as its own;
        // us-east-1 is the default location and must not be named, every other region must be
        CreateBucketConfiguration: {
          Tags: toTagList(settableTags(spec.tags)),
          ...(target.region === 'us-east-1' ? {} : { LocationConstraint: target.region as BucketLocationConstraint }),
        },
      }),
    );
    const all: FieldDiff[] = ['publicAccessBlock', 'encryption', 'versioning', ...(spec.retentionDays === undefined ? [] : ['lifecycle']), 'policy'].map((field) => ({ field }));
    await putSettings(target, spec, undefined, all);
    return { arn: bucketArn(spec.partition, spec.name) };
  },

  async update(target, spec, current, diffs) {
    await putSettings(target, spec, current, diffs);
    return { arn: bucketArn(spec.partition, spec.name) };
  },

  delete: (target, _current, spec) => deleteBucket(target, spec.name),

  tagsOf: (current) => current.tags,
  arnOf: (_target, spec) => bucketArn(spec.partition, spec.name),
};


/**
 * One Put per setting that differs, tags first (an adopted bucket is the project's before anything else
 * of it changes), then the others together: each needs only the bucket (the TLS-only policy denies, so
 * BlockPublicPolicy does not refuse it), and S3's OperationAborted to concurrent configuration calls on
 * one bucket is retried (conflict-retry.ts). Lifecycle rules, statements and tags of others are kept.
 */
async function putSettings(target: Target, spec: BucketSpec, current: Bucket | undefined, diffs: FieldDiff[]): Promise<void> {
  const {
    PutBucketEncryptionCommand,
    PutBucketLifecycleConfigurationCommand,
    PutBucketOwnershipControlsCommand,
    PutBucketPolicyCommand,
    PutBucketTaggingCommand,
    PutBucketVersioningCommand,
    PutPublicAccessBlockCommand,
    S3Client,
  } = await sdk.s3();
  const client = target.clients.get(S3Client);
  const Bucket = spec.name;
  const differs = (field: string) => diffs.some((diff) => diff.field === field);
  if (differs('tags')) {
    // PutBucketTagging replaces the whole set: others' tags are sent back as read
    await client.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: toTagList(settableTags({ ...current?.tags, ...spec.tags })) } }));
  }
  const byDefault = spec.kmsKeyId ? { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: spec.kmsKeyId } : { SSEAlgorithm: 'AES256' as const };
  const otherRules = (current?.lifecycleRules ?? []).filter((rule) => rule.ID !== RETENTION_RULE_ID);
  const otherStatements = (current?.policy?.Statement ?? []).filter((statement) => statement.Sid !== TLS_ONLY_SID);
  await Promise.all([
    differs('publicAccessBlock') && client.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: BLOCK_ALL_PUBLIC_ACCESS })),
    differs('ownership') && client.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: BUCKET_OWNER_ENFORCED }] } })),
    differs('encryption') &&
      client.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: byDefault, ...(spec.kmsKeyId ? { BucketKeyEnabled: true } : {}) }] },
        }),
      ),
    differs('versioning') && client.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } })),
    differs('lifecycle') &&
      spec.retentionDays !== undefined &&
      client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket,
          LifecycleConfiguration: { Rules: [...otherRules, retentionRule(spec.retentionDays)] },
          ...(current?.transitionMinimumObjectSize ? { TransitionDefaultMinimumObjectSize: current.transitionMinimumObjectSize } : {}),
        }),
      ),
    differs('policy') &&
      client.send(
        new PutBucketPolicyCommand({
          Bucket,
          Policy: JSON.stringify({ Version: current?.policy?.Version ?? '2012-10-17', Statement: [...otherStatements, tlsOnlyStatement(spec.partition, Bucket)] }),
        }),
      ),
  ]);
}
