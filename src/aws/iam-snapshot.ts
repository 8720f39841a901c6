import type { AttachedPolicy, GroupDetail, ManagedPolicyDetail, PolicyDetail, Role, RoleDetail } from '@aws-sdk/client-iam';
import { sdk } from './sdk.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { isIamBulkReadDenied } from './errors.js';

/**
 * The account's IAM state in bulk, read once per account and run, so that a plan's IAM kinds answer
 * `find` without a call of their own (a no-op bootstrap: 3 IAM calls, all at once, instead of 23, some
 * in sequence).
 *
 * Two listings, in parallel, each paged with Marker/IsTruncated at MaxItems 1000 (the maximum of both
 * operations, IAM API reference):
 * - GetAccountAuthorizationDetails (Filter Role, Group, LocalManagedPolicy): every role with its path,
 *   trust policy, tags, inline policies and attached managed policies; every group with its inline and
 *   attached policies; every customer managed policy with all its versions' documents. Its RoleDetail
 *   lacks Description and MaxSessionDuration, its ManagedPolicyDetail lacks Tags.
 * - ListRoles: each role's Description and MaxSessionDuration (it lacks Tags, PermissionsBoundary,
 *   RoleLastUsed). A managed policy's tags still take one GetPolicy (iam-policy.ts).
 *
 * Where it pays: pages come one after another (each needs the previous Marker), while per-resource
 * reads go 8 at once (READS_IN_FLIGHT.iam), so the 23 IAM reads of a no-op bootstrap (22 resources)
 * take 3 rounds, one of them GetPolicy then GetPolicyVersion. A listing of at most MAX_PAGES pages is
 * thus no slower than those reads and makes far fewer calls (bench/apply.js: 3 instead of 23); an account with more (over ~3,000 roles, groups and policies, or
 * pages cut short by large documents) would cost more time and memory than it saves: the listing is
 * given up after MAX_PAGES pages and every kind reads its resources one by one, as without it.
 * Without the permission iam:GetAccountAuthorizationDetails or iam:ListRoles (AccessDenied), likewise.
 *
 * Names are matched as written, like the names mtpipe asks GetRole for. IAM names are unique regardless
 * of case (CreateRole reference): a role named in another case is not found here, its create meets
 * EntityAlreadyExists, and apply's convergeExisting reads it with the kind's own read, as without the snapshot.
 */
export interface IamSnapshot {
  /** by role name */
  roles: Map<string, RoleDetail>;
  /** ListRoles' answer, by role name (Description, MaxSessionDuration) */
  roleSettings: Map<string, Role>;
  /** by group name */
  groups: Map<string, GroupDetail>;
  /** customer managed policies, by ARN */
  policies: Map<string, ManagedPolicyDetail>;
}

/** Pages of 1000 entities read at most before the listing is given up (see IamSnapshot). */
export const MAX_PAGES = 3;
/** IAM's maximum MaxItems for GetAccountAuthorizationDetails and ListRoles (IAM API reference). */
export const PAGE_SIZE = 1000;

interface AccountState {
  snapshot?: Promise<IamSnapshot | undefined>;
  /** a write of this run touched the account's IAM: the snapshot is out of date */
  written: boolean;
}

// per run (the settings object every ClientFactory of a run shares) and account
const states = new WeakMap<object, Map<string, AccountState>>();

function stateOf(target: Target): AccountState {
  const byAccount = states.get(target.clients.runKey) ?? new Map<string, AccountState>();
  states.set(target.clients.runKey, byAccount);
  let state = byAccount.get(target.account);
  if (!state) {
    state = { written: false };
    byAccount.set(target.account, state);
  }
  return state;
}

/**
 * The account's IAM state as this run's snapshot holds it: undefined when there is none to trust (too
 * many pages, no permission, or a write of this run touched the account's IAM since). The first caller
 * starts the listing, concurrent ones share it. Throws what the listing throws, except AccessDenied.
 */
