import { beforeEach, describe, expect, it } from 'vitest';
import type { Bucket } from '../../../src/aws/s3-bucket.js';
import { solutionBucket, type SolutionBucketSpec } from '../../../src/aws/solution-bucket.js';
import { testTarget } from '../../support/target.js';
import { resetBuildMocks, s3Mock, sent } from './mock-sdk.js';

const spec: SolutionBucketSpec = {
  name: 'mt-pipeline-dev-input-123456789012',
  partition: 'aws',
  tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' },
  project: 'mt-pipeline',
  setting: 'input_bucket_name',
};

/** A bucket the user made by hand, as the sample's README says: no settings at all. */
const bare: Bucket = { name: spec.name, publicAccessBlock: undefined, encryption: undefined, versioning: undefined, lifecycleRules: [], ownership: undefined, policy: undefined, tags: {} };

beforeEach(() => resetBuildMocks());

describe('solutionBucket', () => {
  it("changes nothing on someone else's bucket, however little it has", () => {
    expect(solutionBucket.diff(bare, spec)).toStrictEqual([]);
    expect(solutionBucket.tagsOf!(bare)).toStrictEqual({});
  });

  it('sets the settings of the artifact bucket on its own bucket, without an expiry rule', () => {
    const fields = solutionBucket.diff(undefined, spec).map((diff) => diff.field);
    expect(fields).toEqual(expect.arrayContaining(['publicAccessBlock', 'encryption', 'versioning', 'ownership', 'policy']));
    expect(fields).not.toContain('lifecycle');
    const ours = { ...bare, tags: spec.tags };
    expect(solutionBucket.diff(ours, spec).map((diff) => diff.field)).toStrictEqual(['publicAccessBlock', 'encryption', 'versioning', 'ownership', 'policy']);
  });

  it('creates it in the environment with its tags in the same call, with no lifecycle configuration', async () => {
    s3Mock.resolves({});
    await solutionBucket.create(testTarget({ region: 'eu-west-1' }), spec);
    const calls = sent(s3Mock);
    expect(calls[0]).toStrictEqual([
      'CreateBucketCommand',
      {
        Bucket: spec.name,
        ObjectOwnership: 'BucketOwnerEnforced',
        CreateBucketConfiguration: { Tags: [{ Key: 'mtpipe:project', Value: 'mt-pipeline' }, { Key: 'mtpipe:env', Value: 'dev' }], LocationConstraint: 'eu-west-1' },
      },
    ]);
    expect(calls.map(([name]) => name)).toStrictEqual([
      'CreateBucketCommand',
      'PutPublicAccessBlockCommand',
      'PutBucketEncryptionCommand',
      'PutBucketVersioningCommand',
      'PutBucketPolicyCommand',
    ]);
  });

  it('a lost CreateBucket answer ("already owned by you") is recognised', () => {
    expect(solutionBucket.alreadyExists!(Object.assign(new Error('x'), { name: 'BucketAlreadyOwnedByYou' }))).toBe(true);
    expect(solutionBucket.alreadyExists!(Object.assign(new Error('x'), { name: 'BucketAlreadyExists' }))).toBe(false);
  });
});
