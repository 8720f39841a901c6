import type { ConfigDraft } from '../config/draft.js';
import type { Config } from '../config/schema.js';
import type { SdkService } from '../aws/sdk.js';
import type { Targets } from '../aws/targets.js';
import { TAG_REGION, type Change, type Desired, type PruneScope, type ResourceResult } from '../engine/types.js';
import type { Prompter } from '../ui/prompter.js';

export interface ResolveContext {
  draft: ConfigDraft;
  prompter: Prompter;
  /** the command's own flags (global ones excluded) */
  flags: Record<string, unknown>;
  /** resolves an input shared by several steps (the token) once per run, however many steps ask */
  once<T>(key: string, resolve: () => Promise<T>): Promise<T>;
  /** --dry-run: nothing will be written, so nothing is required for writing */
  dryRun: boolean;
  /** this run's accounts and regions: STS is asked before any step's questions (offline without credentials) */
  targets: Targets;
  /**
   * Reads one resource as it is now, before the plan, for a question that depends on it (whether a
   * token is stored). Read-only; undefined when it does not exist, and when the run is offline.
   */
  read<Spec, Current>(item: Desired<Spec, Current>): Promise<Current | undefined>;
}

/** What a step's preparation may use: reads only, after every question and before the plan. */
export interface PrepareContext {
  config: Config;
  targets: Targets;
  dryRun: boolean;
}

export interface StepOutputs {
  /** facts printed after the results when the run changed something (always with --verbose) */
  notes: string[];
  /** what still needs the user's action (printed after every run, also when nothing changed) */
  actions?: string[];
  /** the same facts for --json */
  data: Record<string, unknown>;
}

/**
 * One provisioning step (a command). `resolve` asks for what is missing; it calls AWS only through
 * `context.read`;
 * `desired` is pure: it turns inputs into resources for the engine.
 */
export interface Step<Inputs> {
  name: string;
  /**
   * The SDK packages its reads and writes use with this configuration (its resource kinds', its
   * preparation's), loaded while STS answers; one it leaves out is loaded on its first call, later.
   * The project tag index's (`tagging`), through which plans read tags, is loaded for every step.
   */
  services(config: Config): readonly SdkService[];
  /**
   * Rejects bad input that is the step's own (flags, environment variables) before anything is asked
   * and before any AWS call; throws UserInputError.
   */
  validate?(config: Config, flags: Record<string, unknown>): void | Promise<void>;
  resolve(context: ResolveContext): Promise<Inputs>;
  /**
   * Reads what `desired` depends on and no question decides (the deployed solution's resources, a
   * function's timeout), after every step's questions and before the plan; returns the inputs with
   * them. Read-only; offline (`targets.offline`) nothing can be read, and the inputs say so.
   * `desired` is also called with the inputs `resolve` returned, and what it wants then is read while
   * the step prepares: a step that has a prepare returns there the resources it knows without it
   * (names that no read decides), so that their reads need not wait for the preparation's.
   */
  prepare?(inputs: Inputs, context: PrepareContext): Promise<Inputs>;
  desired(inputs: Inputs, config: Config, targets: Targets): Desired[];
  /** where resources this step made earlier, and no longer wants, are looked for and deleted */
  pruneScopes?(inputs: Inputs, config: Config, targets: Targets): PruneScope[];
  /** `changes` is the plan, with each resource as it was read (`current`); `results` is undefined on a dry run */
  outputs?(inputs: Inputs, config: Config, targets: Targets, results: ResourceResult[] | undefined, changes: Change[]): StepOutputs;
}

/** The SDK packages a run of these steps loads while STS answers: theirs, and the tag index's. */
export function sdkServicesOf(steps: readonly Step<unknown>[], config: Config): SdkService[] {
  return ['tagging', ...steps.flatMap((step) => step.services(config))];
}

/** Resource ids are unique per target and kind. */
export function resourceId(targetName: string, kind: string, name: string): string {
  return `${targetName}/${kind}/${name}`;
}

export function standardTags(project: string, env: string): Record<string, string> {
  return { 'mtpipe:project': project, 'mtpipe:env': env };
}

/** Tags of an account-global resource (IAM): also the region of the shared target, which the plan checks. */
export function accountGlobalTags(project: string, env: string, region: string): Record<string, string> {
  return { ...standardTags(project, env), [TAG_REGION]: region };
}
