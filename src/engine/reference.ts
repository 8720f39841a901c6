import type { ResourceKind } from './types.js';

/**
 * A resource another step owns, which this step needs to exist (a build project needs its role).
 * It is read, never written: when it is missing, the plan is blocked with a hint naming the command
 * that creates it. Within bootstrap, where that step runs too, the real resource replaces the reference.
 */
export function existing<Spec, Current>(kind: ResourceKind<Spec, Current>, createdBy: string): ResourceKind<Spec, Current> {
  return {
    kind: kind.kind,
    name: kind.name,
    find: (target, spec) => kind.find(target, spec),
    ...(kind.findMany ? { findMany: (target, specs) => kind.findMany!(target, specs) } : {}),
    diff: () => [],
    create: async () => {
      throw new Error(`internal: ${kind.kind} is created by ${createdBy}`);
    },
    update: async () => ({}),
    arnOf: (target, spec) => kind.arnOf(target, spec),
    // read for the region an account-global resource serves: a step in another region refuses to use it
    ...(kind.accountGlobal ? { accountGlobal: true } : {}),
    ...(kind.tagsOf ? { tagsOf: (current: Current) => kind.tagsOf!(current) } : {}),
    check: (current, spec) => (current === undefined ? `${kind.kind} "${kind.name(spec)}" does not exist: run \`mtpipe ${createdBy}\` first` : undefined),
    isReference: true,
  };
}
