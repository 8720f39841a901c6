import type { ReplicationRule } from '@aws-sdk/client-ecr';
import { sdk } from './sdk.js';
import { isDeepStrictEqual } from 'node:util';
import { compareField, fieldsToCreate } from '../engine/diff.js';
import type { FieldDiff, ResourceKind, Target } from '../engine/types.js';
import { readOnce } from './run-reads.js';

/**
 * mtpipe's rule in the registry's replication configuration (ECR PutReplicationConfiguration, read
 * with DescribeRegistry): it replicates the repositories whose names start with `repository` to
 * `regions` of the same account. The configuration is one document per registry (account and region),
 * shared with whoever else replicates there: every rule that is not mtpipe's is kept as it is.
 * mtpipe's rule is the one whose only filter is PREFIX_MATCH on the repository's name (rules carry no
 * name or tag to recognise them by).
 */
export interface EcrReplicationSpec {
  /** the quality-estimation repository; its name is the rule's one prefix filter */
  repository: string;
  /** the registry: the tool account, which is also every destination's registry */
  account: string;
  /** the regions the repository is replicated to (never the registry's own) */
  regions: string[];
}

/** The registry's whole replication configuration, as read, when it holds mtpipe's rule. */
export interface EcrReplication {
  /** the repository whose rule this is */
  repository: string;
  registryId: string;
  rules: ReplicationRule[];
}

/**
 * Limits of a replication configuration (Amazon ECR User Guide, "Amazon ECR service quotas",
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html: rules per replication
 * configuration 10, unique destinations across all rules 25, neither adjustable; API reference
 * ReplicationConfiguration: `rules` at most 10 items).
 */
export const MAX_REPLICATION_RULES = 10;
export const MAX_REPLICATION_DESTINATIONS = 25;

const PREFIX_MATCH = 'PREFIX_MATCH';

/** True for mtpipe's rule of `repository`: exactly one filter, PREFIX_MATCH on its name. */
export function isOwnRule(rule: ReplicationRule, repository: string): boolean {
  const filters = rule.repositoryFilters ?? [];
  return filters.length === 1 && filters[0]!.filterType === PREFIX_MATCH && filters[0]!.filter === repository;
}

/** The rule mtpipe wants: the repository to each region of its own account. */
export function ownRule(spec: EcrReplicationSpec): ReplicationRule {
  return {
    destinations: [...new Set(spec.regions)].sort().map((region) => ({ region, registryId: spec.account })),
    repositoryFilters: [{ filter: spec.repository, filterType: PREFIX_MATCH }],
  };
}

/**
 * The rules with mtpipe's own in place of what it was (where it stood; appended when absent; left out
 * when no region is wanted). Others' rules keep their order and content; duplicates of mtpipe's rule go.
 */
export function mergedRules(rules: ReplicationRule[], spec: EcrReplicationSpec): ReplicationRule[] {
  const wanted = spec.regions.length > 0 ? ownRule(spec) : undefined;
  const merged: ReplicationRule[] = [];
  let placed = false;
  for (const rule of rules) {
    if (!isOwnRule(rule, spec.repository)) merged.push(rule);
    else if (!placed && wanted) {
      merged.push(wanted);
      placed = true;
    }
  }
  if (!placed && wanted) merged.push(wanted);
  return merged;
}

/** What breaks ECR's limits in these rules, or undefined. */
export function limitProblem(rules: ReplicationRule[]): string | undefined {
  const destinations = new Set(rules.flatMap((rule) => (rule.destinations ?? []).map((d) => `${d.registryId}/${d.region}`)));
  const where = "the registry's replication configuration";
  if (rules.length > MAX_REPLICATION_RULES) {
    return `${where} would hold ${rules.length} rules; ECR allows ${MAX_REPLICATION_RULES} (service quotas, not adjustable): remove a rule of your own there, or put fewer environments in other regions`;
  }
  if (destinations.size > MAX_REPLICATION_DESTINATIONS) {
    return `${where} would name ${destinations.size} unique destinations across its rules; ECR allows ${MAX_REPLICATION_DESTINATIONS} (service quotas, not adjustable)`;
  }
  return undefined;
}

/** A rule as compared: destinations and filters sorted, absent lists as empty ones. */
function normalised(rule: ReplicationRule): unknown {
  const destinations = (rule.destinations ?? []).map((d) => `${d.registryId ?? ''}/${d.region ?? ''}`).sort();
  const filters = (rule.repositoryFilters ?? []).map((f) => `${f.filterType ?? ''}:${f.filter ?? ''}`).sort();
  return { destinations, filters };
}

