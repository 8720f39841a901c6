import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import { TAG_PROJECT, type ResourceKind, type Target } from '../engine/types.js';
import { projectTags } from './tag-index.js';
import { alreadyExists, isEcrLifecyclePolicyNotFound, isEcrRepositoryNotFound, isEcrRepositoryPolicyNotFound, unlessAbsent } from './errors.js';

/**
 * The ECR repository of the quality-estimation image, in the tool account: scan on push, immutable
 * tags (an image tag names one build for good), a lifecycle rule, and a policy statement that lets
 * each environment's account pull (SageMaker pulls with the environment's own role).
 */
export interface EcrRepositorySpec {
  name: string;
  /** accounts other than the repository's own that may pull its images */
  pullAccounts: string[];
  partition: string;
  /** images kept; older ones are expired */
  keepImages: number;
  tags: Record<string, string>;
}

interface Statement {
  Sid?: string;
  [field: string]: unknown;
}

export interface EcrRepository {
  name: string;
  arn: string;
  scanOnPush: boolean;
  tagMutability: string | undefined;
  lifecyclePolicy: unknown;
  policy: { Version?: string; Statement: Statement[] } | undefined;
  tags: Record<string, string>;
}

export const PULL_SID = 'MtpipeEnvironmentsPull';
const IMMUTABLE = 'IMMUTABLE';

