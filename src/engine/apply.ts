import { describeCause } from '../errors.js';
import { indexDesired, inDependencyOrder } from './graph.js';
import { limiter } from './limit.js';
import { where } from './plan.js';
import type { Change, ProgressEvent, ResourceResult, Status } from './types.js';

export interface ApplyOptions {
  concurrency: number;
  onProgress?: (event: ProgressEvent) => void;
}

const VERB: Record<Change['action'], string> = { create: 'creating', update: 'updating', delete: 'deleting', noop: 'reading' };

/**
 * Carries out a plan: independent resources concurrently (bounded), each after its dependencies.
 * A failure fails only the resources that depend on it; the rest still converge.
 */
export async function apply(changes: Change[], options: ApplyOptions): Promise<ResourceResult[]> {
  const byId = indexDesired(changes.map((change) => change.desired));
  const changeById = new Map(changes.map((change) => [change.desired.id, change]));
  const limit = limiter(options.concurrency);

  const applyOne = inDependencyOrder<ResourceResult>(byId, async (item, deps) => {
    const change = changeById.get(item.id)!;
    const base = { id: item.id, kind: item.kind.kind, name: item.kind.name(item.spec), env: item.target.name };
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
    try {
      const output = await limit(() => write(change));
      const status: Status = change.action === 'create' ? 'created' : change.action === 'update' ? 'updated' : 'deleted';
      return finish(change, { ...base, status, arn: output.arn ?? item.kind.arnOf(item.target, item.spec) });
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

async function write(change: Change): Promise<{ arn?: string }> {
  const { kind, target, spec } = change.desired;
  switch (change.action) {
    case 'create':
      return kind.create(target, spec);
    case 'update':
      return kind.update(target, spec, change.current, change.diffs);
    case 'delete':
      if (!kind.delete) throw new Error(`internal: ${kind.kind} cannot be deleted`);
      await kind.delete(target, change.current);
      return {};
    case 'noop':
      return {};
  }
}
