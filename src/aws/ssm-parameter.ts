import type { Parameter, ParameterMetadata, ParameterStringFilter, ParameterTier } from '@aws-sdk/client-ssm';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import { sameKmsKey } from './kms-key-name.js';
import { TAG_PROJECT, type FieldDiff, type ResourceKind, type Target } from '../engine/types.js';
import { alreadyExists, isParameterNotFound } from './errors.js';
import { readOnce, runMemo } from './run-reads.js';
import { projectTags } from './tag-index.js';

/** KMS key SSM uses for a SecureString when none is named. */
export const SSM_DEFAULT_KEY = 'alias/aws/ssm';
/** GetParameters takes at most 10 names per call. */
const GET_PARAMETERS_BATCH = 10;

export interface ParameterSpec {
  name: string;
  type: 'String' | 'SecureString';
  /** undefined: a secret nobody supplied this run; the stored value is kept */
  value: string | undefined;
  /** SecureString only */
  keyId?: string;
  tags: Record<string, string>;
}

export interface StoredParameter {
  name: string;
  type: string;
  value: string;
  keyId?: string;
  tags: Record<string, string>;
}

const isSecret = (spec: ParameterSpec) => spec.type === 'SecureString';

export const ssmParameter: ResourceKind<ParameterSpec, StoredParameter> = {
  kind: 'ssm:parameter',
  name: (spec) => spec.name,

  async find(target, spec) {
    const [found] = await readParameters(target, [spec]);
    return found;
  },

  findMany: (target, specs) => readParameters(target, specs),

  diff(current, spec) {
    const secret = isSecret(spec);
    const keyId = secret ? (spec.keyId ?? SSM_DEFAULT_KEY) : undefined;
    if (!current) {
      return fieldsToCreate({ type: spec.type, value: spec.value ?? '(not given)', keyId, tags: spec.tags }, secret ? ['value'] : []);
    }
    const diffs: FieldDiff[] = [...compareField('type', current.type, spec.type)];
    if (spec.value !== undefined) diffs.push(...compareField('value', current.value, spec.value, { secret }));
    const currentKey = current.keyId ?? SSM_DEFAULT_KEY;
    if (secret && keyId && !sameKmsKey(currentKey, keyId)) diffs.push({ field: 'keyId', from: currentKey, to: keyId });
    return [...diffs, ...compareTags(current.tags, spec.tags)];
  },

  check(current, spec) {
    if (current === undefined && spec.value === undefined) {
      return `${spec.name} has no value yet: set HF_TOKEN or pass --hf-token-stdin`;
    }
    return undefined;
  },

  alreadyExists: alreadyExists.ssmParameter,

  async create(target, spec) {
    await put(target, spec, false);
    return { arn: parameterArn(target, spec.name) };
  },

  async update(target, spec, current, diffs) {
    const { AddTagsToResourceCommand, SSMClient } = await sdk.ssm();
    if (diffs.some((d) => d.field !== 'tags')) {
      await put(target, { ...spec, value: spec.value ?? current.value }, true, await settingsToKeep(target, spec.name));
    }
    if (diffs.some((d) => d.field === 'tags')) {
      // PutParameter cannot carry Tags together with Overwrite: tags go in a call of their own.
      await target.clients.get(SSMClient).send(
        new AddTagsToResourceCommand({
          ResourceType: 'Parameter',
          ResourceId: spec.name,
          Tags: toTagList(tagsToAdd(current.tags, spec.tags)),
        }),
      );
    }
    return { arn: parameterArn(target, spec.name) };
  },

  async delete(target, current) {
    const { DeleteParameterCommand, SSMClient } = await sdk.ssm();
    try {
      await target.clients.get(SSMClient).send(new DeleteParameterCommand({ Name: current.name }));
    } catch (error) {
      // gone already: the SDK retried a delete whose response was lost, or someone else deleted it
      if (!isParameterNotFound(error)) throw error;
    }
  },

  listUnwanted: (target, path, project, isWanted) => listUnwanted(target, path, project, isWanted),
  prefetchUnwanted: (target, path) => describedUnder(target, path.replace(/\/$/, '')),

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => parameterArn(target, spec.name),
};

