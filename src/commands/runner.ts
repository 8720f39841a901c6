import { forgetRunReads } from '../aws/run-reads.js';
import { connect, refuseSharedAccounts, resolveTargets, sharedAccountProblems, type Targets } from '../aws/targets.js';
import { DEFAULT_CONFIG_FILE } from '../config/load.js';
import { configWrites, formatValue, saveConfigValues } from '../config/save.js';
import { apply } from '../engine/apply.js';
import { preferOwners } from '../engine/graph.js';
import { plan } from '../engine/plan.js';
import { ReadAhead } from '../engine/reads.js';
import type { Change, ResourceResult } from '../engine/types.js';
import { AbortedError, MtpipeError, printedInJson } from '../errors.js';
import { applyQuestion } from './confirmation.js';
import { askEnvironmentAccounts, askProjectAndRegion } from './placement.js';
import type { Session } from './session.js';
import { sdkServicesOf, type Step } from './step.js';

export interface RunOutcome {
  results: ResourceResult[] | undefined;
}

export interface RunStepsOptions {
  /** shown with each resource's progress and failure, e.g. "step 3 of 8: builds" (bootstrap) */
  label?: (step: Step<unknown>) => string | undefined;
  /** plan only (drift, verify): the plan goes to `planOnly.inspect` instead of being shown and applied */
  planOnly?: PlanOnly;
  /**
   * What runs once the plan is applied without a failure, before the result is printed (bootstrap's
   * test and verify): its data joins the --json document, its lines follow the result on stdout, and
   * its error ends the run after both.
   */
  afterApply?: (targets: Targets, ahead: unknown) => Promise<AfterApply>;
  /**
   * A read the afterApply hook needs (bootstrap's test: the branch tip), started with the plan's reads.
   * The hook gets its answer as `ahead` when it still holds after the apply, else undefined, and then
   * reads itself. Its failure is the hook's to meet: here it is dropped.
   */
  readAhead?: ReadAheadHook;
}

/** A read started with the plan's, for the afterApply hook. */
export interface ReadAheadHook {
  read(targets: Targets): Promise<unknown>;
  /** whether the answer still holds once these changes are written (without it: only if none was) */
  holds?(answer: unknown, written: Change[]): boolean;
}

/** What an afterApply hook reports. */
export interface AfterApply {
  data: Record<string, unknown>;
  lines: string[];
  error?: MtpipeError;
}

/**
 * Plan only (drift, verify): credentials are required (no offline plan), nothing that only a write
 * needs is asked, nothing is written (neither AWS nor mtpipe.yaml), and instead of being shown and
 * applied the plan goes to `inspect`, with the run's targets (their clients are closed after it).
 */
export interface PlanOnly {
  inspect(changes: Change[], targets: Targets): Promise<void>;
}

