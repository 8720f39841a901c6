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
/**
 * On account-global resources (IAM): the region of the project they serve (its shared target). IAM
 * names are shared by every region of an account, so one project cannot serve two regions.
 */
export const TAG_REGION = 'mtpipe:region';

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
  /** what the user should know about the write, e.g. the date a scheduled deletion takes effect */
  note?: string;
}

/**
 * What the engine tells a write while it runs (the third argument of `create`, the fifth of `update`).
 * Absent when a module is called outside the engine: then nothing counts as created in this run.
 */
export interface WriteContext {
  /**
   * True when this run created the resource of `kind` named `nameOrArn` (by name or ARN). Only such a
   * resource can be "not visible yet" to IAM or another service: errors about any other are permanent.
   */
  createdInThisRun(kind: string, nameOrArn: string): boolean;
  /** shows on the progress line that the write is waiting, e.g. for IAM to propagate, and for how long so far */
  waiting(reason: string, waitedMs: number): void;
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
  create(target: Target, spec: Spec, context?: WriteContext): Promise<ApplyOutput>;
  /**
   * True for the error `create` throws when the resource exists already. After mtpipe's own create
   * attempt (a response lost, the SDK retried) the engine then reads the resource again and converges
   * it with `update`, under the plan's ownership rules. Kinds whose create is idempotent leave it out.
   */
  alreadyExists?(error: unknown): boolean;
  update(target: Target, spec: Spec, current: Current, diffs: FieldDiff[], context?: WriteContext): Promise<ApplyOutput>;
  /**
   * Deletes the resource, with what must go first (a role's policies, a bucket's objects). A resource
   * that is gone already counts as deleted. `spec` is the resource as the configuration names it.
   */
  delete?(target: Target, current: Current, spec: Spec): Promise<void | ApplyOutput>;
  /** exists but is deleted already, only not yet for good (a secret in its recovery window): destroy leaves it be */
  scheduledForDeletion?(current: Current): boolean;
  /**
   * The resources of this kind under `scope` that carry mtpipe:project=<project> and are not wanted:
   * they are planned for deletion. Only kinds that support pruning implement it.
   */
  listUnwanted?(target: Target, scope: string, project: string, isWanted: (name: string) => boolean): Promise<{ spec: Spec; current: Current }[]>;
  /**
   * Starts the reads listUnwanted will make, before the wanted resources are all known (kept for the
   * run, so listUnwanted's are answered from them): the runner calls it when the step has said what it
   * wants, so pruning adds no round trip after the last step's preparation. Read-only; its failure is
   * ignored (listUnwanted reads again).
   */
  prefetchUnwanted?(target: Target, scope: string): Promise<unknown>;
  /** the resource's tags, for kinds that carry them; undefined for kinds AWS cannot tag */
  tagsOf?(current: Current): Record<string, string> | undefined;
  /** the ARN, for kinds that have one */
  arnOf(target: Target, spec: Spec): string | undefined;
  /**
   * The resource's name is shared by every region of the account (IAM roles, policies, groups and what
   * hangs on them). The plan refuses one whose TAG_REGION names another region than the run's.
   */
  accountGlobal?: boolean;
  /** set on references to resources another step owns (see engine/reference.ts) */
  isReference?: boolean;
  /** a problem that only shows once the current state is known (e.g. a required secret nobody gave) */
  check?(current: Current | undefined, spec: Spec): string | undefined;
  /**
   * What the plan says under every change of this kind. Kinds that manage one setting of a resource
   * another tool owns (the tracing of CDK's functions: no mtpipe tag, so no tag rule) say so here.
   */
  planNote?: string;
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
  /**
   * Ordering only: ids applied before this one when they are in the same plan (another step's
   * resource that this one names, e.g. the alarms a deployment group names); ignored when absent.
   * Unlike dependsOn, their failure or ownership does not hold this resource back.
   */
  after?: string[];
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
  /**
   * Why what depends on this resource may not be changed either (it is not this project's, or serves
   * another region), with the resource that decides it; passed on to dependents of dependents.
   */
  holds?: { parent: string; reason: string; /** set when the reason is the region it serves */ region?: string };
}

export type Status = 'created' | 'updated' | 'deleted' | 'unchanged' | 'failed';

export interface ResourceResult {
  id: string;
  kind: string;
  name: string;
  env: string;
  /** read only: a resource the run needs but does not manage (ResourceKind.isReference) */
  reference?: true;
  status: Status;
  arn?: string;
  error?: string;
  /** ApplyOutput.note of the write */
  note?: string;
}

export type ProgressEvent =
  | { type: 'start'; change: Change }
  | { type: 'done'; change: Change; result: ResourceResult }
  /** a write is waiting (e.g. "waiting for IAM to propagate") and has waited `waitedMs` so far */
  | { type: 'wait'; change: Change; reason: string; waitedMs: number };
