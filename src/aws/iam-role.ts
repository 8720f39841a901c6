import type { Role as AwsRole } from '@aws-sdk/client-iam';
import { sdk } from './sdk.js';
import { roleArn } from '../config/resource-names.js';
import { compareField, compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { alreadyExists, isIamNotFound } from './errors.js';
import { decodePolicyDocument, type PolicyDocument } from './iam-policy.js';
import { inlinePolicyKind, pages, policyAttachmentKind, unlessGone } from './iam-principal-policy.js';
import { iamSnapshot, invalidatingSnapshot } from './iam-snapshot.js';
import { comparePolicy } from './policy-document.js';

/** A trust policy: who may assume the role (one service principal, or one role, per statement, see src/templates/policies.ts). */
export interface TrustStatement {
  Sid?: string;
  Effect: 'Allow';
  Principal: { Service: string } | { AWS: string };
  Action: string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface TrustPolicyDocument {
  Version: '2012-10-17';
  Statement: TrustStatement[];
}

export interface RoleSpec {
  name: string;
  path: string;
  trustPolicy: TrustPolicyDocument;
  description: string;
  /** seconds, 3600 to 43200 */
  maxSessionDuration: number;
  tags: Record<string, string>;
}

export interface Role {
  arn: string;
  path: string;
  trustPolicy: unknown;
  description: string;
  maxSessionDuration: number;
  tags: Record<string, string>;
}

/** IAM's default session length for a role. */
const DEFAULT_MAX_SESSION_DURATION = 3600;

export const iamRole: ResourceKind<RoleSpec, Role> = invalidatingSnapshot({
  kind: 'iam:role',
  accountGlobal: true,
  name: (spec) => spec.name,

  async find(target, spec) {
    const snapshot = await iamSnapshot(target);
    if (snapshot) {
      const detail = snapshot.roles.get(spec.name);
      if (!detail) return undefined;
      const listed = snapshot.roleSettings.get(spec.name);
      // the role's description and session length come from ListRoles; a role made between the two listings is read on its own
      if (listed) return roleFrom(target, spec, { ...listed, ...detail });
    }
    const { GetRoleCommand, IAMClient } = await sdk.iam();
    let role;
    try {
      ({ Role: role } = await target.clients.get(IAMClient).send(new GetRoleCommand({ RoleName: spec.name })));
    } catch (error) {
      if (isIamNotFound(error)) return undefined;
      throw error;
    }
    return roleFrom(target, spec, role ?? {});
  },

  diff(current, spec) {
    if (!current) {
      return fieldsToCreate({
        path: spec.path,
        trustPolicy: spec.trustPolicy,
        description: spec.description,
        maxSessionDuration: spec.maxSessionDuration,
        tags: spec.tags,
      });
    }
    return [
      ...compareField('path', current.path, spec.path),
      ...comparePolicy('trustPolicy', current.trustPolicy, spec.trustPolicy),
      ...compareField('description', current.description, spec.description),
      ...compareField('maxSessionDuration', current.maxSessionDuration, spec.maxSessionDuration),
      ...compareTags(current.tags, spec.tags),
    ];
  },

  check(current, spec) {
    if (current && current.path !== spec.path) {
      return `role ${spec.name} exists with path ${current.path}, mtpipe's roles use ${spec.path}; IAM cannot move a role to another path: delete it (aws iam delete-role --role-name ${spec.name}, after removing its policies) and run again`;
    }
    return undefined;
  },

  alreadyExists: alreadyExists.iamEntity,

  async create(target, spec) {
    const { CreateRoleCommand, IAMClient } = await sdk.iam();
    const { Role } = await target.clients.get(IAMClient).send(
      new CreateRoleCommand({
        RoleName: spec.name,
        Path: spec.path,
        AssumeRolePolicyDocument: JSON.stringify(spec.trustPolicy),
        Description: spec.description,
        MaxSessionDuration: spec.maxSessionDuration,
        Tags: toTagList(spec.tags),
      }),
    );
    return { arn: Role?.Arn ?? roleArn(target.partition, target.account, spec.name, spec.path) };
  },

  async update(target, spec, current, diffs) {
    const { IAMClient, TagRoleCommand, UpdateAssumeRolePolicyCommand, UpdateRoleCommand } = await sdk.iam();
    const client = target.clients.get(IAMClient);
    const changed = (field: string) => diffs.some((d) => d.field === field);
    if (changed('trustPolicy')) {
      await client.send(new UpdateAssumeRolePolicyCommand({ RoleName: spec.name, PolicyDocument: JSON.stringify(spec.trustPolicy) }));
    }
    // UpdateRole sets both: a description left out would be cleared
    if (changed('description') || changed('maxSessionDuration')) {
      await client.send(
        new UpdateRoleCommand({ RoleName: spec.name, Description: spec.description, MaxSessionDuration: spec.maxSessionDuration }),
      );
    }
    if (changed('tags')) {
      await client.send(new TagRoleCommand({ RoleName: spec.name, Tags: toTagList(tagsToAdd(current.tags, spec.tags)) }));
    }
    return { arn: current.arn };
  },

  /**
   * IAM deletes a role only when nothing hangs on it: its managed policies are detached, its inline
   * policies deleted and it is removed from instance profiles first (also those mtpipe did not add).
   */
  async delete(target, _current, spec) {
    const {
      DeleteRoleCommand,
      DeleteRolePolicyCommand,
      DetachRolePolicyCommand,
      IAMClient,
      ListAttachedRolePoliciesCommand,
      ListInstanceProfilesForRoleCommand,
      ListRolePoliciesCommand,
      RemoveRoleFromInstanceProfileCommand,
    } = await sdk.iam();
    const client = target.clients.get(IAMClient);
    const RoleName = spec.name;
    try {
      for (const policyArn of await pages((Marker) => client.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker })), (page) => page.AttachedPolicies?.map((p) => p.PolicyArn!))) {
        await unlessGone(client.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: policyArn })));
      }
      for (const PolicyName of await pages((Marker) => client.send(new ListRolePoliciesCommand({ RoleName, Marker })), (page) => page.PolicyNames)) {
        await unlessGone(client.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })));
      }
      for (const profile of await pages((Marker) => client.send(new ListInstanceProfilesForRoleCommand({ RoleName, Marker })), (page) => page.InstanceProfiles?.map((p) => p.InstanceProfileName!))) {
        await unlessGone(client.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profile, RoleName })));
      }
    } catch (error) {
      // the role is gone already
      if (isIamNotFound(error)) return;
      throw error;
    }
    await unlessGone(client.send(new DeleteRoleCommand({ RoleName })));
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => roleArn(target.partition, target.account, spec.name, spec.path),
});

