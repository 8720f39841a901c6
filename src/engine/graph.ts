import type { Desired } from './types.js';

/**
 * When a step refers to a resource that another step in the same run creates, the plan keeps the real
 * resource and drops the reference (same id). Two real resources with one id stay an error.
 */
export function preferOwners(desired: Desired[]): Desired[] {
  const owned = new Set(desired.filter((item) => !item.kind.isReference).map((item) => item.id));
  const seen = new Set<string>();
  return desired.filter((item) => {
    if (item.kind.isReference && (owned.has(item.id) || seen.has(item.id))) return false;
    seen.add(item.id);
    return true;
  });
}

/** Checks that ids are unique, dependencies exist and there is no cycle (`after` ids included when present); returns desired by id. */
export function indexDesired(desired: Desired[]): Map<string, Desired> {
  const byId = new Map<string, Desired>();
  for (const item of desired) {
    if (byId.has(item.id)) throw new Error(`internal: resource id ${item.id} appears twice`);
    byId.set(item.id, item);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`internal: dependency cycle ${[...path, id].join(' -> ')}`);
    state.set(id, 'visiting');
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep)) throw new Error(`internal: ${id} depends on unknown resource ${dep}`);
      visit(dep, [...path, id]);
    }
    for (const dep of orderedAfter(byId, byId.get(id)!)) visit(dep, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of byId.keys()) visit(id, []);
  return byId;
}

/** The `after` ids of an item that are in the plan (the others are ignored). */
function orderedAfter(byId: Map<string, Desired>, item: Desired): string[] {
  return (item.after ?? []).filter((id) => byId.has(id));
}

/**
 * Memoises one async computation per id, each started after those of its dependencies (whose results it
 * gets) and of its `after` ids in the plan (waited for only).
 */
export function inDependencyOrder<T>(
  byId: Map<string, Desired>,
  compute: (item: Desired, deps: T[]) => Promise<T>,
): (id: string) => Promise<T> {
  const memo = new Map<string, Promise<T>>();
  const run = (id: string): Promise<T> => {
    let promise = memo.get(id);
    if (!promise) {
      const item = byId.get(id)!;
      const before = Promise.all(orderedAfter(byId, item).map(run));
      promise = Promise.all([Promise.all((item.dependsOn ?? []).map(run)), before]).then(([deps]) => compute(item, deps));
      memo.set(id, promise);
    }
    return promise;
  };
  return run;
}