/** A destination as shown in the plan: the region, or `<account>/<region>` for another registry. */
function shown(rule: ReplicationRule | undefined, account: string): string[] | undefined {
  return rule?.destinations?.map((d) => (d.registryId === account ? (d.region ?? '') : `${d.registryId ?? ''}/${d.region ?? ''}`)).sort();
}

async function readRules(target: Target): Promise<{ registryId: string; rules: ReplicationRule[] }> {
  const { DescribeRegistryCommand, ECRClient } = await sdk.ecr();
  const found = await target.clients.get(ECRClient).send(new DescribeRegistryCommand({}));
  return { registryId: found.registryId ?? target.account, rules: found.replicationConfiguration?.rules ?? [] };
}

/** readRules once per run and registry (see readOnce): for reads, never before a write. */
function registryRules(target: Target): Promise<{ registryId: string; rules: ReplicationRule[] }> {
  return readOnce(target, 'ecr:replication', 'rules', () => readRules(target));
}

/** Others' rules as read, with mtpipe's merged in; no write when that is what is there already. */
async function putMerged(target: Target, spec: EcrReplicationSpec): Promise<void> {
  const { ECRClient, PutReplicationConfigurationCommand } = await sdk.ecr();
  // Read again right before writing: the document is shared, and PutReplicationConfiguration replaces it
  // whole (it has no condition to detect a concurrent change; this keeps the window to one round trip).
  const { rules } = await readRules(target);
  const merged = mergedRules(rules, spec);
  if (isDeepStrictEqual(merged.map(normalised), rules.map(normalised))) return;
  const problem = limitProblem(merged);
  if (problem) throw new Error(`${problem} (registry ${target.account}, ${target.region})`);
  await target.clients.get(ECRClient).send(
    new PutReplicationConfigurationCommand({
      replicationConfiguration: { rules: merged.map((rule) => ({ destinations: rule.destinations ?? [], ...(rule.repositoryFilters?.length ? { repositoryFilters: rule.repositoryFilters } : {}) })) },
    }),
  );
}

export const ecrReplicationRule: ResourceKind<EcrReplicationSpec, EcrReplication> = {
  kind: 'ecr:replication-rule',
  name: (spec) => spec.repository,

  /** undefined while the registry holds no rule of mtpipe's (the registry itself always exists) */
  async find(target, spec) {
    const { registryId, rules } = await registryRules(target);
    return rules.some((rule) => isOwnRule(rule, spec.repository)) ? { repository: spec.repository, registryId, rules } : undefined;
  },

  diff(current, spec): FieldDiff[] {
    const wanted = shown(ownRule(spec), spec.account);
    if (!current) return fieldsToCreate({ filter: `${PREFIX_MATCH} ${spec.repository}`, destinations: wanted });
    const own = current.rules.filter((rule) => isOwnRule(rule, spec.repository));
    return [
      ...compareField('destinations', shown(own[0], spec.account), wanted),
      // a copy of mtpipe's rule (someone duplicated it): one is enough
      ...(own.length > 1 ? [{ field: 'rules', from: `${own.length} rules filtering ${spec.repository}`, to: '1 rule' }] : []),
    ];
  },

  // PutReplicationConfiguration is an upsert of the whole document: there is no "already exists"
  create: async (target, spec) => {
    await putMerged(target, spec);
    return {};
  },

  update: async (target, spec) => {
    await putMerged(target, spec);
    return {};
  },

  /** removes mtpipe's rule only; others' rules stay */
  async delete(target, current) {
    await putMerged(target, { repository: current.repository, account: current.registryId, regions: [] });
  },

  /** mtpipe's rule of the repository `scope`, when no environment needs it any more */
  // the registry's rules, read once per run: the prune's read and the find of a wanted rule share it
  prefetchUnwanted: (target) => registryRules(target),

  async listUnwanted(target, scope, _project, isWanted) {
    if (isWanted(scope)) return [];
    const spec: EcrReplicationSpec = { repository: scope, account: target.account, regions: [] };
    const current = await ecrReplicationRule.find(target, spec);
    return current ? [{ spec, current }] : [];
  },

  check(current, spec) {
    return limitProblem(mergedRules(current?.rules ?? [], spec));
  },

  arnOf: () => undefined,
};