/** GetRole's answer, or ListRoles' merged with GetAccountAuthorizationDetails' (the same fields). */
function roleFrom(target: Target, spec: RoleSpec, role: Partial<Pick<AwsRole, 'Arn' | 'Path' | 'AssumeRolePolicyDocument' | 'Description' | 'MaxSessionDuration' | 'Tags'>>): Role {
  return {
    arn: role.Arn ?? roleArn(target.partition, target.account, spec.name, spec.path),
    path: role.Path ?? '/',
    // URL-encoded, as every policy document IAM returns
    trustPolicy: decodePolicyDocument(role.AssumeRolePolicyDocument),
    description: role.Description ?? '',
    maxSessionDuration: role.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
    tags: fromTagList(role.Tags),
  };
}

export interface RoleInlinePolicySpec {
  roleName: string;
  policyName: string;
  document: PolicyDocument;
}

/** A role's inline policy; the plan changes it only when its role carries this project's tag (or with --adopt). */
export const roleInlinePolicy = inlinePolicyKind<RoleInlinePolicySpec>({
  kind: 'iam:role-policy',
  maxDocumentCharacters: 10_240,
  owner: (spec) => spec.roleName,
  ownerKind: 'iam:role',
  policyName: (spec) => spec.policyName,
  document: (spec) => spec.document,
  get: async (client, role, policy) => {
    const { GetRolePolicyCommand } = await sdk.iam();
    return (await client.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: policy }))).PolicyDocument;
  },
  put: async (client, role, policy, document) => {
    const { PutRolePolicyCommand } = await sdk.iam();
    return client.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: policy, PolicyDocument: document }));
  },
  remove: async (client, role, policy) => {
    const { DeleteRolePolicyCommand } = await sdk.iam();
    return client.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: policy }));
  },
});

export interface RoleAttachmentSpec {
  roleName: string;
  policyArn: string;
}

export const rolePolicyAttachment = policyAttachmentKind<RoleAttachmentSpec>({
  kind: 'iam:role-policy-attachment',
  owner: (spec) => spec.roleName,
  ownerKind: 'iam:role',
  ownerField: 'role',
  policyArn: (spec) => spec.policyArn,
  list: async (client, role, marker) => {
    const { ListAttachedRolePoliciesCommand } = await sdk.iam();
    return client.send(new ListAttachedRolePoliciesCommand({ RoleName: role, Marker: marker }));
  },
  attach: async (client, role, policyArn) => {
    const { AttachRolePolicyCommand } = await sdk.iam();
    return client.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: policyArn }));
  },
  detach: async (client, role, policyArn) => {
    const { DetachRolePolicyCommand } = await sdk.iam();
    return client.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: policyArn }));
  },
});
