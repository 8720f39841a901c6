import type { IAMClient, AttachedPolicy } from '@aws-sdk/client-iam';
import { sdk } from './sdk.js';
import { fieldsToCreate } from '../engine/diff.js';
import { IAM_PROPAGATION_TIMEOUT_MS, whileIamPropagates } from '../engine/retry.js';
import type { ResourceKind } from '../engine/types.js';
import { isIamNotFound, propagation } from './errors.js';
import { decodePolicyDocument } from './iam-policy.js';
import { iamSnapshot, invalidatingSnapshot, principalIn } from './iam-snapshot.js';
import { comparePolicy } from './policy-document.js';

/**
 * Inline policies and managed-policy attachments work the same way for IAM groups and roles; only the
 * API calls differ. Each principal type describes its calls once (iam-group.ts, iam-role.ts) and gets
 * its resource kinds from here.
 */
export interface InlinePolicyApi<Spec> {
  kind: string;
  /** the group or role the policy belongs to */
  owner(spec: Spec): string;
  /** the owner's resource kind: "iam:group" or "iam:role" */
  ownerKind: string;
  policyName(spec: Spec): string;
  document(spec: Spec): unknown;
  /** the URL-encoded document; throws NoSuchEntity when there is none */
  get(client: IAMClient, owner: string, policyName: string): Promise<string | undefined>;
  put(client: IAMClient, owner: string, policyName: string, document: string): Promise<unknown>;
  /** deletes the inline policy; throws NoSuchEntity when it (or its owner) is gone */
  remove(client: IAMClient, owner: string, policyName: string): Promise<unknown>;
  /** IAM's quota on the inline policies of one principal, counted without white space (roles 10,240, groups 5,120) */
  maxDocumentCharacters: number;
}

export interface InlinePolicy {
  document: unknown;
}

export function inlinePolicyKind<Spec>(api: InlinePolicyApi<Spec>): ResourceKind<Spec, InlinePolicy> {
  const put = (client: IAMClient, spec: Spec) =>
    api.put(client, api.owner(spec), api.policyName(spec), JSON.stringify(api.document(spec)));
  return invalidatingSnapshot({
    kind: api.kind,
    accountGlobal: true,
    name: (spec) => `${api.owner(spec)}/${api.policyName(spec)}`,

    async find(target, spec) {
      const snapshot = await iamSnapshot(target);
      if (snapshot) {
        // no such group or role: no such policy either (as GetRolePolicy's NoSuchEntity)
        const policy = principalIn(snapshot, api.ownerKind, api.owner(spec))?.inline.find((p) => p.PolicyName === api.policyName(spec));
        return policy && { document: decodePolicyDocument(policy.PolicyDocument) };
      }
      const { IAMClient } = await sdk.iam();
      const client = target.clients.get(IAMClient);
      let encoded: string | undefined;
      try {
        encoded = await api.get(client, api.owner(spec), api.policyName(spec));
      } catch (error) {
        if (isIamNotFound(error)) return undefined;
        throw error;
      }
      return { document: decodePolicyDocument(encoded) };
    },

    diff: (current, spec) =>
      current
        ? comparePolicy('document', current.document, api.document(spec))
        : fieldsToCreate({ document: api.document(spec) }),

    // mtpipe writes one inline policy per principal, so its size is the principal's total
    check(_current, spec) {
      const size = JSON.stringify(api.document(spec)).replace(/\s/g, '').length;
      return size > api.maxDocumentCharacters
        ? `the policy has ${size} characters, more than IAM's ${api.maxDocumentCharacters} for the inline policies of one ${api.kind.includes('group') ? 'group' : 'role'}`
        : undefined;
    },

    async create(target, spec, context) {
      const { IAMClient } = await sdk.iam();
      // the group or role may have been created moments ago in this run and not be visible to IAM yet
      const ownerIsNew = context?.createdInThisRun(api.ownerKind, api.owner(spec)) ?? false;
      await whileIamPropagates(
        () => put(target.clients.get(IAMClient), spec),
        (error) => ownerIsNew && propagation.iamEntityNotVisibleYet(error),
        { timeoutMs: IAM_PROPAGATION_TIMEOUT_MS, context },
      );
      return {};
    },

    async update(target, spec) {
      const { IAMClient } = await sdk.iam();
      await put(target.clients.get(IAMClient), spec);
      return {};
    },

    async delete(target, _current, spec) {
      const { IAMClient } = await sdk.iam();
      await unlessGone(api.remove(target.clients.get(IAMClient), api.owner(spec), api.policyName(spec)));
    },

    arnOf: () => undefined,
  });
}

