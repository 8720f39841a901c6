/**
 * A customer managed KMS key, known by its alias (the key id is random). Its key policy holds mtpipe's
 * statements by Sid; statements others add are kept.
 */
import type { KeyMetadata, KMSClient } from '@aws-sdk/client-kms';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, tagsToAdd } from '../engine/diff.js';
import { TAG_PROJECT, type ResourceKind, type Target } from '../engine/types.js';
import { projectResources, projectTags } from './tag-index.js';
import { alreadyExists, isKmsInvalidState, isKmsNotFound } from './errors.js';
import { day } from './secretsmanager-secret.js';
import { comparable, mergedPolicy, ownedStatements, statementsOf, type ResourcePolicyStatement } from './resource-policy.js';

export interface KeySpec {
  /** alias/<name> */
  alias: string;
  description: string;
  policyStatements: ResourcePolicyStatement[];
  tags: Record<string, string>;
}

export interface Key {
  keyId: string;
  arn: string;
  description: string;
  enabled: boolean;
  rotation: boolean;
  policy: Record<string, unknown>[];
  tags: Record<string, string>;
  /** found by its TAG_ALIAS tag, not by its alias: the alias is still to be made */
  withoutAlias?: true;
}

/** On a key mtpipe creates: the alias it is made for (`alias/<name>`). */
export const TAG_ALIAS = 'mtpipe:alias';

/** The only key policy name KMS has. */
const POLICY_NAME = 'default';
/** The shortest waiting period KMS allows before deleting a key (days). */
const PENDING_WINDOW_DAYS = 7;

const kmsTags = (tags: Record<string, string>) => Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));

export const kmsKey: ResourceKind<KeySpec, Key> = {
  kind: 'kms:key',
  name: (spec) => spec.alias,

  /**
   * By alias; when the alias does not exist, an enabled key of this project a run made for it (tag
   * TAG_ALIAS) and then was killed before CreateAlias: the plan gives that key its alias instead of
   * making another one. Tags come from the project's tag index (by the key ARN).
   */
  async find(target, spec) {
    const { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient } = await sdk.kms();
    const client = target.clients.get(KMSClient);
    let metadata: KeyMetadata | undefined;
    let aliased = true;
    try {
      metadata = (await client.send(new DescribeKeyCommand({ KeyId: spec.alias }))).KeyMetadata;
    } catch (error) {
      if (!isKmsNotFound(error)) throw error;
    }
    if (!metadata?.KeyId) {
      [metadata] = await keysForAlias(target, client, spec);
      aliased = false;
    }
    if (!metadata?.KeyId) return undefined;
    const keyId = metadata.KeyId;
    const arn = metadata.Arn ?? keyArn(target, keyId);
    const [{ Policy }, { KeyRotationEnabled }, tags] = await Promise.all([
      client.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: POLICY_NAME })),
      client.send(new GetKeyRotationStatusCommand({ KeyId: keyId })),
      projectTags(target, spec.tags[TAG_PROJECT], arn, () => readTags(client, keyId)),
    ]);
    return {
      keyId,
      arn: metadata.Arn ?? '',
      description: metadata.Description ?? '',
      enabled: metadata.Enabled ?? false,
      rotation: KeyRotationEnabled ?? false,
      policy: statementsOf(Policy),
      tags,
      ...(aliased ? {} : { withoutAlias: true }),
    };
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ description: spec.description, rotation: true, policy: spec.policyStatements.map((s) => s.Sid), tags: spec.tags });
    return [
      ...(current.withoutAlias ? compareField('alias', undefined, spec.alias) : []),
      ...compareField('description', current.description, spec.description),
      ...compareField('rotation', current.rotation, true),
      ...compareField('policy', ownedStatements(current.policy, spec.policyStatements).map(comparable), spec.policyStatements.map(comparable)),
      ...compareTags(current.tags, spec.tags),
    ];
  },

  async create(target, spec) {
    const { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand, KMSClient, ScheduleKeyDeletionCommand } = await sdk.kms();
    const client = target.clients.get(KMSClient);
    const { KeyMetadata } = await client.send(
      new CreateKeyCommand({
        Description: spec.description,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        Policy: mergedPolicy([], spec.policyStatements),
        // the alias it is for: a run killed before CreateAlias leaves a key the next run finds by it
        Tags: kmsTags({ ...spec.tags, [TAG_ALIAS]: spec.alias }),
      }),
    );
    const keyId = KeyMetadata?.KeyId;
    if (!keyId) throw new Error('CreateKey returned no KeyId');
    await Promise.all([
      (async () => {
        try {
          await client.send(new CreateAliasCommand({ AliasName: spec.alias, TargetKeyId: keyId }));
        } catch (error) {
          // another run made the key and its alias: this key would be an orphan nobody finds again
          if (alreadyExists.kmsAlias(error)) await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: PENDING_WINDOW_DAYS }));
          throw error;
        }
      })(),
      client.send(new EnableKeyRotationCommand({ KeyId: keyId })),
    ]);
    return { arn: KeyMetadata?.Arn ?? keyArn(target, keyId) };
  },

  async update(target, spec, current, diffs) {
    const { CreateAliasCommand, EnableKeyRotationCommand, KMSClient, PutKeyPolicyCommand, TagResourceCommand, UpdateKeyDescriptionCommand } = await sdk.kms();
    const client = target.clients.get(KMSClient);
    const changed = new Set(diffs.map((diff) => diff.field));
    const missing = tagsToAdd(current.tags, spec.tags);
    // each call needs only the key: they go together
    await Promise.all([
      changed.has('alias') && client.send(new CreateAliasCommand({ AliasName: spec.alias, TargetKeyId: current.keyId })),
      changed.has('policy') &&
        client.send(new PutKeyPolicyCommand({ KeyId: current.keyId, PolicyName: POLICY_NAME, Policy: mergedPolicy(current.policy, spec.policyStatements) })),
      changed.has('rotation') && client.send(new EnableKeyRotationCommand({ KeyId: current.keyId })),
      changed.has('description') && client.send(new UpdateKeyDescriptionCommand({ KeyId: current.keyId, Description: spec.description })),
      Object.keys(missing).length > 0 && client.send(new TagResourceCommand({ KeyId: current.keyId, Tags: kmsTags(missing) })),
    ]);
    return { arn: current.arn };
  },

  /**
   * KMS deletes a key only after a waiting period: the key is scheduled (PENDING_WINDOW_DAYS; the note
   * says when; CancelKeyDeletion undoes it until then), then its alias goes, so the next run finds nothing;
   * then any other enabled key tagged for the alias. A key pending deletion already is not scheduled again.
   */
  async delete(target, current, spec) {
    const { DeleteAliasCommand, KMSClient, ScheduleKeyDeletionCommand } = await sdk.kms();
    const client = target.clients.get(KMSClient);
    let date: Date | undefined;
    try {
      ({ DeletionDate: date } = await client.send(new ScheduleKeyDeletionCommand({ KeyId: current.keyId, PendingWindowInDays: PENDING_WINDOW_DAYS })));
    } catch (error) {
      if (!isKmsInvalidState(error) && !isKmsNotFound(error)) throw error;
    }
    try {
      await client.send(new DeleteAliasCommand({ AliasName: spec.alias }));
    } catch (error) {
      if (!isKmsNotFound(error)) throw error;
    }
    // keys made for this alias that never got it (a killed run, a CreateKey answer lost and sent again) go too
    const others = (await keysForAlias(target, client, spec)).filter((key) => key.KeyId !== current.keyId);
    await Promise.all(
      others.map((key) =>
        client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: PENDING_WINDOW_DAYS })).catch((error: unknown) => {
          if (!isKmsInvalidState(error) && !isKmsNotFound(error)) throw error;
        }),
      ),
    );
    const also = others.length > 0 ? `, with ${others.map((key) => key.KeyId).join(', ')} made for the same alias` : '';
    return {
      arn: current.arn,
      note: `key ${current.keyId}${also} deleted on ${day(date, PENDING_WINDOW_DAYS)} (scheduled, ${PENDING_WINDOW_DAYS}-day waiting period: aws kms cancel-key-deletion undoes it until then)`,
    };
  },

  alreadyExists: alreadyExists.kmsAlias,
  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => `arn:${target.partition}:kms:${target.region}:${target.account}:${spec.alias}`,
};

