import { ecrReplicationRule } from '../aws/ecr-replication.js';
import { ecrRepository } from '../aws/ecr-repository.js';
import { sharedIn, type Targets } from '../aws/targets.js';
import { qeImageRepositoryName } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Desired } from '../engine/types.js';
import { environmentPlace } from './security-roles.js';
import { resourceId, standardTags, type Step } from './step.js';

/** Images of the quality-estimation model kept in the repository; older ones expire. */
export const QE_IMAGES_KEPT = 30;

/** Environments whose region differs from the tool region: their image is replicated there. */
export function environmentsElsewhere(config: Config, targets: Targets): { env: string; region: string }[] {
  return Object.keys(config.environments)
    .map((env) => ({ env, region: environmentPlace(config, targets, env).region }))
    .filter(({ region }) => region !== targets.shared.region);
}

/** Each region some environment is in (the tool region first), with the accounts of its environments. */
function accountsByRegion(config: Config, targets: Targets): Map<string, Set<string>> {
  const byRegion = new Map<string, Set<string>>([[targets.shared.region, new Set()]]);
  for (const env of Object.keys(config.environments)) {
    const { region, account } = environmentPlace(config, targets, env);
    byRegion.set(region, (byRegion.get(region) ?? new Set()).add(account));
  }
  return byRegion;
}

/**
 * The ECR repository build-and-test pushes the quality-estimation image to, in the tool account:
 * scan on push, immutable tags (one image per commit), a lifecycle rule, and pull rights for the
 * accounts of the environments in its region (part of create-builds and bootstrap). The sample's
 * SageMaker role pulls only from its own region (deployment/sagemaker_stack.py), so for every other
 * region some environment is in, the same repository exists there too (tool account, same settings,
 * pull rights for that region's environments), and mtpipe's rule in the registry's replication
 * configuration copies each pushed image to those regions.
 */
export const qeImage: Step<Record<string, never>> = {
  name: 'qe-image',
  services: () => ['ecr'],

  async resolve() {
    return {};
  },

  desired(_inputs, config, targets) {
    const { shared } = targets;
    const name = qeImageRepositoryName(config);
    const tags = standardTags(config.project, shared.name);
    const items: Desired[] = [];
    for (const [region, accounts] of accountsByRegion(config, targets)) {
      const target = sharedIn(shared, region);
      const pullAccounts = [...accounts].filter((account) => account !== shared.account).sort();
      const where = region === shared.region ? shared.name : `${shared.name}@${region}`;
      items.push({
        id: resourceId(where, ecrRepository.kind, name),
        kind: ecrRepository,
        target,
        spec: { name, pullAccounts, partition: target.partition, keepImages: QE_IMAGES_KEPT, tags },
      });
    }
    const replicas = items.slice(1);
    if (replicas.length > 0) {
      // ECR replication copies into the destination repository of the same name when it exists, and
      // creates it only when it does not ("Private image replication": ecr:CreateRepository "if they don't
      // already exist"); a repository ECR creates gets the settings of a matching repository creation
      // template, which "doesn't have any effect on any previously created repositories" (ECR User Guide).
      // So the replicas are created by mtpipe, with its settings and policy, before the rule that fills them.
      items.push({
        id: resourceId(shared.name, ecrReplicationRule.kind, name),
        kind: ecrReplicationRule,
        target: shared,
        spec: { repository: name, account: shared.account, regions: replicas.map((item) => item.target.region) },
        dependsOn: replicas.map((item) => item.id),
      });
    }
    return items;
  },

  // mtpipe's replication rule is removed once no environment is in another region
  pruneScopes(_inputs, config, targets) {
    return [{ kind: ecrReplicationRule, target: targets.shared, scope: qeImageRepositoryName(config) }];
  },

  outputs(_inputs, config, targets) {
    const name = qeImageRepositoryName(config);
    const { shared } = targets;
    const elsewhere = environmentsElsewhere(config, targets);
    const regions = [...new Set(elsewhere.map(({ region }) => region))];
    const notes = [
      `ECR repository ${name} (${shared.region}): build-and-test pushes ${name}:<source commit>; each deploy passes that image and a model name suffixed with the commit's first 8 characters.`,
      ...(regions.length === 0
        ? []
        : [
            `The image is replicated to ${regions
              .map((region) => `${region} (${elsewhere.filter((e) => e.region === region).map((e) => e.env).join(', ')})`)
              .join(', ')} by the registry's replication rule for ${name} in ${shared.region}, into repositories of the same name in the tool account; those environments deploy the copy in their own region, once it has arrived. Images pushed before the rule existed are not replicated: push a new commit.`,
          ]),
    ];
    return { data: { repository: name, region: shared.region, replicatedTo: elsewhere }, notes };
  },
};
