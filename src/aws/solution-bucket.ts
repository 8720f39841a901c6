import { TAG_PROJECT, type FieldDiff, type ResourceKind } from '../engine/types.js';
import { alreadyExists } from './errors.js';
import { inAnotherRegion, s3Bucket, type Bucket, type BucketSpec } from './s3-bucket.js';

/**
 * An input or output bucket of the solution (named by input_bucket_name / output_bucket_name), in
 * its environment's account and region. The sample creates neither, so mtpipe does, with the artifact
 * bucket's settings (public access blocked, encrypted, versioned, BucketOwnerEnforced, TLS only,
 * tagged) but no expiry: the solution's data is not mtpipe's to delete. A bucket that exists without
 * this project's tag is someone else's: it is left alone, and what it lacks is reported (foreignGaps).
 */
export interface SolutionBucketSpec {
  name: string;
  partition: string;
  tags: Record<string, string>;
  /** the project whose tag marks the bucket as mtpipe's */
  project: string;
  /** the setting that names it, for messages: input_bucket_name or output_bucket_name */
  setting: string;
}

const asBucketSpec = (spec: SolutionBucketSpec): BucketSpec => ({ name: spec.name, partition: spec.partition, tags: spec.tags });
const isOurs = (current: Bucket, spec: SolutionBucketSpec) => current.tags[TAG_PROJECT] === spec.project;

/** Settings mtpipe would give the bucket that it lacks, as the plan names them (tags aside). */
function gaps(current: Bucket, spec: SolutionBucketSpec): string[] {
  return s3Bucket
    .diff(current, asBucketSpec(spec))
    .map((diff) => diff.field)
    .filter((field) => !field.startsWith('tags'));
}

export const solutionBucket: ResourceKind<SolutionBucketSpec, Bucket> = {
  kind: 's3:bucket',
  name: (spec) => spec.name,

  async find(target, spec) {
    let current: Bucket | undefined;
    try {
      current = await s3Bucket.find(target, asBucketSpec(spec));
    } catch (error) {
      if ((error as { cause?: { $metadata?: { httpStatusCode?: number } } }).cause?.$metadata?.httpStatusCode === 403) {
        throw new Error(
          `bucket ${spec.name} (${spec.setting}) exists but these credentials may not read it: another account may own the name; choose another in parameters.${spec.setting}`,
          { cause: error },
        );
      }
      throw error;
    }
    return current;
  },

  // someone else's bucket is checked, never changed: nothing to do for it, whatever it lacks
  diff: (current, spec) => (current && !isOurs(current, spec) ? [] : s3Bucket.diff(current, asBucketSpec(spec))),
  create: (target, spec) => s3Bucket.create(target, asBucketSpec(spec)),
  update: (target, spec, current, diffs: FieldDiff[]) => s3Bucket.update(target, asBucketSpec(spec), current, diffs),
  alreadyExists: alreadyExists.s3Bucket,
  check: (current, spec) => (current?.elsewhere ? `${inAnotherRegion(spec.name, current.elsewhere)} (parameters.${spec.setting})` : undefined),
  delete: (target, current, spec) => s3Bucket.delete!(target, current, asBucketSpec(spec)),
  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => s3Bucket.arnOf(target, asBucketSpec(spec)),
};

/**
 * What a bucket as the plan read it lacks of mtpipe's settings, when it belongs to someone else;
 * undefined when it is mtpipe's or does not exist yet.
 */
export function foreignGaps(current: Bucket | undefined, spec: SolutionBucketSpec): string[] | undefined {
  return current && !isOurs(current, spec) ? gaps(current, spec) : undefined;
}
