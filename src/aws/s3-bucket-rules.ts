/** What mtpipe wants of a bucket, as pure values: its settings, policy statement, lifecycle rule and names. */
import type { LifecycleRule } from '@aws-sdk/client-s3';
import { sameKmsKey } from './kms-key-name.js';

export interface BucketSpec {
  name: string;
  /** of the bucket's ARN in its TLS-only policy */
  partition: string;
  /** days after which objects expire, and after which replaced versions are deleted; none: no expiry rule */
  retentionDays?: number;
  /** a customer KMS key (id, alias or ARN); without one the bucket uses SSE-S3 */
  kmsKeyId?: string;
  tags: Record<string, string>;
}

export interface Statement {
  Sid?: string;
  [field: string]: unknown;
}

export interface Encryption {
  algorithm: string;
  kmsKeyId?: string;
  /** KMS only: a bucket key cuts the KMS requests (and their cost) of every object written */
  bucketKeyEnabled?: boolean;
}

/** S3 bucket names are 3-63 characters. */
export const MAX_BUCKET_NAME_LENGTH = 63;
export const RETENTION_RULE_ID = 'mtpipe-expire-old-artifacts';
export const TLS_ONLY_SID = 'DenyInsecureTransport';
const ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS = 7;
export const BLOCK_ALL_PUBLIC_ACCESS = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
export const BUCKET_OWNER_ENFORCED = 'BucketOwnerEnforced';

export function bucketArn(partition: string, name: string): string {
  return `arn:${partition}:s3:::${name}`;
}

/** Denies every request that does not use TLS, on the bucket and its objects. */
export function tlsOnlyStatement(partition: string, name: string): Statement {
  const arn = bucketArn(partition, name);
  return {
    Sid: TLS_ONLY_SID,
    Effect: 'Deny',
    Principal: '*',
    // a Deny has to cover every action: a list would leave the ones it forgot reachable over plain HTTP
    Action: 's3:*',
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

export function retentionRule(days: number): LifecycleRule {
  return {
    ID: RETENTION_RULE_ID,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    Expiration: { Days: days },
    NoncurrentVersionExpiration: { NoncurrentDays: days },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS },
  };
}

export const wantedEncryption = (spec: BucketSpec): Encryption =>
  spec.kmsKeyId ? { algorithm: 'aws:kms', kmsKeyId: spec.kmsKeyId, bucketKeyEnabled: true } : { algorithm: 'AES256' };

/** The encryption as read, with the key in the configuration's spelling when both name the same key. */
export function encryptionView(current: Encryption | undefined, wanted: Encryption): Encryption | undefined {
  if (!current?.kmsKeyId || !wanted.kmsKeyId || !sameKmsKey(current.kmsKeyId, wanted.kmsKeyId)) return current;
  return { ...current, kmsKeyId: wanted.kmsKeyId };
}

/** S3 refuses requests that set tags of the reserved aws: prefix (CloudFormation's); AWS keeps those itself. */
export const settableTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith('aws:')));

/** The parts of a lifecycle rule mtpipe sets, whichever way S3 spells the filter. */
export function ruleView(rule: LifecycleRule | undefined) {
  if (!rule) return undefined;
  return {
    status: rule.Status,
    prefix: rule.Filter?.Prefix ?? rule.Prefix ?? '',
    expirationDays: rule.Expiration?.Days,
    noncurrentDays: rule.NoncurrentVersionExpiration?.NoncurrentDays,
    abortIncompleteUploadsDays: rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
  };
}

/** A bucket's region is fixed at its creation: one of that name elsewhere cannot serve this place. */
export function inAnotherRegion(name: string, region: string): string {
  return `bucket ${name} exists in ${region}, not in this target's region (a bucket's region cannot change): choose another name, or delete it there first`;
}
