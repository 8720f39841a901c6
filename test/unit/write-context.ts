import type { WriteContext } from '../../src/engine/types.js';

/**
 * The context apply() gives a write, for a run that created `created` ("kind name-or-ARN", e.g.
 * "iam:role mt-build"); the waits it reports are kept.
 */
export function runThatCreated(...created: string[]): WriteContext & { waits: [string, number][] } {
  const waits: [string, number][] = [];
  return {
    waits,
    createdInThisRun: (kind, nameOrArn) => created.includes(`${kind} ${nameOrArn}`),
    waiting: (reason, waitedMs) => waits.push([reason, waitedMs]),
  };
}
