/**
 * Reads kept for one run, per set of clients: a ClientFactory is one set of credentials in one region
 * (src/aws/clients.ts), hence one account and region, so what one target read there answers every target
 * that shares those clients. Kinds keep here what several resources or steps of a run ask for (alarms by
 * name, the log groups and SSM parameters under the project's prefix, the solution's stacks, a function's
 * configuration), and the project tag index (src/aws/tag-index.ts) keeps its index and what this run
 * re-tagged. The runner drops all of it once the run has written (forgetRunReads), so that a plan after
 * the apply (bootstrap's verify) reads anew. Keyed weakly: a run's reads go with its clients.
 */
import type { ClientFactory } from './clients.js';
import type { Target } from '../engine/types.js';

const stores = new WeakMap<ClientFactory, Map<string, Map<string, unknown>>>();

/**
 * The run's memo `key` (a kind's own, e.g. "cloudwatch:alarm") of the target's clients, created empty on
 * first use. A kind that writes a resource drops that resource's entry itself.
 */
export function runMemo<T>(target: Target, key: string): Map<string, T> {
  let store = stores.get(target.clients);
  if (!store) {
    store = new Map();
    stores.set(target.clients, store);
  }
  let memo = store.get(key);
  if (!memo) {
    memo = new Map();
    store.set(key, memo);
  }
  return memo as Map<string, T>;
}

/**
 * `read()` once per run, set of clients and `memo`/`key`, shared by concurrent callers (the promise is
 * kept); a failed read is not kept, so the next caller asks again.
 */
export function readOnce<T>(target: Target, memo: string, key: string, read: () => Promise<T>): Promise<T> {
  const entries = runMemo<Promise<T>>(target, memo);
  let reading = entries.get(key);
  if (!reading) {
    reading = read();
    reading.catch(() => entries.delete(key));
    entries.set(key, reading);
  }
  return reading;
}

/** Drops every read the run kept for the target's clients (after the apply has written). */
export function forgetRunReads(target: Target): void {
  stores.delete(target.clients);
}
