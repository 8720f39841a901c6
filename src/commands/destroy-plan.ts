import { ssmParameter, ssmParameterBatch } from '../aws/ssm-parameter.js';
import { plan } from '../engine/plan.js';
import { TAG_PROJECT, type Change, type Desired, type PruneScope, type ResourceResult } from '../engine/types.js';

/** CloudFormation's own tag on what a stack created: such a resource is the stack's, never mtpipe's to delete. */
export const CLOUDFORMATION_STACK_TAG = 'aws:cloudformation:stack-name';

/**
 * Kinds that hold data (the code, build artifacts, images, the solution's input and output): deleted
 * only with --include-data.
 */
export const DATA_KINDS: ReadonlySet<string> = new Set(['codecommit:repository', 's3:bucket', 'ecr:repository']);

/** Why a resource that exists is not deleted. */
export type KeptReason = 'data' | 'not-owned' | 'cloudformation' | 'other-region';

export interface Kept {
  kind: string;
  name: string;
  env: string;
  reason: KeptReason;
  /** the reason in words, e.g. "data: kept without --include-data" */
  detail: string;
}

export interface DestroyPlan {
  /** every entry a `delete`, each depending on what must go before it */
  deletions: Change[];
  kept: Kept[];
}

export interface DestroyOptions {
  project: string;
  region: string;
  includeData: boolean;
  concurrency: number;
}

/**
 * What destroy deletes: every desired resource that exists and is this project's (tag mtpipe:project,
 * or for kinds AWS cannot tag, their parent's ownership or the project's name prefix), and what the
 * prune scopes find that mtpipe made earlier. Resources managed by CloudFormation, others', those of
 * another region and (without `includeData`) data are kept, each with its reason. Reads only.
 */
export async function planDestroy(desired: Desired[], prune: PruneScope[], options: DestroyOptions): Promise<DestroyPlan> {
  // the ownership rules of the engine, never with --adopt: what is not this project's is not deleted
  const read = await plan(desired, { project: options.project, region: options.region, adopt: false, prune, readAll: true });
  const kept: Kept[] = [];
  const chosen: Change[] = [];
  for (const change of read) {
    if (change.current === undefined) continue;
    const { kind, spec, target } = change.desired;
    if (kind.scheduledForDeletion?.(change.current)) continue;
    if (kind.isReference) {
      // read for another step's sake, never mtpipe's to delete; the solution's stacks are named in the output
      if (kind.kind === 'cloudformation:stack' && Array.isArray(change.current) && change.current.length > 0) {
        kept.push({ kind: kind.kind, name: kind.name(spec), env: target.name, reason: 'cloudformation', detail: "the solution's stack: destroy never touches it" });
      }
      continue;
    }
    const reason = keptReason(change, options);
    if (reason) kept.push({ kind: kind.kind, name: kind.name(spec), env: target.name, ...reason });
    else chosen.push(change);
  }
  return { deletions: inReverseOrder(chosen, desired), kept };
}

function keptReason(change: Change, options: DestroyOptions): Pick<Kept, 'reason' | 'detail'> | undefined {
  const { kind, spec, dependsOn } = change.desired;
  const tags = kind.tagsOf?.(change.current);
  const stack = tags?.[CLOUDFORMATION_STACK_TAG];
  if (stack !== undefined) return { reason: 'cloudformation', detail: `managed by CloudFormation (stack ${stack})` };
  // a setting mtpipe keeps on someone else's resource (tracing of a CDK function, engine/types.ts planNote):
  // nothing of its own to delete
  if (kind.planNote !== undefined && !kind.delete) return { reason: 'not-owned', detail: "a setting of a resource mtpipe does not own: left as it is (the solution's next cdk deploy resets it)" };
  if (change.holds?.region !== undefined) return { reason: 'other-region', detail: change.holds.reason };
  if (change.unmanaged) return { reason: 'not-owned', detail: `not owned: no tag ${TAG_PROJECT}=${options.project}` };
  if (change.holds) return { reason: 'not-owned', detail: `not owned: belongs to ${change.holds.parent}, which ${change.holds.reason}` };
  // kinds AWS cannot tag: a top-level one is the project's by its name; one that hangs on another follows it
  const untagged = kind.tagsOf === undefined || tags === undefined;
  if (untagged && (dependsOn ?? []).length === 0 && change.action !== 'delete' && !kind.name(spec).startsWith(`${options.project}-`)) {
    return { reason: 'not-owned', detail: `not owned: cannot carry tags and its name does not start with ${options.project}-` };
  }
  if (DATA_KINDS.has(kind.kind) && !options.includeData) return { reason: 'data', detail: 'data: kept without --include-data' };
  return undefined;
}

