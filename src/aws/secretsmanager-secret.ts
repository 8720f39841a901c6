import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import type { FieldDiff, ResourceKind } from '../engine/types.js';
import { alreadyExists, isSecretsManagerNotFound } from './errors.js';
import { sameKmsKey } from './kms-key-name.js';

/** Days a deleted secret can still be restored (Secrets Manager allows 7 to 30). */
export const RECOVERY_WINDOW_DAYS = 7;

/** A date as YYYY-MM-DD (UTC); "in N days" when AWS did not say. */
export function day(date: Date | undefined, days = RECOVERY_WINDOW_DAYS): string {
  return (date ?? new Date(Date.now() + days * 86_400_000)).toISOString().slice(0, 10);
}

/** The key Secrets Manager encrypts with when none is named (DescribeSecret then leaves KmsKeyId out). */
export const SECRETS_MANAGER_DEFAULT_KEY = 'alias/aws/secretsmanager';

export interface SecretSpec {
  name: string;
  /** undefined: not given this run; the stored value is kept */
  value: string | undefined;
  /** a customer KMS key (id, ARN, alias name or alias ARN); undefined: aws/secretsmanager */
  kmsKeyId?: string;
  tags: Record<string, string>;
}

export interface StoredSecret {
  arn: string;
  /** read only when a new value is to be compared; undefined otherwise, or when there is no current version */
  value: string | undefined;
  /** there is a current version (AWSCURRENT), whether or not its value was read */
  hasValue: boolean;
  kmsKeyId: string | undefined;
  /** scheduled for deletion: restored before anything else is changed */
  deleted: boolean;
  tags: Record<string, string>;
}

export { sameKmsKey } from './kms-key-name.js';

export const secretsManagerSecret: ResourceKind<SecretSpec, StoredSecret> = {
  kind: 'secretsmanager:secret',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } = await sdk.secretsmanager();
    const client = target.clients.get(SecretsManagerClient);
    let described;
    try {
      described = await client.send(new DescribeSecretCommand({ SecretId: spec.name }));
    } catch (error) {
      if (isSecretsManagerNotFound(error)) return undefined;
      throw error;
    }
    const deleted = described.DeletedDate !== undefined;
    const hasValue = Object.values(described.VersionIdsToStages ?? {}).some((stages) => stages.includes('AWSCURRENT'));
    let value: string | undefined;
    // the value is read only to compare it with a new one: a run without a token never holds the stored one
    if (!deleted && hasValue && spec.value !== undefined) {
      try {
        ({ SecretString: value } = await client.send(new GetSecretValueCommand({ SecretId: spec.name })));
      } catch (error) {
        // the secret exists without a current version (created with no value)
        if (!isSecretsManagerNotFound(error)) throw error;
      }
    }
    return {
      arn: described.ARN ?? spec.name,
      value,
      hasValue,
      kmsKeyId: described.KmsKeyId,
      deleted,
      tags: fromTagList(described.Tags),
    };
  },

  diff(current, spec) {
    const wantedKey = spec.kmsKeyId ?? SECRETS_MANAGER_DEFAULT_KEY;
    if (!current) {
      return fieldsToCreate({ value: spec.value ?? '(not given)', kmsKeyId: wantedKey, tags: spec.tags }, ['value']);
    }
    const diffs: FieldDiff[] = [];
    if (current.deleted) diffs.push({ field: 'state', from: 'scheduled for deletion', to: 'restored' });
    if (spec.value !== undefined) diffs.push(...compareField('value', current.value, spec.value, { secret: true }));
    const currentKey = current.kmsKeyId ?? SECRETS_MANAGER_DEFAULT_KEY;
    if (!sameKmsKey(currentKey, wantedKey)) diffs.push({ field: 'kmsKeyId', from: currentKey, to: wantedKey });
    return [...diffs, ...compareTags(current.tags, spec.tags)];
  },

  check(current, spec) {
    // a secret scheduled for deletion keeps its value when it is restored
    if (spec.value === undefined && (current === undefined || (!current.hasValue && !current.deleted))) {
      return `${spec.name} has no value yet: set HF_TOKEN or pass --hf-token-stdin`;
    }
    return undefined;
  },

  alreadyExists: alreadyExists.secretsManagerSecret,

  async create(target, spec) {
    const { CreateSecretCommand, SecretsManagerClient } = await sdk.secretsmanager();
    if (spec.value === undefined) throw new Error(`internal: no value for ${spec.name}`);
    const { ARN } = await target.clients.get(SecretsManagerClient).send(
      new CreateSecretCommand({
        Name: spec.name,
        SecretString: spec.value,
        ...(spec.kmsKeyId ? { KmsKeyId: spec.kmsKeyId } : {}),
        Tags: toTagList(spec.tags),
      }),
    );
    return ARN ? { arn: ARN } : {};
  },

  async update(target, spec, current, diffs) {
    const {
      PutSecretValueCommand,
      RestoreSecretCommand,
      SecretsManagerClient,
      TagResourceCommand,
      UpdateSecretCommand,
    } = await sdk.secretsmanager();
    const client = target.clients.get(SecretsManagerClient);
    const changed = (field: string) => diffs.some((d) => d.field === field);
    if (changed('state')) await client.send(new RestoreSecretCommand({ SecretId: current.arn }));
    // the key first, so that a new value is encrypted with the new key
    if (changed('kmsKeyId')) {
      await client.send(new UpdateSecretCommand({ SecretId: current.arn, KmsKeyId: spec.kmsKeyId ?? SECRETS_MANAGER_DEFAULT_KEY }));
    }
    if (changed('value') && spec.value !== undefined) {
      await client.send(new PutSecretValueCommand({ SecretId: current.arn, SecretString: spec.value }));
    }
    if (changed('tags')) {
      await client.send(new TagResourceCommand({ SecretId: current.arn, Tags: toTagList(tagsToAdd(current.tags, spec.tags)) }));
    }
    return { arn: current.arn };
  },

  /**
   * Deletes with a recovery window of RECOVERY_WINDOW_DAYS (never ForceDeleteWithoutRecovery): until
   * the date in the note, `aws secretsmanager restore-secret` brings it back.
   */
  async delete(target, current) {
    const { DeleteSecretCommand, SecretsManagerClient } = await sdk.secretsmanager();
    try {
      const { DeletionDate } = await target.clients
        .get(SecretsManagerClient)
        .send(new DeleteSecretCommand({ SecretId: current.arn, RecoveryWindowInDays: RECOVERY_WINDOW_DAYS }));
      return { arn: current.arn, note: `deleted on ${day(DeletionDate)} (${RECOVERY_WINDOW_DAYS}-day recovery window: aws secretsmanager restore-secret undoes it until then)` };
    } catch (error) {
      if (!isSecretsManagerNotFound(error)) throw error;
      return {};
    }
  },

  scheduledForDeletion: (current) => current.deleted,
  tagsOf: (current) => current.tags,
  // the ARN ends in a random suffix that only AWS knows: it is reported from create and update
  arnOf: () => undefined,
};