export async function iamSnapshot(target: Target): Promise<IamSnapshot | undefined> {
  const state = stateOf(target);
  if (state.written) return undefined;
  state.snapshot ??= readSnapshot(target);
  const snapshot = await state.snapshot;
  // a write may have started while the listing ran
  return state.written ? undefined : snapshot;
}

/** Every read after this in the run, in the target's account, asks IAM itself (called before each IAM write). */
export function markIamWritten(target: Target): void {
  stateOf(target).written = true;
}

/**
 * The kind, with each write marking the account's snapshot out of date first: a find after it (apply's
 * "already exists, read again and converge") sees IAM's state, not the one before the write.
 */
export function invalidatingSnapshot<Spec, Current>(kind: ResourceKind<Spec, Current>): ResourceKind<Spec, Current> {
  const { create, update, delete: remove } = kind;
  return {
    ...kind,
    create(target, ...rest) {
      markIamWritten(target);
      return create.call(kind, target, ...rest);
    },
    update(target, ...rest) {
      markIamWritten(target);
      return update.call(kind, target, ...rest);
    },
    ...(remove
      ? {
          delete(target: Target, current: Current, spec: Spec) {
            markIamWritten(target);
            return remove.call(kind, target, current, spec);
          },
        }
      : {}),
  };
}

async function readSnapshot(target: Target): Promise<IamSnapshot | undefined> {
  const { GetAccountAuthorizationDetailsCommand, IAMClient, ListRolesCommand } = await sdk.iam();
  const client = target.clients.get(IAMClient);
  try {
    const [details, listed] = await Promise.all([
      pagesUpTo(MAX_PAGES, (Marker) =>
        client.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role', 'Group', 'LocalManagedPolicy'], MaxItems: PAGE_SIZE, Marker })),
      ),
      pagesUpTo(MAX_PAGES, (Marker) => client.send(new ListRolesCommand({ MaxItems: PAGE_SIZE, Marker }))),
    ]);
    if (!details || !listed) return undefined;
    const byName = <T>(items: T[], name: (item: T) => string | undefined) =>
      new Map(items.flatMap((item) => (name(item) ? [[name(item)!, item] as const] : [])));
    return {
      roles: byName(details.flatMap((page) => page.RoleDetailList ?? []), (role) => role.RoleName),
      roleSettings: byName(listed.flatMap((page) => page.Roles ?? []), (role) => role.RoleName),
      groups: byName(details.flatMap((page) => page.GroupDetailList ?? []), (group) => group.GroupName),
      policies: byName(details.flatMap((page) => page.Policies ?? []), (policy) => policy.Arn),
    };
  } catch (error) {
    if (isIamBulkReadDenied(error)) return undefined;
    throw error;
  }
}

/** The pages of an IAM listing, or undefined when there are more than `max`. */
async function pagesUpTo<Page extends { IsTruncated?: boolean; Marker?: string }>(
  max: number,
  list: (marker: string | undefined) => Promise<Page>,
): Promise<Page[] | undefined> {
  const all: Page[] = [];
  let marker: string | undefined;
  do {
    if (all.length === max) return undefined;
    const page = await list(marker);
    all.push(page);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return all;
}

/**
 * A group's or role's inline policies and attached managed policies as the snapshot holds them;
 * undefined when there is no such principal.
 */
export function principalIn(snapshot: IamSnapshot, ownerKind: string, name: string): { inline: PolicyDetail[]; attached: AttachedPolicy[] } | undefined {
  if (ownerKind === 'iam:role') {
    const role = snapshot.roles.get(name);
    return role && { inline: role.RolePolicyList ?? [], attached: role.AttachedManagedPolicies ?? [] };
  }
  const group = snapshot.groups.get(name);
  return group && { inline: group.GroupPolicyList ?? [], attached: group.AttachedManagedPolicies ?? [] };
}