export interface AttachmentApi<Spec> {
  kind: string;
  owner(spec: Spec): string;
  /** the owner's resource kind: "iam:group" or "iam:role" */
  ownerKind: string;
  /** "group" or "role", shown in the plan */
  ownerField: string;
  policyArn(spec: Spec): string;
  list(client: IAMClient, owner: string, marker: string | undefined): Promise<{ AttachedPolicies?: AttachedPolicy[]; IsTruncated?: boolean; Marker?: string }>;
  attach(client: IAMClient, owner: string, policyArn: string): Promise<unknown>;
  /** throws NoSuchEntity when the policy is not attached (or the owner is gone) */
  detach(client: IAMClient, owner: string, policyArn: string): Promise<unknown>;
}

export function policyAttachmentKind<Spec>(api: AttachmentApi<Spec>): ResourceKind<Spec, true> {
  return invalidatingSnapshot({
    kind: api.kind,
    accountGlobal: true,
    name: (spec) => `${api.owner(spec)} <- ${api.policyArn(spec).split('/').pop() ?? api.policyArn(spec)}`,

    async find(target, spec) {
      const snapshot = await iamSnapshot(target);
      if (snapshot) {
        const attached = principalIn(snapshot, api.ownerKind, api.owner(spec))?.attached;
        return attached?.some((policy) => policy.PolicyArn === api.policyArn(spec)) ? true : undefined;
      }
      const { IAMClient } = await sdk.iam();
      const client = target.clients.get(IAMClient);
      let marker: string | undefined;
      try {
        do {
          const page = await api.list(client, api.owner(spec), marker);
          if (page.AttachedPolicies?.some((policy) => policy.PolicyArn === api.policyArn(spec))) return true;
          marker = page.IsTruncated ? page.Marker : undefined;
        } while (marker);
      } catch (error) {
        // no such group or role: nothing is attached to it
        if (isIamNotFound(error)) return undefined;
        throw error;
      }
      return undefined;
    },

    diff: (current, spec) => (current ? [] : fieldsToCreate({ [api.ownerField]: api.owner(spec), policy: api.policyArn(spec) })),

    async create(target, spec, context) {
      const { IAMClient } = await sdk.iam();
      // The policy or its owner may have been created moments ago in this run and not be visible to IAM
      // yet. NoSuchEntity names what is missing: a policy this run did not create (an AWS managed policy
      // that does not exist) is not retried.
      const policyArn = api.policyArn(spec);
      const isNew = (kind: string, nameOrArn: string) => context?.createdInThisRun(kind, nameOrArn) ?? false;
      const policyIsNew = isNew('iam:policy', policyArn);
      const ownerIsNew = isNew(api.ownerKind, api.owner(spec));
      await whileIamPropagates(
        () => api.attach(target.clients.get(IAMClient), api.owner(spec), policyArn),
        (error) =>
          propagation.iamNotFoundNaming(error, policyArn) ? policyIsNew : ownerIsNew && propagation.iamEntityNotVisibleYet(error),
        { timeoutMs: IAM_PROPAGATION_TIMEOUT_MS, context },
      );
      return {};
    },

    update: async () => ({}),

    async delete(target, _current, spec) {
      const { IAMClient } = await sdk.iam();
      await unlessGone(api.detach(target.clients.get(IAMClient), api.owner(spec), api.policyArn(spec)));
    },

    arnOf: () => undefined,
  });
}

/** A delete or detach that meets NoSuchEntity: gone already (a lost response, or someone else), which is done. */
export async function unlessGone(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!isIamNotFound(error)) throw error;
  }
}

/** Every item of a paged IAM list (IsTruncated / Marker). */
export async function pages<Page extends { IsTruncated?: boolean; Marker?: string }>(
  list: (marker: string | undefined) => Promise<Page>,
  items: (page: Page) => (string | undefined)[] | undefined,
): Promise<string[]> {
  const all: string[] = [];
  let marker: string | undefined;
  do {
    const page = await list(marker);
    all.push(...(items(page) ?? []).filter((item): item is string => item !== undefined));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return all;
}
