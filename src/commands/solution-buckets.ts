import { foreignGaps, solutionBucket, type SolutionBucketSpec } from '../aws/solution-bucket.js';
import type { Bucket } from '../aws/s3-bucket.js';
import type { Config } from '../config/schema.js';
import type { Desired, Target } from '../engine/types.js';
import { environmentParameters } from './set-params.js';
import { resourceId, standardTags, type Step } from './step.js';

/** The settings that name the buckets the solution reads and writes; it creates neither (SAMPLE.md). */
export const BUCKET_SETTINGS = ['input_bucket_name', 'output_bucket_name'] as const;

/** The input and output buckets of each selected environment, by setting and name. */
export function plannedBuckets(config: Config, target: Target): { setting: string; name: string }[] {
  const parameters = environmentParameters(config, target);
  const seen = new Set<string>();
  return BUCKET_SETTINGS.flatMap((setting) => {
    const name = parameters[setting];
    if (!name || seen.has(name)) return [];
    seen.add(name);
    return [{ setting, name }];
  });
}

/**
 * The solution's input and output buckets, in each environment's own account and region (part of
 * create-deploy and bootstrap): created when absent, left alone but checked when someone else's.
 */
export const solutionBuckets: Step<Record<string, never>> = {
  name: 'solution-buckets',
  services: () => ['s3'],

  // the names come from the environment's settings: nothing to ask
  async resolve() {
    return {};
  },

  desired(_inputs, config, { environments }) {
    return environments.flatMap((target): Desired[] =>
      plannedBuckets(config, target).map(({ setting, name }) => ({
        id: resourceId(target.name, solutionBucket.kind, name),
        kind: solutionBucket,
        target,
        spec: { name, partition: target.partition, tags: standardTags(config.project, target.name), project: config.project, setting },
      })),
    );
  },

  outputs(_inputs, config, { environments }, _results, changes) {
    const data: Record<string, unknown> = {};
    const notes: string[] = [];
    for (const target of environments) {
      const buckets = plannedBuckets(config, target);
      // someone else's buckets, as the plan read them, with what each lacks
      const foreign = new Map<string, string[]>();
      for (const change of changes) {
        if (change.desired.kind !== (solutionBucket as unknown) || change.desired.target !== target) continue;
        const spec = change.desired.spec as SolutionBucketSpec;
        const lacks = foreignGaps(change.current as Bucket | undefined, spec);
        if (lacks) foreign.set(spec.name, lacks);
      }
      data[target.name] = {
        buckets: buckets.map(({ setting, name }) => ({ setting, name, ...(foreign.has(name) ? { foreign: true, lacks: foreign.get(name) } : {}) })),
      };
      notes.push(`${target.name}: solution buckets ${buckets.map((b) => b.name).join(', ')} (account ${target.account}, ${target.region}).`);
      for (const [name, lacks] of foreign) {
        notes.push(
          `  Warning: bucket ${name} exists without the tag mtpipe:project=${config.project}: left as it is` +
            (lacks.length > 0 ? `; it lacks what mtpipe would set: ${lacks.join(', ')}.` : '; it has every setting mtpipe would give it.'),
        );
      }
    }
    return { data, notes };
  },
};
