import { indexDesired, inDependencyOrder } from './graph.js';
import { read, ReadAhead, where } from './reads.js';
import { TAG_PROJECT, TAG_REGION, type Change, type Desired, type PruneScope } from './types.js';

export { readCurrent, where } from './reads.js';

/** Who owns what: a resource is this project's when it carries mtpipe:project=<project>; --adopt takes others'. */
export interface OwnershipRules {
  project: string;
  /** the region of the run's shared target; account-global resources that serve another region are refused */
  region?: string;
  adopt: boolean;
}

export interface PlanOptions extends OwnershipRules {
  /** reads the runner started while steps were still preparing; a new ReadAhead when absent */
  reads?: ReadAhead;
  /** scopes in which resources mtpipe owns but no longer wants are planned for deletion */
  prune?: PruneScope[];
  /**
   * a resource whose dependency is absent is still taken as read, and a failed read of it fails the plan
   * (destroy: what was left behind by hand); otherwise such a read's failure counts as absent
   */
  readAll?: boolean;
}

/** Reads what exists and compares it with what the configuration wants. Makes no write call. */
export async function plan(desired: Desired[], options: PlanOptions): Promise<Change[]> {
  const byId = indexDesired(desired);
  const reads = options.reads ?? new ReadAhead();
  // every read at once: they need names only, not the dependencies' state
  reads.start(desired);
  const deletions = Promise.all((options.prune ?? []).map((scope) => reads.limit(scope.kind.kind, scope.target)(() => unwanted(scope, desired, options.project))));
  deletions.catch(() => undefined);

  const planOne = inDependencyOrder<Change>(byId, async (item, deps) => {
    // A resource whose dependency is still to be created was read all the same (at no extra wait);
    // what it found is used, but a failed read of it (its parent missing) counts as absent.
    const parentMissing = !options.readAll && deps.some((dep) => dep.action === 'create');
    const current = await reads.current(item).catch((error: unknown) => {
      if (parentMissing) return undefined;
      throw error;
    });
    return changeFor(item, current, options, deps);
  });
  const [changes, deleted] = await Promise.all([Promise.all(desired.map((item) => planOne(item.id))), deletions]);
  refuseOtherRegion(changes);
  return [...changes, ...deleted.flat()];
}

/**
 * IAM names belong to the project, not to one region: once one of its account-global resources serves
 * another region, every account-global write of the plan is refused, also on those that cannot carry
 * the tag (an IAM group and its policies).
 */
function refuseOtherRegion(changes: Change[]): void {
  const served = changes.find((change) => change.holds?.region !== undefined)?.holds;
  if (!served) return;
  for (const change of changes) {
    if (change.desired.kind.accountGlobal && change.action !== 'noop' && !change.blocked) {
      change.blocked = `IAM names are the project's: its ${served.parent} ${served.reason}`;
    }
  }
}

async function unwanted(scope: PruneScope, desired: Desired[], project: string): Promise<Change[]> {
  const { kind, target } = scope;
  if (target.offline || !kind.listUnwanted) return [];
  const wanted = new Set(
    desired.filter((item) => item.kind === kind && item.target === target).map((item) => kind.name(item.spec)),
  );
  const found = await read(`${kind.kind} resources under ${scope.scope}${where(target)}`, () =>
    kind.listUnwanted!(target, scope.scope, project, (name) => wanted.has(name)),
  );
  return found.map(({ spec, current }) => ({
    desired: { id: `${target.name}/${kind.kind}/${kind.name(spec)}#delete`, kind, spec, target },
    action: 'delete',
    diffs: [],
    current,
  }));
}

/**
 * The change that brings `current` (undefined: absent) to what `item` wants, under the ownership rules;
 * `deps` are the changes of the resources it depends on. The plan uses it, and apply again when a create
 * meets a resource that exists after all.
 */
export function changeFor(item: Desired, current: unknown, options: OwnershipRules, deps: Change[]): Change {
  const { kind, spec } = item;
  const diffs = kind.diff(current, spec);
  const action = current === undefined ? 'create' : diffs.length > 0 ? 'update' : 'noop';
  const change: Change = { desired: item, action, diffs, ...(current === undefined ? {} : { current }) };
  const self = `${kind.kind} "${kind.name(spec)}"`;
  const tags = current === undefined ? undefined : kind.tagsOf?.(current);
  // a reference is another step's resource: only its region is checked here
  if (tags !== undefined && tags[TAG_PROJECT] !== options.project && !kind.isReference) {
    change.unmanaged = true;
    const reason = `exists without the tag ${TAG_PROJECT}=${options.project}; mtpipe changes it only with --adopt`;
    if (action === 'update' && !options.adopt) change.blocked = reason;
    if (!options.adopt) change.holds = { parent: self, reason };
  }
  const served = kind.accountGlobal ? tags?.[TAG_REGION] : undefined;
  if (served !== undefined && options.region !== undefined && served !== options.region) {
    // refused even with nothing to change: the whole run is, before anything is written
    change.blocked = servesAnotherRegion(served, tags?.[TAG_PROJECT] ?? options.project);
    change.holds = { parent: self, reason: change.blocked, region: served };
  }
  // What hangs on a resource mtpipe may not change (an inline policy on someone else's role, or on a
  // role that serves another region) is not changed either, nor what hangs on that in turn.
  const held = change.holds ? undefined : deps.find((dep) => dep.holds)?.holds;
  if (held) {
    change.holds = held;
    if (action !== 'noop') change.blocked = `belongs to ${held.parent}, which ${held.reason}`;
  }
  const problem = kind.check?.(current, spec);
  if (problem) change.blocked = problem;
  return change;
}

function servesAnotherRegion(region: string, project: string): string {
  return `serves region ${region} of project "${project}": IAM names are account-wide, so one project cannot run in two regions of one account; use a distinct project name per region (project in mtpipe.yaml)`;
}
