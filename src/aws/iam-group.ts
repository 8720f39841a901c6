import { sdk } from './sdk.js';
import { compareField, fieldsToCreate } from '../engine/diff.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { alreadyExists, isIamNotFound } from './errors.js';
import type { PolicyDocument } from './iam-policy.js';
import { inlinePolicyKind, pages, policyAttachmentKind, unlessGone } from './iam-principal-policy.js';
import { iamSnapshot, invalidatingSnapshot } from './iam-snapshot.js';

export interface GroupSpec {
  name: string;
  path: string;
}

/** IAM groups cannot carry tags: ownership rests on the name, which starts with the project. */
export const iamGroup: ResourceKind<GroupSpec, { path: string }> = invalidatingSnapshot({
  kind: 'iam:group',
  accountGlobal: true,
  name: (spec) => spec.name,

  async find(target, spec) {
    const snapshot = await iamSnapshot(target);
    if (snapshot) {
      const group = snapshot.groups.get(spec.name);
      return group && { path: group.Path ?? '/' };
    }
    const { GetGroupCommand, IAMClient } = await sdk.iam();
    try {
      const { Group } = await target.clients.get(IAMClient).send(new GetGroupCommand({ GroupName: spec.name, MaxItems: 1 }));
      return { path: Group?.Path ?? '/' };
    } catch (error) {
      if (isIamNotFound(error)) return undefined;
      throw error;
    }
  },

  diff: (current, spec) => (current ? compareField('path', current.path, spec.path) : fieldsToCreate({ path: spec.path })),

  alreadyExists: alreadyExists.iamEntity,

  async create(target, spec) {
    const { CreateGroupCommand, IAMClient } = await sdk.iam();
    const { Group } = await target.clients.get(IAMClient).send(new CreateGroupCommand({ GroupName: spec.name, Path: spec.path }));
    return { arn: Group?.Arn ?? groupArn(target, spec) };
  },

  async update(target, spec) {
    const { IAMClient, UpdateGroupCommand } = await sdk.iam();
    await target.clients.get(IAMClient).send(new UpdateGroupCommand({ GroupName: spec.name, NewPath: spec.path }));
    return { arn: groupArn(target, spec) };
  },

  /**
   * IAM deletes a group only when it is empty: its members are removed (the developers mtpipe gave
   * access; their users stay), its inline policies deleted and its managed policies detached first.
   */
  async delete(target, _current, spec) {
    const {
      DeleteGroupCommand,
      DeleteGroupPolicyCommand,
      DetachGroupPolicyCommand,
      GetGroupCommand,
      IAMClient,
      ListAttachedGroupPoliciesCommand,
      ListGroupPoliciesCommand,
      RemoveUserFromGroupCommand,
    } = await sdk.iam();
    const client = target.clients.get(IAMClient);
    const GroupName = spec.name;
    try {
      for (const UserName of await pages((Marker) => client.send(new GetGroupCommand({ GroupName, Marker })), (page) => page.Users?.map((u) => u.UserName))) {
        await unlessGone(client.send(new RemoveUserFromGroupCommand({ GroupName, UserName })));
      }
      for (const PolicyName of await pages((Marker) => client.send(new ListGroupPoliciesCommand({ GroupName, Marker })), (page) => page.PolicyNames)) {
        await unlessGone(client.send(new DeleteGroupPolicyCommand({ GroupName, PolicyName })));
      }
      for (const PolicyArn of await pages((Marker) => client.send(new ListAttachedGroupPoliciesCommand({ GroupName, Marker })), (page) => page.AttachedPolicies?.map((p) => p.PolicyArn))) {
        await unlessGone(client.send(new DetachGroupPolicyCommand({ GroupName, PolicyArn })));
      }
    } catch (error) {
      if (isIamNotFound(error)) return;
      throw error;
    }
    await unlessGone(client.send(new DeleteGroupCommand({ GroupName })));
  },

  arnOf: (target, spec) => groupArn(target, spec),
});

function groupArn(target: Target, spec: GroupSpec): string {
  return `arn:${target.partition}:iam::${target.account}:group${spec.path}${spec.name}`;
}

export interface GroupInlinePolicySpec {
  groupName: string;
  policyName: string;
  document: PolicyDocument;
}

export const groupInlinePolicy = inlinePolicyKind<GroupInlinePolicySpec>({
  kind: 'iam:group-policy',
  maxDocumentCharacters: 5120,
  owner: (spec) => spec.groupName,
  ownerKind: 'iam:group',
  policyName: (spec) => spec.policyName,
  document: (spec) => spec.document,
  get: async (client, group, policy) => {
    const { GetGroupPolicyCommand } = await sdk.iam();
    return (await client.send(new GetGroupPolicyCommand({ GroupName: group, PolicyName: policy }))).PolicyDocument;
  },
  put: async (client, group, policy, document) => {
    const { PutGroupPolicyCommand } = await sdk.iam();
    return client.send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: policy, PolicyDocument: document }));
  },
  remove: async (client, group, policy) => {
    const { DeleteGroupPolicyCommand } = await sdk.iam();
    return client.send(new DeleteGroupPolicyCommand({ GroupName: group, PolicyName: policy }));
  },
});

export interface GroupAttachmentSpec {
  groupName: string;
  policyArn: string;
}

export const groupPolicyAttachment = policyAttachmentKind<GroupAttachmentSpec>({
  kind: 'iam:group-policy-attachment',
  owner: (spec) => spec.groupName,
  ownerKind: 'iam:group',
  ownerField: 'group',
  policyArn: (spec) => spec.policyArn,
  list: async (client, group, marker) => {
    const { ListAttachedGroupPoliciesCommand } = await sdk.iam();
    return client.send(new ListAttachedGroupPoliciesCommand({ GroupName: group, Marker: marker }));
  },
  attach: async (client, group, policyArn) => {
    const { AttachGroupPolicyCommand } = await sdk.iam();
    return client.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: policyArn }));
  },
  detach: async (client, group, policyArn) => {
    const { DetachGroupPolicyCommand } = await sdk.iam();
    return client.send(new DetachGroupPolicyCommand({ GroupName: group, PolicyArn: policyArn }));
  },
});
