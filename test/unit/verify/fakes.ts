import type { Change, ResourceKind, Target } from '../../../src/engine/types.js';

export function target(name: string): Target {
  return { name, account: '111111111111', region: 'eu-west-1', partition: 'aws', clients: {} as never, offline: false };
}

/** A change of the plan as verify and drift read it: kind, name, target, action, what was read. */
export function change(kind: string, name: string, action: Change['action'], extra: Partial<Change> & { reference?: boolean; env?: string } = {}): Change {
  const { reference, env, ...rest } = extra;
  const resourceKind = { kind, name: (spec: { name: string }) => spec.name, ...(reference ? { isReference: true } : {}) } as unknown as ResourceKind<unknown, unknown>;
  return { desired: { id: `${env ?? 'shared'}/${kind}/${name}`, kind: resourceKind, spec: { name }, target: target(env ?? 'shared') }, action, diffs: [], ...rest };
}
