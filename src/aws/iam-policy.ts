import { sdk } from './sdk.js';
import { compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { alreadyExists, isIamNotFound } from './errors.js';
import { pages, unlessGone } from './iam-principal-policy.js';
import { iamSnapshot, invalidatingSnapshot } from './iam-snapshot.js';
import { comparePolicy } from './policy-document.js';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface ManagedPolicySpec {
  name: string;
  path: string;
  description: string;
  document: PolicyDocument;
  tags: Record<string, string>;
}

export interface ManagedPolicy {
  arn: string;
  defaultVersionId: string;
  document: unknown;
  tags: Record<string, string>;
}

/** IAM keeps at most five versions of a managed policy. */
const MAX_POLICY_VERSIONS = 5;

/** IAM returns policy documents URL-encoded (RFC 3986), in GetPolicyVersion, GetRolePolicy and GetGroupPolicy alike. */
export function decodePolicyDocument(encoded: string | undefined): unknown {
  return encoded ? (JSON.parse(decodeURIComponent(encoded)) as unknown) : undefined;
}

export const managedPolicy: ResourceKind<ManagedPolicySpec, ManagedPolicy> = invalidatingSnapshot({
  kind: 'iam:policy',
  accountGlobal: true,
  name: (spec) => spec.name,

  /**
   * GetPolicy (existence, default version, tags: the snapshot's ManagedPolicyDetail has no tags) goes
   * together with the snapshot, whose PolicyVersionList holds the default version's document; without
   * the snapshot, GetPolicyVersion follows.
   */
  async find(target, spec) {
    const { GetPolicyCommand, GetPolicyVersionCommand, IAMClient } = await sdk.iam();
    const client = target.clients.get(IAMClient);
    const arn = policyArn(target, spec);
    const [read, snapshot] = await Promise.all([
      client.send(new GetPolicyCommand({ PolicyArn: arn })).then(
        ({ Policy }) => ({ policy: Policy }),
        (error: unknown) => ({ error }),
      ),
      iamSnapshot(target),
    ]);
    if ('error' in read) {
      if (isIamNotFound(read.error)) return undefined;
      throw read.error;
    }
    const { policy } = read;
    const defaultVersionId = policy?.DefaultVersionId ?? 'v1';
    const tags = fromTagList(policy?.Tags);
    const listed = snapshot?.policies.get(arn)?.PolicyVersionList?.find((version) => version.VersionId === defaultVersionId);
    if (listed) return { arn, defaultVersionId, document: decodePolicyDocument(listed.Document), tags };
    const { PolicyVersion } = await client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersionId }));
    return { arn, defaultVersionId, document: decodePolicyDocument(PolicyVersion?.Document), tags };
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ path: spec.path, document: spec.document, tags: spec.tags });
    return [...comparePolicy('document', current.document, spec.document), ...compareTags(current.tags, spec.tags)];
  },

  alreadyExists: alreadyExists.iamEntity,

  async create(target, spec) {
    const { CreatePolicyCommand, IAMClient } = await sdk.iam();
    const { Policy } = await target.clients.get(IAMClient).send(
      new CreatePolicyCommand({
        PolicyName: spec.name,
        Path: spec.path,
        Description: spec.description,
        PolicyDocument: JSON.stringify(spec.document),
        Tags: toTagList(spec.tags),
      }),
    );
    return { arn: Policy?.Arn ?? policyArn(target, spec) };
  },

  async update(target, spec, current, diffs) {
    const {
      CreatePolicyVersionCommand,
      DeletePolicyVersionCommand,
      IAMClient,
      ListPolicyVersionsCommand,
      TagPolicyCommand,
    } = await sdk.iam();
    const client = target.clients.get(IAMClient);
    if (diffs.some((d) => d.field === 'document')) {
      const { Versions = [] } = await client.send(new ListPolicyVersionsCommand({ PolicyArn: current.arn }));
      if (Versions.length >= MAX_POLICY_VERSIONS) {
        const oldest = Versions.filter((v) => !v.IsDefaultVersion).sort(
          (a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0),
        )[0];
        if (oldest?.VersionId) {
          await client.send(new DeletePolicyVersionCommand({ PolicyArn: current.arn, VersionId: oldest.VersionId }));
        }
      }
      await client.send(
        new CreatePolicyVersionCommand({ PolicyArn: current.arn, PolicyDocument: JSON.stringify(spec.document), SetAsDefault: true }),
      );
    }
    if (diffs.some((d) => d.field === 'tags')) {
      await client.send(new TagPolicyCommand({ PolicyArn: current.arn, Tags: toTagList(tagsToAdd(current.tags, spec.tags)) }));
    }
    return { arn: current.arn };
  },

  /**
   * IAM deletes a managed policy only when it is attached nowhere and has no version but the default:
   * it is detached from every group, role and user, its other versions deleted, then the policy.
   */
  async delete(target, current) {
    const {
      DeletePolicyCommand,
      DeletePolicyVersionCommand,
      DetachGroupPolicyCommand,
      DetachRolePolicyCommand,
      DetachUserPolicyCommand,
      IAMClient,
      ListEntitiesForPolicyCommand,
      ListPolicyVersionsCommand,
    } = await sdk.iam();
    const client = target.clients.get(IAMClient);
    const PolicyArn = current.arn;
    try {
      const entities = await client.send(new ListEntitiesForPolicyCommand({ PolicyArn }));
      if (entities.IsTruncated) throw new Error(`policy ${PolicyArn} is attached to more entities than one page lists: detach them first`);
      for (const group of entities.PolicyGroups ?? []) await unlessGone(client.send(new DetachGroupPolicyCommand({ GroupName: group.GroupName!, PolicyArn })));
      for (const role of entities.PolicyRoles ?? []) await unlessGone(client.send(new DetachRolePolicyCommand({ RoleName: role.RoleName!, PolicyArn })));
      for (const user of entities.PolicyUsers ?? []) await unlessGone(client.send(new DetachUserPolicyCommand({ UserName: user.UserName!, PolicyArn })));
      const versions = await pages((Marker) => client.send(new ListPolicyVersionsCommand({ PolicyArn, Marker })), (page) => page.Versions?.filter((v) => !v.IsDefaultVersion).map((v) => v.VersionId));
      for (const VersionId of versions) await unlessGone(client.send(new DeletePolicyVersionCommand({ PolicyArn, VersionId })));
    } catch (error) {
      if (isIamNotFound(error)) return;
      throw error;
    }
    await unlessGone(client.send(new DeletePolicyCommand({ PolicyArn })));
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => policyArn(target, spec),
});

export function policyArn(target: Target, spec: { name: string; path: string }): string {
  return `arn:${target.partition}:iam::${target.account}:policy${spec.path}${spec.name}`;
}