/**
 * The deletions as changes of their own, each depending on the deletions of what depended on it
 * (through resources that are not deleted, too): a pipeline goes before its role, a deployment group
 * before its application, a topic before its key.
 */
function inReverseOrder(chosen: Change[], desired: Desired[]): Change[] {
  const deleted = new Set(chosen.map((change) => change.desired.id));
  const dependsOn = new Map(desired.map((item) => [item.id, item.dependsOn ?? []]));
  const after = new Map<string, Set<string>>([...deleted].map((id) => [id, new Set<string>()]));
  for (const id of deleted) {
    // the nearest deleted resources this one depends on are deleted after it
    const seen = new Set<string>();
    const visit = (from: string) => {
      for (const dep of dependsOn.get(from) ?? []) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        if (deleted.has(dep)) after.get(dep)!.add(id);
        else visit(dep);
      }
    };
    visit(id);
  }
  const deletions: Change[] = chosen.map((change) => ({
    ...change,
    action: 'delete',
    diffs: [],
    desired: { ...change.desired, dependsOn: [...after.get(change.desired.id)!] },
  }));
  return inOrderOfDeletion(deletions);
}

/** Each deletion after those it waits for, otherwise in the configuration's order: the plan reads as it happens. */
function inOrderOfDeletion(deletions: Change[]): Change[] {
  const ordered: Change[] = [];
  const done = new Set<string>();
  let rest = deletions;
  while (rest.length > 0) {
    const ready = rest.filter((change) => (change.desired.dependsOn ?? []).every((id) => done.has(id)));
    // no cycle is possible (the configuration's graph has none), but never loop forever
    const next = ready.length > 0 ? ready : rest;
    for (const change of next) done.add(change.desired.id);
    ordered.push(...next);
    rest = rest.filter((change) => !done.has(change.desired.id));
  }
  return ordered;
}

/**
 * For apply: the SSM parameters of each target deleted together (DeleteParameters, 10 a call); what
 * waited for one of them waits for their batch. `expand` turns the batch's result back into one per parameter.
 */
export function batchParameters(deletions: Change[]): { changes: Change[]; expand(results: ResourceResult[]): ResourceResult[] } {
  const batches = new Map<unknown, { change: Change; members: Change[] }>();
  const batchOf = new Map<string, string>();
  const rest: Change[] = [];
  for (const change of deletions) {
    const { kind, target, spec } = change.desired;
    if (kind !== (ssmParameter as unknown)) {
      rest.push(change);
      continue;
    }
    let batch = batches.get(target);
    if (!batch) {
      const id = `${target.name}/ssm:parameter/#batch`;
      batch = { change: { desired: { id, kind: ssmParameterBatch, target, spec: { names: [] }, dependsOn: [] }, action: 'delete', diffs: [], current: true } as Change, members: [] };
      batches.set(target, batch);
    }
    (batch.change.desired.spec as { names: string[] }).names.push(ssmParameter.name(spec as never));
    const deps = batch.change.desired.dependsOn!;
    for (const dep of change.desired.dependsOn ?? []) if (!deps.includes(dep)) deps.push(dep);
    batch.members.push(change);
    batchOf.set(change.desired.id, batch.change.desired.id);
  }
  const remap = (ids: string[] | undefined) => [...new Set((ids ?? []).map((id) => batchOf.get(id) ?? id))];
  for (const { change } of batches.values()) {
    change.desired.dependsOn = remap(change.desired.dependsOn).filter((id) => id !== change.desired.id);
  }
  const changes = [
    ...rest.map((change) => ({ ...change, desired: { ...change.desired, dependsOn: remap(change.desired.dependsOn) } })),
    ...[...batches.values()].map(({ change }) => change),
  ];
  return {
    changes,
    expand(results) {
      const byBatch = new Map(results.map((result) => [result.id, result]));
      const expanded = results.filter((result) => !result.id.endsWith('/#batch'));
      for (const { change, members } of batches.values()) {
        const result = byBatch.get(change.desired.id)!;
        for (const member of members) {
          const { kind, spec, target, id } = member.desired;
          expanded.push({ ...result, id, kind: kind.kind, name: kind.name(spec), env: target.name, arn: kind.arnOf(target, spec) });
        }
      }
      return expanded;
    },
  };
}