/** Expire all but the newest images (ECR lifecycle policy syntax). */
export function lifecyclePolicy(keepImages: number): unknown {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `mtpipe: keep the ${keepImages} newest images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepImages },
        action: { type: 'expire' },
      },
    ],
  };
}

/** What the environments' SageMaker roles need to pull an image across accounts. */
export function pullStatement(partition: string, accounts: string[]): Statement | undefined {
  if (accounts.length === 0) return undefined;
  return {
    Sid: PULL_SID,
    Effect: 'Allow',
    Principal: { AWS: [...accounts].sort().map((account) => `arn:${partition}:iam::${account}:root`) },
    Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
  };
}

export function repositoryArn(target: Pick<Target, 'partition' | 'region' | 'account'>, name: string): string {
  return `arn:${target.partition}:ecr:${target.region}:${target.account}:repository/${name}`;
}


/** ECR answers one principal as a string rather than a list: compare the same shape. */
function normalised(statement: Statement | undefined): Statement | undefined {
  if (!statement) return undefined;
  const principal = (statement.Principal as { AWS?: string | string[] } | undefined)?.AWS;
  const action = statement.Action;
  return {
    ...statement,
    ...(principal === undefined ? {} : { Principal: { AWS: [principal].flat().sort() } }),
    ...(action === undefined ? {} : { Action: [action].flat().sort() }),
  };
}

export const ecrRepository: ResourceKind<EcrRepositorySpec, EcrRepository> = {
  kind: 'ecr:repository',
  name: (spec) => spec.name,

  async find(target, spec) {
    const {
      DescribeRepositoriesCommand,
      ECRClient,
      GetLifecyclePolicyCommand,
      GetRepositoryPolicyCommand,
      ListTagsForResourceCommand,
    } = await sdk.ecr();
    const client = target.clients.get(ECRClient);
    const repositoryName = spec.name;
    // the repository and its two policies at once: for a repository that does not exist, each says so
    const [found, lifecycle, policy] = await Promise.all([
      unlessAbsent(client.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] })), isEcrRepositoryNotFound),
      unlessAbsent(client.send(new GetLifecyclePolicyCommand({ repositoryName })), (error) => isEcrLifecyclePolicyNotFound(error) || isEcrRepositoryNotFound(error)),
      unlessAbsent(client.send(new GetRepositoryPolicyCommand({ repositoryName })), (error) => isEcrRepositoryPolicyNotFound(error) || isEcrRepositoryNotFound(error)),
    ]);
    const repository = found?.repositories?.[0];
    if (!repository?.repositoryArn) return undefined;
    const resourceArn = repository.repositoryArn;
    const tags = await projectTags(target, spec.tags[TAG_PROJECT], resourceArn, async () => fromTagList((await client.send(new ListTagsForResourceCommand({ resourceArn }))).tags));
    return {
      name: spec.name,
      arn: repository.repositoryArn,
      scanOnPush: repository.imageScanningConfiguration?.scanOnPush ?? false,
      tagMutability: repository.imageTagMutability,
      lifecyclePolicy: lifecycle?.lifecyclePolicyText ? (JSON.parse(lifecycle.lifecyclePolicyText) as unknown) : undefined,
      policy: policy?.policyText ? (JSON.parse(policy.policyText) as EcrRepository['policy']) : undefined,
      tags,
    };
  },

  diff(current, spec) {
    const pull = pullStatement(spec.partition, spec.pullAccounts);
    if (!current) {
      return fieldsToCreate({
        scanOnPush: true,
        tagMutability: IMMUTABLE,
        lifecyclePolicy: `keep the ${spec.keepImages} newest images`,
        ...(pull ? { policy: `accounts ${spec.pullAccounts.join(', ')} may pull` } : {}),
        tags: spec.tags,
      });
    }
    // only mtpipe's own statement is compared: others' are kept
    const own = current.policy?.Statement.find((statement) => statement.Sid === PULL_SID);
    return [
      ...compareField('scanOnPush', current.scanOnPush, true),
      ...compareField('tagMutability', current.tagMutability, IMMUTABLE),
      ...compareField('lifecyclePolicy', current.lifecyclePolicy, lifecyclePolicy(spec.keepImages)),
      ...compareField('policy', normalised(own), normalised(pull)),
      ...compareTags(current.tags, spec.tags),
    ];
  },

  async create(target, spec) {
    const { CreateRepositoryCommand, ECRClient } = await sdk.ecr();
    const client = target.clients.get(ECRClient);
    const { repository } = await client.send(
      new CreateRepositoryCommand({
        repositoryName: spec.name,
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: IMMUTABLE,
        tags: toTagList(spec.tags),
      }),
    );
    await putSettings(target, spec, undefined, ['lifecyclePolicy', 'policy']);
    return { arn: repository?.repositoryArn ?? repositoryArn(target, spec.name) };
  },

  async update(target, spec, current, diffs) {
    await putSettings(target, spec, current, diffs.map((diff) => diff.field));
    return { arn: current.arn };
  },

  /** With its images (`force`): destroy deletes the repository only with --include-data. */
  async delete(target, _current, spec) {
    const { DeleteRepositoryCommand, ECRClient } = await sdk.ecr();
    try {
      await target.clients.get(ECRClient).send(new DeleteRepositoryCommand({ repositoryName: spec.name, force: true }));
    } catch (error) {
      if (!isEcrRepositoryNotFound(error)) throw error;
    }
  },

  alreadyExists: alreadyExists.ecrRepository,
  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => repositoryArn(target, spec.name),
};

async function putSettings(target: Target, spec: EcrRepositorySpec, current: EcrRepository | undefined, fields: string[]): Promise<void> {
  const {
    DeleteRepositoryPolicyCommand,
    ECRClient,
    PutImageScanningConfigurationCommand,
    PutImageTagMutabilityCommand,
    PutLifecyclePolicyCommand,
    SetRepositoryPolicyCommand,
    TagResourceCommand,
  } = await sdk.ecr();
  const client = target.clients.get(ECRClient);
  const repositoryName = spec.name;
  const differs = (field: string) => fields.some((f) => f === field || f.startsWith(`${field}.`));
  if (current && differs('tags')) {
    await client.send(new TagResourceCommand({ resourceArn: current.arn, tags: toTagList(tagsToAdd(current.tags, spec.tags)) }));
  }
  const pull = pullStatement(spec.partition, spec.pullAccounts);
  const others = (current?.policy?.Statement ?? []).filter((statement) => statement.Sid !== PULL_SID);
  const statements = [...others, ...(pull ? [pull] : [])];
  // each needs only the repository: together
  await Promise.all([
    differs('scanOnPush') && client.send(new PutImageScanningConfigurationCommand({ repositoryName, imageScanningConfiguration: { scanOnPush: true } })),
    differs('tagMutability') && client.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: IMMUTABLE })),
    differs('lifecyclePolicy') && client.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: JSON.stringify(lifecyclePolicy(spec.keepImages)) })),
    differs('policy') && statements.length > 0 &&
      client.send(new SetRepositoryPolicyCommand({ repositoryName, policyText: JSON.stringify({ Version: current?.policy?.Version ?? '2012-10-17', Statement: statements }) })),
    // no environment in another account any more, and no statement of anyone else
    differs('policy') && statements.length === 0 && current?.policy && client.send(new DeleteRepositoryPolicyCommand({ repositoryName })),
  ]);
}
