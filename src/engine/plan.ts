import { AwsError } from '../errors.js';
import { indexDesired, inDependencyOrder } from './graph.js';
import { limiter } from './limit.js';
import { TAG_PROJECT, type Change, type Desired, type PruneScope, type ResourceKind, type Target } from './types.js';

/** Who owns what: a resource is this project's when it carries mtpipe:project=<project>; --adopt takes others'. */
export interface OwnershipRules {
  project: string;
  adopt: boolean;
}

export interface PlanOptions extends OwnershipRules {
  concurrency: number;
  /** scopes in which resources mtpipe owns but no longer wants are planned for deletion */
  prune?: PruneScope[];
}

/** Reads what exists and compares it with what the configuration wants. Makes no write call. */
export async function plan(desired: Desired[], options: PlanOptions): Promise<Change[]> {
  const byId = indexDesired(desired);
  const limit = limiter(options.concurrency);
  const batched = await readBatches(desired, limit);

  const planOne = inDependencyOrder<Change>(byId, async (item, deps) => {
    // What a batch read found is used as it is; otherwise a resource whose dependency does not exist
    // yet cannot exist either, and is not read.
    const mustCreate = item.target.offline || deps.some((dep) => dep.action === 'create');
    const current = batched.has(item.id)
      ? batched.get(item.id)
      : mustCreate
        ? undefined
        : await limit(() => read(`${item.kind.kind} "${item.kind.name(item.spec)}"${where(item.target)}`, () => item.kind.find(item.target, item.spec)));
    return changeFor(item, current, options, deps);
  });
  const [changes, deletions] = await Promise.all([
    Promise.all(desired.map((item) => planOne(item.id))),
    Promise.all((options.prune ?? []).map((scope) => limit(() => unwanted(scope, desired, options.project)))),
  ]);
  return [...changes, ...deletions.flat()];
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
  const tags = current === undefined ? undefined : kind.tagsOf?.(current);
  if (tags !== undefined && tags[TAG_PROJECT] !== options.project) {
    change.unmanaged = true;
    if (action === 'update' && !options.adopt) {
      change.blocked = `exists without the tag ${TAG_PROJECT}=${options.project}; mtpipe changes it only with --adopt`;
    }
  }
  // What hangs on a resource mtpipe does not own (an inline policy on someone else's role) is not
  // changed either: the parent's tag decides for kinds that carry none of their own.
  const foreign = deps.find((dep) => dep.unmanaged);
  if (foreign && action !== 'noop' && !options.adopt) {
    const parent = `${foreign.desired.kind.kind} "${foreign.desired.kind.name(foreign.desired.spec)}"`;
    change.blocked = `belongs to ${parent}, which exists without the tag ${TAG_PROJECT}=${options.project}; mtpipe changes it only with --adopt`;
  }
  const problem = kind.check?.(current, spec);
  if (problem) change.blocked = problem;
  return change;
}

async function read<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AwsError(`reading ${what}`, error);
  }
}

export function where(target: Target): string {
  return target.name === 'shared' ? '' : ` in ${target.name}`;
}

/** Kinds that can read many resources in one call do so (before dependencies are known: reads only). */
async function readBatches(desired: Desired[], limit: ReturnType<typeof limiter>): Promise<Map<string, unknown>> {
  // one batch per kind and target (targets are compared as objects: two can share an environment's name)
  const groups = new Map<ResourceKind<unknown, unknown>, Map<Target, Desired[]>>();
  for (const item of desired) {
    if (!item.kind.findMany || item.target.offline) continue;
    const byTarget = groups.get(item.kind) ?? new Map<Target, Desired[]>();
    byTarget.set(item.target, [...(byTarget.get(item.target) ?? []), item]);
    groups.set(item.kind, byTarget);
  }
  const found = new Map<string, unknown>();
  await Promise.all(
    [...groups.values()].flatMap((byTarget) => [...byTarget.values()]).map(async (items) => {
      const first = items[0]!;
      const kind = first.kind as ResourceKind<unknown, unknown>;
      const currents = await limit(() =>
        read(`${items.length} ${kind.kind} resources${where(first.target)}`, () =>
          kind.findMany!(first.target, items.map((item) => item.spec)),
        ),
      );
      items.forEach((item, index) => found.set(item.id, currents[index]));
    }),
  );
  return found;
}