type Unwanted = { spec: ParameterSpec; current: StoredParameter };

const unwantedOf = (name: string, type: string, tags: Record<string, string>): Unwanted => ({
  spec: { name, type: type === 'SecureString' ? 'SecureString' : 'String', value: undefined, tags },
  current: { name, type, value: '', tags },
});

/**
 * The project's parameters under `path` (ending in "/") that are not wanted: DescribeParameters under
 * the path (paged), then the tags of each one not wanted, from the project's tag index, else
 * ListTagsForResource; those carrying mtpipe:project=<project> are returned. The listing is SSM's own,
 * not the index's: a parameter the index does not show (tagged moments ago) is pruned all the same.
 */
async function listUnwanted(target: Target, path: string, project: string, isWanted: (name: string) => boolean): Promise<Unwanted[]> {
  const { ListTagsForResourceCommand, SSMClient } = await sdk.ssm();
  const client = target.clients.get(SSMClient);
  const names = (await describedUnder(target, path.replace(/\/$/, '')))
    .filter((meta) => meta.Name && !isWanted(meta.Name))
    .map((meta) => ({ name: meta.Name!, type: meta.Type ?? 'String' }));
  const owned = await Promise.all(
    names.map(async ({ name, type }) => {
      const tags = await projectTags(target, project, parameterArn(target, name), async () =>
        fromTagList((await client.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }))).TagList),
      );
      return tags[TAG_PROJECT] === project ? unwantedOf(name, type, tags) : undefined;
    }),
  );
  return owned.filter((found) => found !== undefined);
}

/**
 * What an overwrite must send again so as not to change it: the tier (an Advanced parameter cannot go
 * back to Standard, and PutParameter without a tier takes the account's default) and the description,
 * which mtpipe does not set. Read just before the write, for the parameters that change only.
 */
async function settingsToKeep(target: Target, name: string): Promise<{ Tier?: ParameterTier; Description?: string }> {
  const { DescribeParametersCommand, SSMClient } = await sdk.ssm();
  const { Parameters = [] } = await target.clients
    .get(SSMClient)
    .send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }] }));
  const meta = Parameters.find((parameter) => parameter.Name === name);
  return { ...(meta?.Tier ? { Tier: meta.Tier } : {}), ...(meta?.Description ? { Description: meta.Description } : {}) };
}

async function put(target: Target, spec: ParameterSpec, overwrite: boolean, keep: { Tier?: ParameterTier; Description?: string } = {}): Promise<void> {
  const { PutParameterCommand, SSMClient } = await sdk.ssm();
  if (spec.value === undefined) throw new Error(`internal: no value for ${spec.name}`);
  await target.clients.get(SSMClient).send(
    new PutParameterCommand({
      Name: spec.name,
      Value: spec.value,
      Type: spec.type,
      Tier: 'Standard',
      ...keep,
      ...(isSecret(spec) && spec.keyId ? { KeyId: spec.keyId } : {}),
      ...(overwrite ? { Overwrite: true } : { Tags: toTagList(spec.tags) }),
    }),
  );
  // a read after this write (the converge path) must not take the key from the plan's listing
  runMemo(target, DESCRIBED_PATHS).clear();
}

/**
 * Reads values (decrypted), tags and, for SecureStrings, the KMS key; undefined for missing names.
 * GetParameters (10 names a call) and DescribeParameters (the keys of the names the specs want as
 * SecureStrings) go at once; tags come from the project's tag index, else ListTagsForResource.
 */
