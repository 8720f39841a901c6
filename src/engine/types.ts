import type { ClientFactory } from '../aws/clients.js';

/** Where resources live: one AWS account and region, reached with one set of credentials. */
export interface Target {
  /** environment name, or "shared" for resources that serve every environment (the repository) */
  name: string;
  account: string;
  region: string;
  partition: string;
  clients: ClientFactory;
  /** no credentials: plan against an empty account, never call AWS */
  offline: boolean;
}

export const TAG_PROJECT = 'mtpipe:project';
export const TAG_ENV = 'mtpipe:env';

/** One field of a resource that differs between AWS and the configuration. */
export interface FieldDiff {
  field: string;
  from?: unknown;
  to?: unknown;
  /** the values are never shown, only whether they change */
  secret?: boolean;
}

export interface ApplyOutput {
  arn?: string;
}

/**
 * The contract every resource kind implements (one module per kind under src/aws).
 * `find` is the only place that handles "not found"; `diff` is pure.
 */
export interface ResourceKind<Spec, Current> {
  kind: string;
  /** the resource's name as the user knows it */
  name(spec: Spec): string;
  find(target: Target, spec: Spec): Promise<Current | undefined>;
  /** optional batched read, same order as specs */
  findMany?(target: Target, specs: Spec[]): Promise<(Current | undefined)[]>;
  /** the fields mtpipe owns that differ; with no current resource, every field it would set */
  diff(current: Current | undefined, spec: Spec): FieldDiff[];
  create(target: Target, spec: Spec): Promise<ApplyOutput>;
  update(target: Target, spec: Spec, current: Current, diffs: FieldDiff[]): Promise<ApplyOutput>;
  delete?(target: Target, current: Current): Promise<void>;
  /**
   * The resources of this kind under `scope` that carry mtpipe:project=<project> and are not wanted:
   * they are planned for deletion. Only kinds that support pruning implement it.
   */
  listUnwanted?(target: Target, scope: string, project: string, isWanted: (name: string) => boolean): Promise<{ spec: Spec; current: Current }[]>;
  /** the resource's tags, for kinds that carry them; undefined for kinds AWS cannot tag */
  tagsOf?(current: Current): Record<string, string> | undefined;
  /** the ARN, for kinds that have one */
  arnOf(target: Target, spec: Spec): string | undefined;
  /** set on references to resources another step owns (see engine/reference.ts) */
  isReference?: boolean;
  /** after a create failed with this error, the engine reads the resource again and converges */
  alreadyExists?(error: unknown): boolean;
  /** a problem that only shows once the current state is known (e.g. a required secret nobody gave) */
  check?(current: Current | undefined, spec: Spec): string | undefined;
}

/** Where the plan looks for resources mtpipe made that the configuration no longer wants. */
export interface PruneScope {
  kind: ResourceKind<unknown, unknown>;
  target: Target;
  /** e.g. the SSM path /<project>/<env>/ */
  scope: string;
}

/** A resource as the configuration wants it. */
export interface Desired<Spec = unknown, Current = unknown> {
  /** unique in one plan, e.g. "dev/ssm:parameter//mt/dev/input_bucket_name" */
  id: string;
  kind: ResourceKind<Spec, Current>;
  spec: Spec;
  target: Target;
  /** ids that must exist first */
  dependsOn?: string[];
}

export type Action = 'create' | 'update' | 'delete' | 'noop';

export interface Change {
  desired: Desired;
  action: Action;
  diffs: FieldDiff[];
  current?: unknown;
  /** exists, but without this project's tag: changed only with --adopt */
  unmanaged?: boolean;
  /** why this change cannot be applied (shown in the plan; apply refuses it) */
  blocked?: string;
}

export type Status = 'created' | 'updated' | 'deleted' | 'unchanged' | 'failed';

export interface ResourceResult {
  id: string;
  kind: string;
  name: string;
  env: string;
  status: Status;
  arn?: string;
  error?: string;
}

export type ProgressEvent =
  | { type: 'start'; change: Change }
  | { type: 'done'; change: Change; result: ResourceResult };
