import { AwsError } from '../errors.js';
import { READS_IN_FLIGHT, serviceLimits, type Limit } from './limit.js';
import type { Desired, PruneScope, ResourceKind, Target } from './types.js';

/**
 * The plan's reads, each started as soon as its resource is known: a read needs only the resource's
 * name, never its dependencies' state, so all of them go at once (bounded per service, READS_IN_FLIGHT),
 * also while other steps still prepare. The runner starts each step's resources when the step has
 * said what it wants; the plan then takes the results, and starts what nobody started.
 * Kinds with `findMany` read the resources given together in one batch per target.
 */
export class ReadAhead {
  // by id and kind, not by object: a question's read (a stored token) and the plan's are one read
  private readonly started = new Map<string, Promise<unknown>>();
  readonly limit: (kind: string, target: Target) => Limit;

  constructor(caps: Record<string, number> = READS_IN_FLIGHT) {
    this.limit = serviceLimits(caps);
  }

  /** Starts reading the items not started yet (offline targets are never read). */
  start(items: Desired[]): void {
    const batches = new Map<ResourceKind<unknown, unknown>, Map<Target, Desired[]>>();
    for (const item of items) {
      if (item.target.offline || this.started.has(keyOf(item))) continue;
      if (!item.kind.findMany) {
        this.keep(item, this.limit(item.kind.kind, item.target)(() => readCurrent(item)));
        continue;
      }
      // one batch per kind and target (targets are compared as objects: two can share an environment's name)
      const kind = item.kind as ResourceKind<unknown, unknown>;
      const byTarget = batches.get(kind) ?? new Map<Target, Desired[]>();
      byTarget.set(item.target, [...(byTarget.get(item.target) ?? []), item]);
      batches.set(kind, byTarget);
    }
    for (const [kind, byTarget] of batches) {
      for (const [target, group] of byTarget) {
        const all = this.limit(kind.kind, target)(() =>
          read(`${group.length} ${kind.kind} resources${where(target)}`, () => kind.findMany!(target, group.map((item) => item.spec))),
        );
        group.forEach((item, index) => this.keep(item, all.then((currents) => currents[index])));
      }
    }
  }

  /** Starts what the prune scopes' listings read (ResourceKind.prefetchUnwanted), within the same caps. */
  prefetchUnwanted(scopes: PruneScope[]): void {
    for (const { kind, target, scope } of scopes) {
      if (target.offline || !kind.prefetchUnwanted) continue;
      this.limit(kind.kind, target)(() => kind.prefetchUnwanted!(target, scope)).catch(() => undefined);
    }
  }

  /** The item's current state (undefined: absent, and always offline); rejects with an AwsError naming the read. */
  current<S, C>(item: Desired<S, C>): Promise<C | undefined> {
    if (item.target.offline) return Promise.resolve(undefined);
    this.start([item as Desired]);
    return this.started.get(keyOf(item as Desired)) as Promise<C | undefined>;
  }

  private keep(item: Desired, reading: Promise<unknown>): void {
    // a read nobody asks for (a reference another step's resource replaces) must not fail the run unheard
    reading.catch(() => undefined);
    this.started.set(keyOf(item), reading);
  }
}

function keyOf(item: Desired): string {
  return `${item.id} ${item.kind.kind}${item.kind.isReference ? ' reference' : ''}`;
}

/**
 * One resource as it is now (undefined: absent, and always offline). Throws AwsError saying what was
 * read. The plan reads through it, and so do questions that depend on AWS (the runner's `context.read`).
 */
export function readCurrent<S, C>(item: Desired<S, C>): Promise<C | undefined> {
  if (item.target.offline) return Promise.resolve(undefined);
  return read(`${item.kind.kind} "${item.kind.name(item.spec)}"${where(item.target)}`, () => item.kind.find(item.target, item.spec));
}

/** Runs a read; its failure becomes an AwsError "reading <what>". */
export async function read<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AwsError(`reading ${what}`, error);
  }
}

/** " in <env>" for an environment's target, nothing for the shared one. */
export function where(target: Target): string {
  return target.name === 'shared' ? '' : ` in ${target.name}`;
}
