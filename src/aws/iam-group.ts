import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  PutGroupPolicyCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-iam';
import { compareField, fieldsToCreate } from '../engine/diff.js';
import { IAM_PROPAGATION_TIMEOUT_MS, retryWhile } from '../engine/retry.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { isIamNotFound, propagation } from './errors.js';
import { decodePolicyDocument, type PolicyDocument } from './iam-policy.js';

export interface GroupSpec {
  name: string;
  path: string;
}

/** IAM groups cannot carry tags: ownership rests on the name, which starts with the project. */
export const iamGroup: ResourceKind<GroupSpec, { path: string }> = {
  kind: 'iam:group',
  name: (spec) => spec.name,

  async find(target, spec) {
    try {
      const { Group } = await target.clients.get(IAMClient).send(new GetGroupCommand({ GroupName: spec.name, MaxItems: 1 }));
      return { path: Group?.Path ?? '/' };
    } catch (error) {
      if (isIamNotFound(error)) return undefined;
      throw error;
    }
  },

  diff: (current, spec) => (current ? compareField('path', current.path, spec.path) : fieldsToCreate({ path: spec.path })),

  async create(target, spec) {
    const { Group } = await target.clients.get(IAMClient).send(new CreateGroupCommand({ GroupName: spec.name, Path: spec.path }));
    return { arn: Group?.Arn ?? groupArn(target, spec) };
  },

  async update(target, spec) {
    await target.clients.get(IAMClient).send(new UpdateGroupCommand({ GroupName: spec.name, NewPath: spec.path }));
    return { arn: groupArn(target, spec) };
  },

  arnOf: (target, spec) => groupArn(target, spec),
};

function groupArn(target: Target, spec: GroupSpec): string {
  return `arn:${target.partition}:iam::${target.account}:group${spec.path}${spec.name}`;
}

export interface GroupInlinePolicySpec {
  groupName: string;
  policyName: string;
  document: PolicyDocument;
}

export const groupInlinePolicy: ResourceKind<GroupInlinePolicySpec, { document: unknown }> = {
  kind: 'iam:group-policy',
  name: (spec) => `${spec.groupName}/${spec.policyName}`,

  async find(target, spec) {
    try {
      const { PolicyDocument: encoded } = await target.clients
        .get(IAMClient)
        .send(new GetGroupPolicyCommand({ GroupName: spec.groupName, PolicyName: spec.policyName }));
      return { document: decodePolicyDocument(encoded) };
    } catch (error) {
      if (isIamNotFound(error)) return undefined;
      throw error;
    }
  },

  diff: (current, spec) =>
    current ? compareField('document', current.document, spec.document) : fieldsToCreate({ document: spec.document }),

  async create(target, spec) {
    await putGroupPolicy(target, spec);
    return {};
  },

  async update(target, spec) {
    await putGroupPolicy(target, spec);
    return {};
  },

  arnOf: () => undefined,
};

async function putGroupPolicy(target: Target, spec: GroupInlinePolicySpec): Promise<void> {
  await target.clients.get(IAMClient).send(
    new PutGroupPolicyCommand({ GroupName: spec.groupName, PolicyName: spec.policyName, PolicyDocument: JSON.stringify(spec.document) }),
  );
}

export interface GroupAttachmentSpec {
  groupName: string;
  policyArn: string;
}

export const groupPolicyAttachment: ResourceKind<GroupAttachmentSpec, true> = {
  kind: 'iam:group-policy-attachment',
  name: (spec) => `${spec.groupName} <- ${spec.policyArn.split('/').pop() ?? spec.policyArn}`,

  async find(target, spec) {
    const client = target.clients.get(IAMClient);
    let marker: string | undefined;
    do {
      const page = await client.send(new ListAttachedGroupPoliciesCommand({ GroupName: spec.groupName, Marker: marker }));
      if (page.AttachedPolicies?.some((policy) => policy.PolicyArn === spec.policyArn)) return true;
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return undefined;
  },

  diff: (current, spec) => (current ? [] : fieldsToCreate({ group: spec.groupName, policy: spec.policyArn })),

  async create(target, spec) {
    // The policy may have been created moments ago in this run and not be visible to IAM yet.
    await retryWhile(
      () =>
        target.clients.get(IAMClient).send(new AttachGroupPolicyCommand({ GroupName: spec.groupName, PolicyArn: spec.policyArn })),
      propagation.iamEntityNotVisibleYet,
      { timeoutMs: IAM_PROPAGATION_TIMEOUT_MS },
    );
    return {};
  },

  update: async () => ({}),
  arnOf: () => undefined,
};
