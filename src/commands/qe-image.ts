import { ecrRepository } from '../aws/ecr-repository.js';
import { qeImageRepositoryName } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Targets } from '../aws/targets.js';
import { environmentPlace } from './security-roles.js';
import { resourceId, standardTags, type Step } from './step.js';

/** Images of the quality-estimation model kept in the repository; older ones expire. */
export const QE_IMAGES_KEPT = 30;

/** Environments whose region differs from the repository's: SageMaker there cannot pull the image. */
export function environmentsElsewhere(config: Config, targets: Targets): { env: string; region: string }[] {
  return Object.keys(config.environments)
    .map((env) => ({ env, region: environmentPlace(config, targets, env).region }))
    .filter(({ region }) => region !== targets.shared.region);
}

/**
 * The ECR repository build-and-test pushes the quality-estimation image to, in the tool account:
 * scan on push, immutable tags (one image per commit), a lifecycle rule, and pull rights for every
 * environment's account (part of create-builds and bootstrap).
 */
export const qeImage: Step<Record<string, never>> = {
  name: 'qe-image',

  async resolve() {
    return {};
  },

  desired(_inputs, config, targets) {
    const { shared } = targets;
    const pullAccounts = [...new Set(Object.keys(config.environments).map((env) => environmentPlace(config, targets, env).account))].filter(
      (account) => account !== shared.account,
    );
    const name = qeImageRepositoryName(config);
    return [
      {
        id: resourceId(shared.name, ecrRepository.kind, name),
        kind: ecrRepository,
        target: shared,
        spec: { name, pullAccounts, partition: shared.partition, keepImages: QE_IMAGES_KEPT, tags: standardTags(config.project, shared.name) },
      },
    ];
  },

  outputs(_inputs, config, targets) {
    const name = qeImageRepositoryName(config);
    const { shared } = targets;
    const elsewhere = environmentsElsewhere(config, targets);
    const notes = [
      `ECR repository ${name} (${shared.region}): build-and-test pushes ${name}:<source commit>; each deploy passes that image and a model name suffixed with the commit's first 8 characters.`,
      ...elsewhere.map(
        ({ env, region }) =>
          `Warning: ${env} is in ${region}, the image repository in ${shared.region}: the sample's SageMaker role pulls only from its own region (deployment/sagemaker_stack.py), so its endpoint cannot start there. Replicate ${name} to ${region} (ECR replication) and point quality_estimation_sgm_image_uri there; mtpipe does not set up replication yet.`,
      ),
    ];
    return { data: { repository: name, region: shared.region, needsReplication: elsewhere }, notes };
  },
};