async function readTags(client: KMSClient, keyId: string): Promise<Record<string, string>> {
  const { ListResourceTagsCommand } = await sdk.kms();
  const tags: Record<string, string> = {};
  let Marker: string | undefined;
  do {
    const page = await client.send(new ListResourceTagsCommand({ KeyId: keyId, ...(Marker ? { Marker } : {}) }));
    for (const tag of page.Tags ?? []) tags[tag.TagKey ?? ''] = tag.TagValue ?? '';
    Marker = page.Truncated ? page.NextMarker : undefined;
  } while (Marker);
  return tags;
}

/**
 * The enabled keys of this project tagged for `spec.alias` (found in the tag index: no call of its own),
 * as a run made them: one killed before its CreateAlias, or one a lost CreateKey answer made twice.
 * None without a project tag, or without an index (offline, GetResources refused). DescribeKey tells
 * which of the keys so tagged are enabled (the index lists keys pending deletion too).
 */
async function keysForAlias(target: Target, client: KMSClient, spec: KeySpec): Promise<KeyMetadata[]> {
  const project = spec.tags?.[TAG_PROJECT];
  if (project === undefined) return [];
  const tagged = await projectResources(target, project, (arn, tags) => arn.split(':')[2] === 'kms' && tags[TAG_ALIAS] === spec.alias);
  const { DescribeKeyCommand } = await sdk.kms();
  const keys = await Promise.all(
    (tagged ?? []).map(async ([arn]) => {
      try {
        return (await client.send(new DescribeKeyCommand({ KeyId: arn }))).KeyMetadata;
      } catch (error) {
        if (isKmsNotFound(error)) return undefined;
        throw error;
      }
    }),
  );
  return keys.filter((key): key is KeyMetadata => key?.KeyState === 'Enabled' && key.KeyId !== undefined);
}

export function keyArn(place: Pick<Target, 'partition' | 'account' | 'region'>, keyId: string): string {
  return `arn:${place.partition}:kms:${place.region}:${place.account}:key/${keyId}`;
}