/**
 * Validate → ask → plan → confirm → apply, for one step or (bootstrap) several: every question is
 * asked before the plan (those that depend on AWS after STS, with read-only `context.read`), the whole
 * plan is shown before anything is written, and the answers are kept in mtpipe.yaml when it is applied.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runSteps(command: string, steps: Step<any>[], session: Session, flags: Record<string, unknown>, runOptions: RunStepsOptions = {}): Promise<RunOutcome> {
  const { reporter, draft } = session;
  const { planOnly } = runOptions;
  const options = planOnly ? { ...session.options, dryRun: false } : session.options;
  const inputs: unknown[] = [];
  const resolved = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, resolve: () => Promise<T>): Promise<T> => {
    if (!resolved.has(key)) resolved.set(key, resolve());
    return resolved.get(key) as Promise<T>;
  };
  for (const step of steps) await step.validate?.(draft.config, flags);
  // one read per resource and run: what a question read (a stored token) serves the plan too
  const reads = new ReadAhead();
  // where things go first (the region decides the clients), then STS, then what needs the accounts
  await askProjectAndRegion(draft);
  const connection = await connect(draft.config.region, session.aws, { dryRun: options.dryRun, preload: sdkServicesOf(steps, draft.config) });
  let targets: Targets;
  try {
    await askEnvironmentAccounts(draft, session.envNames(), connection, session.prompter);
    reporter.info(connection.offline ? `planning offline, against an empty account (${session.envNames().join(', ')})…` : `reading the current state in AWS (${session.envNames().join(', ')})…`);
    targets = await resolveTargets(draft.config, session.envNames(), session.aws, { dryRun: options.dryRun }, connection);
  } catch (error) {
    connection.sharedClients.destroy();
    throw error;
  }
  try {
    // a dry run shows it as a plan problem (the README's first line must still work)
    if (!options.dryRun) refuseSharedAccounts(targets);
    const problems = sharedAccountProblems(targets.accountClashes ?? []);
    for (const step of steps) {
      inputs.push(await step.resolve({ draft, prompter: session.prompter, flags, once, dryRun: options.dryRun || planOnly !== undefined, targets, read: (item) => reads.current(item) }));
    }
    const config = draft.config;
    const file = session.options.config ?? DEFAULT_CONFIG_FILE;
    const { writes, warnings } = configWrites(draft, session.loaded, session.flags, { save: Boolean(flags.save), file });
    for (const warning of warnings) reporter.warn(warning);
    // Reads that need every answer (the environments, the stacks' names) run for all steps at once, and
    // each step's resources are read as soon as the step has said what it wants, while others prepare.
    // References wait for the plan: another step may own the resource, and its read serves both.
    const ahead = runOptions.readAhead && !options.dryRun && !planOnly && !targets.offline ? runOptions.readAhead.read(targets).catch(() => undefined) : undefined;
    const perStep = await Promise.all(
      steps.map(async (step, index) => {
        const own = (items: ReturnType<typeof step.desired>) => items.filter((item) => !item.kind.isReference);
        // what the step wants before it prepares is read while it prepares (see Step.prepare): a kind read
        // in batches then takes two calls when the preparation adds some, but none waits for it needlessly
        if (step.prepare) reads.start(own(step.desired(inputs[index], config, targets)));
        const input = step.prepare ? await step.prepare(inputs[index], { config, targets, dryRun: options.dryRun }) : inputs[index];
        const items = step.desired(input, config, targets);
        reads.start(own(items));
        reads.prefetchUnwanted(step.pruneScopes?.(input, config, targets) ?? []);
        return { input, items };
      }),
    );
    inputs.splice(0, inputs.length, ...perStep.map((prepared) => prepared.input));
    const labels = new Map<string, string>();
    const wanted = steps.flatMap((step, index) => {
      const { items } = perStep[index]!;
      const label = runOptions.label?.(step);
      // the first step that wants a resource names it
      if (label) for (const item of items) if (!labels.has(item.id)) labels.set(item.id, label);
      return items;
    });
    const desired = preferOwners(wanted);
    const prune = steps.flatMap((step, index) => step.pruneScopes?.(inputs[index], config, targets) ?? []);
    const changes = await plan(desired, { project: config.project, region: config.region, adopt: options.adopt, prune, reads });
    if (planOnly) {
      await planOnly.inspect(changes, targets);
      return { results: undefined };
    }
    reporter.plan(changes, { offline: targets.offline, problems, dryRun: options.dryRun });
    if (writes.length > 0) {
      const when = options.dryRun ? 'not written: this is a dry run' : 'written when the plan is applied';
      reporter.info(`${file} keeps (${when}):\n${writes.map((w) => `  ${w.key}: ${formatValue(w.value)}`).join('\n')}`);
    }

    const collectOutputs = (results: ResourceResult[] | undefined) => {
      const notes: string[] = [];
      const actions: string[] = [];
      const outputs: Record<string, unknown> = {};
      steps.forEach((step, index) => {
        const out = step.outputs?.(inputs[index], config, targets, results, changes);
        if (!out) return;
        notes.push(...out.notes);
        actions.push(...(out.actions ?? []));
        outputs[step.name] = out.data;
      });
      return { notes, actions, outputs };
    };
    const base = { command, dryRun: options.dryRun, offline: targets.offline, changes, problems };

    if (options.dryRun) {
      reporter.done({ ...base, ...collectOutputs(undefined) });
      return { results: undefined };
    }
    const blocked = changes.filter((change) => change.blocked);
    if (blocked.length > 0) {
      throw new MtpipeError('blocked', `${blocked.length} change(s) cannot be made:\n${blocked.map((c) => `  - ${c.desired.kind.name(c.desired.spec)}: ${c.blocked}`).join('\n')}`, {
        exitCode: 2,
        hint: 'nothing was written; see the plan above',
      });
    }
    const pending = changes.filter((change) => change.action !== 'noop').length;
    if (pending > 0 && session.prompter.interactive) {
      const go = await session.prompter.confirm(applyQuestion(changes, config));
      if (!go) throw new AbortedError('nothing was changed');
    }
    if (writes.length > 0) {
      await saveConfigValues(file, writes, session.loaded.raw);
      reporter.info(`wrote ${writes.map((w) => w.key).join(', ')} to ${file}`);
    }
    const results = await apply(changes, { concurrency: options.concurrency, project: config.project, region: config.region, adopt: options.adopt, onProgress: (event) => reporter.progress(event, labels.get(event.change.desired.id)) });
    for (const target of [targets.shared, ...targets.environments]) forgetRunReads(target);
    const failed = results.filter((result) => result.status === 'failed');
    const error =
      failed.length > 0
        ? new MtpipeError('apply_failed', `${failed.length} of ${results.length} resources failed:\n${failed.map((r) => `  - ${labels.has(r.id) ? `${labels.get(r.id)}: ` : ''}${r.error}`).join('\n')}`, {
            hint: 'fix the cause and run the same command again: what succeeded is kept and not repeated',
          })
        : undefined;
    const after = !error && runOptions.afterApply ? await runOptions.afterApply(targets, stillHolds(runOptions.readAhead, await ahead, changes, results)) : undefined;
    const collected = collectOutputs(results);
    const failure = error ?? after?.error;
    // --json: the failure is part of the one document
    reporter.done({
      ...base,
      results,
      ...collected,
      outputs: { ...collected.outputs, ...after?.data },
      ...(failure ? { error: { code: failure.code, message: failure.message, hint: failure.hint } } : {}),
    });
    if (after) reporter.print(after.lines);
    if (failure) throw options.json ? printedInJson(failure) : failure;
    return { results };
  } finally {
    targets.shared.clients.destroy();
    for (const env of targets.environments) env.clients.destroy();
  }
}

/** The read-ahead answer if it still holds after the apply (see ReadAheadHook), else undefined. */
function stillHolds(hook: ReadAheadHook | undefined, answer: unknown, changes: Change[], results: ResourceResult[]): unknown {
  if (!hook || answer === undefined) return undefined;
  const wrote = new Set(results.filter((result) => result.status !== 'unchanged').map((result) => result.id));
  const written = changes.filter((change) => wrote.has(change.desired.id));
  const holds = hook.holds ? hook.holds(answer, written) : written.length === 0;
  return holds ? answer : undefined;
}