async function readParameters(target: Target, specs: ParameterSpec[]): Promise<(StoredParameter | undefined)[]> {
  const { GetParametersCommand, ListTagsForResourceCommand, SSMClient } = await sdk.ssm();
  const client = target.clients.get(SSMClient);
  const batches: string[][] = [];
  for (let start = 0; start < specs.length; start += GET_PARAMETERS_BATCH) {
    batches.push(specs.slice(start, start + GET_PARAMETERS_BATCH).map((spec) => spec.name));
  }
  const [answers, keyIds] = await Promise.all([
    Promise.all(batches.map((Names) => client.send(new GetParametersCommand({ Names, WithDecryption: true })))),
    secureStringKeys(target, specs.filter(isSecret).map((spec) => spec.name)),
  ]);
  const found = new Map<string, Parameter>();
  for (const { Parameters = [] } of answers) for (const parameter of Parameters) if (parameter.Name) found.set(parameter.Name, parameter);
  return Promise.all(
    specs.map(async (spec) => {
      const parameter = found.get(spec.name);
      if (!parameter) return undefined;
      const tags = await projectTags(target, spec.tags[TAG_PROJECT], parameterArn(target, spec.name), async () =>
        fromTagList((await client.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: spec.name }))).TagList),
      );
      const keyId = parameter.Type === 'SecureString' ? keyIds.get(spec.name) : undefined;
      return {
        name: spec.name,
        type: parameter.Type ?? 'String',
        value: parameter.Value ?? '',
        ...(keyId ? { keyId } : {}),
        tags,
      };
    }),
  );
}

/**
 * GetParameters does not say which KMS key encrypts a SecureString; DescribeParameters does. The names
 * of one directory (the project's /<project>/<env>/) are described by the same listing the prune makes
 * of it, once per run; names without a common directory by name.
 */
async function secureStringKeys(target: Target, names: string[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  if (names.length === 0) return keys;
  const directory = commonDirectory(names);
  const described = directory ? await describedUnder(target, directory) : await describe(target, [{ Key: 'Name', Option: 'Equals', Values: names }]);
  for (const meta of described) if (meta.Name && meta.KeyId && names.includes(meta.Name)) keys.set(meta.Name, meta.KeyId);
  return keys;
}

/** "/mt/dev" for /mt/dev/a and /mt/dev/b; undefined when the names share no directory below the root. */
function commonDirectory(names: string[]): string | undefined {
  const directories = new Set(names.map((name) => name.slice(0, name.lastIndexOf('/'))));
  const [only] = directories;
  return directories.size === 1 && only && only.startsWith('/') ? only : undefined;
}

/** Every parameter under `path` (recursively), listed once per run and place (the prune and the key lookup share it). */
function describedUnder(target: Target, path: string): Promise<ParameterMetadata[]> {
  return readOnce(target, DESCRIBED_PATHS, path, () => describe(target, [{ Key: 'Path', Option: 'Recursive', Values: [path] }]));
}

const DESCRIBED_PATHS = 'ssm:describe-path';

async function describe(target: Target, ParameterFilters: ParameterStringFilter[]): Promise<ParameterMetadata[]> {
  const { DescribeParametersCommand, SSMClient } = await sdk.ssm();
  const client = target.clients.get(SSMClient);
  const found: ParameterMetadata[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeParametersCommand({ ParameterFilters, MaxResults: 50, NextToken: nextToken }));
    found.push(...(page.Parameters ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return found;
}

export function parameterArn(target: Target, name: string): string {
  return `arn:${target.partition}:ssm:${target.region}:${target.account}:parameter${name}`;
}

/** DeleteParameters takes at most 10 names per call (SSM API reference). */
const DELETE_PARAMETERS_BATCH = 10;

/** Parameters deleted together: DeleteParameters, 10 names a call. */
export interface ParameterBatchSpec {
  names: string[];
}

/**
 * Many parameters of one target deleted with DeleteParameters in batches of 10 (destroy: one call per
 * ten instead of one each). Names SSM reports as InvalidParameters are gone already: done.
 */
export const ssmParameterBatch: ResourceKind<ParameterBatchSpec, true> = {
  kind: 'ssm:parameter',
  name: (spec) => (spec.names.length === 1 ? spec.names[0]! : `${spec.names.length} parameters`),
  find: async () => true,
  diff: () => [],
  create: async () => {
    throw new Error('internal: a parameter batch is only deleted');
  },
  update: async () => ({}),
  async delete(target, _current, spec) {
    const { DeleteParametersCommand, SSMClient } = await sdk.ssm();
    const client = target.clients.get(SSMClient);
    for (let start = 0; start < spec.names.length; start += DELETE_PARAMETERS_BATCH) {
      await client.send(new DeleteParametersCommand({ Names: spec.names.slice(start, start + DELETE_PARAMETERS_BATCH) }));
    }
  },
  arnOf: () => undefined,
};
