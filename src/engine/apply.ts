import { describeCause } from '../errors.js';
import { indexDesired, inDependencyOrder } from './graph.js';
import { serviceLimits, WRITES_IN_FLIGHT } from './limit.js';
import { changeFor, where, type OwnershipRules } from './plan.js';
import type { ApplyOutput, Change, ProgressEvent, ResourceResult, Status, WriteContext } from './types.js';

export interface ApplyOptions extends OwnershipRules {
  /** writes in flight at once per service, account and region, at most (WRITES_IN_FLIGHT caps it further) */
  concurrency: number;
  onProgress?: (event: ProgressEvent) => void;
}

const VERB: Record<Change['action'], string> = { create: 'creating', update: 'updating', delete: 'deleting', noop: 'reading' };

/**
 * Carries out a plan: each resource as soon as its dependencies are done (bounded per service, never
 * waiting for another service's writes or for a batch), independent ones concurrently.
 * A failure fails only the resources that depend on it; the rest still converge.
 */
export async function apply(changes: Change[], options: ApplyOptions): Promise<ResourceResult[]> {
  const byId = indexDesired(changes.map((change) => change.desired));
  const changeById = new Map(changes.map((change) => [change.desired.id, change]));
  const limit = serviceLimits(WRITES_IN_FLIGHT, options.concurrency);
  const chainAfter = chainLengths(changes);
  const created = new CreatedInThisRun();

  const applyOne = inDependencyOrder<ResourceResult>(byId, async (item, deps) => {
    const change = changeById.get(item.id)!;
    const base = { id: item.id, kind: item.kind.kind, name: item.kind.name(item.spec), env: item.target.name, ...(item.kind.isReference ? { reference: true as const } : {}) };
    const failedDep = deps.find((dep) => dep.status === 'failed');
    if (failedDep) {
      return finish(change, { ...base, status: 'failed', error: `not attempted: ${failedDep.kind} "${failedDep.name}" failed` });
    }
    if (change.blocked) {
      return finish(change, { ...base, status: 'failed', error: `not applied: ${change.blocked}` });
    }
    if (change.action === 'noop') {
      return finish(change, { ...base, status: 'unchanged', arn: item.kind.arnOf(item.target, item.spec) });
    }
    options.onProgress?.({ type: 'start', change });
    const context: WriteContext = {
      createdInThisRun: (kind, nameOrArn) => created.has(kind, nameOrArn),
      waiting: (reason, waitedMs) => options.onProgress?.({ type: 'wait', change, reason, waitedMs }),
    };
    const depChanges = (item.dependsOn ?? []).map((id) => changeById.get(id)!);
    try {
      // when a service's slots are taken, the write with the longest chain of writes after it goes first
      const output = await limit(item.kind.kind, item.target)(() => write(change, context, options, depChanges), chainAfter(item.id));
      const status: Status = change.action === 'create' ? 'created' : change.action === 'update' ? 'updated' : 'deleted';
      const arn = output.arn ?? item.kind.arnOf(item.target, item.spec);
      if (status === 'created') created.add(item.kind.kind, base.name, arn);
      return finish(change, { ...base, status, arn, ...(output.note ? { note: output.note } : {}) });
    } catch (error) {
      const doing = `${VERB[change.action]} ${item.kind.kind} "${base.name}"${where(item.target)}`;
      return finish(change, { ...base, status: 'failed', error: `${doing}: ${describeCause(error)}` });
    }
  });

  function finish(change: Change, result: ResourceResult): ResourceResult {
    options.onProgress?.({ type: 'done', change, result });
    return result;
  }

  return Promise.all(changes.map((change) => applyOne(change.desired.id)));
}

/**
 * For each change, the number of changes to write in the longest chain that waits for it (dependents
 * and `after` ones, itself included): the apply's critical path runs through the highest.
 */
function chainLengths(changes: Change[]): (id: string) => number {
  const waitingFor = new Map<string, string[]>();
  for (const { desired } of changes) {
    for (const dep of [...(desired.dependsOn ?? []), ...(desired.after ?? [])]) waitingFor.set(dep, [...(waitingFor.get(dep) ?? []), desired.id]);
  }
  const writes = new Set(changes.filter((change) => change.action !== 'noop').map((change) => change.desired.id));
  const memo = new Map<string, number>();
  const length = (id: string): number => {
    let known = memo.get(id);
    if (known === undefined) {
      known = (writes.has(id) ? 1 : 0) + Math.max(0, ...(waitingFor.get(id) ?? []).map(length));
      memo.set(id, known);
    }
    return known;
  };
  return length;
}

/** The resources this run created, by kind and by name or ARN. */
class CreatedInThisRun {
  private readonly keys = new Set<string>();

  add(kind: string, name: string, arn: string | undefined): void {
    this.keys.add(`${kind} ${name}`);
    if (arn) this.keys.add(`${kind} ${arn}`);
  }

  has(kind: string, nameOrArn: string): boolean {
    return this.keys.has(`${kind} ${nameOrArn}`);
  }
}

async function write(change: Change, context: WriteContext, rules: OwnershipRules, deps: Change[]): Promise<ApplyOutput> {
  const { kind, target, spec } = change.desired;
  switch (change.action) {
    case 'create':
      try {
        return await kind.create(target, spec, context);
      } catch (error) {
        if (!kind.alreadyExists?.(error)) throw error;
        return convergeExisting(change, error, context, rules, deps);
      }
    case 'update':
      return kind.update(target, spec, change.current, change.diffs, context);
    case 'delete':
      if (!kind.delete) throw new Error(`internal: ${kind.kind} cannot be deleted`);
      return (await kind.delete(target, change.current, spec)) ?? {};
    case 'noop':
      return {};
  }
}

/**
 * A create answered "already exists": mostly mtpipe's own attempt whose response was lost (the SDK
 * retried and met what the first attempt made), possibly someone else's since the plan. The resource is
 * read again and finished like the plan would have done it (tags, retention, policies …), under the same
 * ownership rules: a resource without this project's tag is changed only with --adopt.
 */
async function convergeExisting(change: Change, error: unknown, context: WriteContext, rules: OwnershipRules, deps: Change[]): Promise<ApplyOutput> {
  const { kind, target, spec } = change.desired;
  const current = await kind.find(target, spec);
  // exists for create but not for a read: nothing to converge, the original error says what happened
  if (current === undefined) throw error;
  const again = changeFor(change.desired, current, rules, deps);
  if (again.blocked) throw new Error(again.blocked, { cause: error });
  if (again.action === 'noop') return {};
  return kind.update(target, spec, current, again.diffs, context);
}
