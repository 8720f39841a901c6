import { connect, resolveTargets, type Targets } from '../aws/targets.js';
import { ConfigDraft } from '../config/draft.js';
import type { Config } from '../config/schema.js';
import { apply } from '../engine/apply.js';
import { preferOwners } from '../engine/graph.js';
import { readCurrent } from '../engine/plan.js';
import type { Change, ResourceResult } from '../engine/types.js';
import { AbortedError, MtpipeError, printedInJson, UserInputError } from '../errors.js';
import { NonInteractivePrompter } from '../ui/prompter.js';
import { BOOTSTRAP_STEPS } from './bootstrap.js';
import { applyQuestion } from './confirmation.js';
import { batchParameters, DATA_KINDS, planDestroy, type DestroyPlan, type Kept } from './destroy-plan.js';
import type { Session } from './session.js';
import { sdkServicesOf, type Step } from './step.js';

/** The parsed flags of `mtpipe destroy` (declared in commands/flags.ts). */
export interface DestroyFlags {
  includeData?: boolean;
}

export interface DestroyResult {
  deleted: ResourceResult[];
  kept: Kept[];
}

/**
 * Refuses, before any AWS call, a destroy nobody confirmed: a non-interactive run (CI=true, no
 * terminal) deletes only with --yes, and deletes data only with --yes --include-data. `--env` is
 * refused: most of what mtpipe owns serves every environment. Throws UserInputError (exit 2).
 */
export function validateDestroy(session: Pick<Session, 'options' | 'prompter'>): void {
  const { options, prompter } = session;
  if (options.env !== undefined) {
    throw new UserInputError(['--env: destroy deletes what the whole project owns; the pipeline, builds and roles serve every environment'], {
      hint: 'run mtpipe destroy without --env',
    });
  }
  if (!prompter.interactive && !options.yes && !options.dryRun) {
    throw new UserInputError(['destroy in a non-interactive run (CI=true or no terminal) needs --yes: nobody can confirm the deletions'], {
      hint: 'add --yes (and --include-data to delete the repository, buckets and images too), or run it on a terminal; --dry-run shows what it would delete',
    });
  }
}

/**
 * Deletes what mtpipe owns for the project (see planDestroy), after showing the plan and confirming:
 * y/N on a terminal, the project name typed when data is deleted; --yes confirms a non-interactive run.
 * A dry run shows the plan only. Returns what was deleted and what was kept; throws MtpipeError when a
 * deletion failed (what succeeded stays deleted: the next run finishes the rest).
 */
export async function destroy(session: Session, flags: DestroyFlags): Promise<DestroyResult> {
  validateDestroy(session);
  const { reporter, options } = session;
  const includeData = Boolean(flags.includeData);
  // what to delete comes from mtpipe.yaml and its defaults: nothing is asked, no token is needed
  const quiet = new NonInteractivePrompter();
  const draft = new ConfigDraft(session.loaded, quiet);
  const config = draft.config;
  const steps: Step<unknown>[] = BOOTSTRAP_STEPS;
  const connection = await connect(config.region, session.aws, { dryRun: options.dryRun, preload: sdkServicesOf(steps, config) });
  let targets: Targets | undefined;
  try {
    targets = await resolveTargets(config, session.envNames(), session.aws, { dryRun: options.dryRun }, connection);
    if (targets.offline) {
      throw new MtpipeError('no_credentials', 'destroy needs AWS credentials: without them there is nothing to read, so nothing to delete', { exitCode: 2 });
    }
    reporter.info(`reading what project ${config.project} owns (${session.envNames().join(', ')})…`);
    const inputs: unknown[] = [];
    const resolved = new Map<string, Promise<unknown>>();
    const once = <T>(key: string, resolve: () => Promise<T>): Promise<T> => {
      if (!resolved.has(key)) resolved.set(key, resolve());
      return resolved.get(key) as Promise<T>;
    };
    for (const step of steps) {
      inputs.push(await step.resolve({ draft, prompter: quiet, flags: {}, once, dryRun: true, targets, read: readCurrent }));
    }
    // what the steps read before they plan (setup-monitoring: the deployed solution) decides what they own
    const prepared = await Promise.all(steps.map((step, index) => step.prepare?.(inputs[index], { config, targets: targets!, dryRun: true }) ?? inputs[index]));
    inputs.splice(0, inputs.length, ...prepared);
    const desired = preferOwners(steps.flatMap((step, index) => step.desired(inputs[index], config, targets!)));
    const prune = steps.flatMap((step, index) => step.pruneScopes?.(inputs[index], config, targets!) ?? []);
    const destroyPlan = await planDestroy(desired, prune, { project: config.project, region: config.region, includeData, concurrency: options.concurrency });
    return await carryOut(session, destroyPlan, config, includeData, targets.offline);
  } finally {
    connection.sharedClients.destroy();
    if (targets) for (const env of targets.environments) env.clients.destroy();
  }
}

async function carryOut(session: Session, destroyPlan: DestroyPlan, config: Config, includeData: boolean, offline: boolean): Promise<DestroyResult> {
  const { reporter, options } = session;
  const { deletions, kept } = destroyPlan;
  const base = { command: 'destroy', dryRun: options.dryRun, offline, changes: deletions, problems: [] };
  const keptLines = kept.map((k) => `kept ${k.kind} ${k.name}${k.env === 'shared' ? '' : ` (${k.env})`}: ${k.detail}`);
  const outputs = (deleted: ResourceResult[]) => ({ destroy: { deleted: deleted.filter((r) => r.status === 'deleted'), kept } });
  if (deletions.length === 0) {
    reporter.done({ ...base, results: [], outputs: outputs([]), notes: [], summary: [`Nothing to delete for project ${config.project}.`, ...keptLines] });
    return { deleted: [], kept };
  }
  reporter.plan(deletions, { offline, dryRun: options.dryRun });
  if (options.dryRun) {
    reporter.done({ ...base, outputs: outputs([]), notes: [], summary: keptLines });
    return { deleted: [], kept };
  }
  if (session.prompter.interactive) {
    // what stays is worth knowing before answering (the results list it again)
    if (kept.length > 0) reporter.info(`not deleted: ${kept.map((k) => `${k.kind} ${k.name} (${k.detail})`).join('; ')}`);
    await confirmDestroy(session, deletions, config, includeData);
  }

  const { changes, expand } = batchParameters(deletions);
  const rules = { project: config.project, region: config.region, adopt: false };
  const results = expand(await apply(changes, { concurrency: options.concurrency, ...rules, onProgress: (event) => reporter.progress(event) }));
  const failed = results.filter((result) => result.status === 'failed');
  const error =
    failed.length > 0
      ? new MtpipeError('apply_failed', `${failed.length} of ${results.length} deletions failed:\n${failed.map((r) => `  - ${r.error}`).join('\n')}`, {
          hint: 'fix the cause and run mtpipe destroy again: what was deleted stays deleted, the rest is tried again',
        })
      : undefined;
  const scheduled = results.filter((result) => result.note).map((result) => `${result.kind} ${result.name}: ${result.note}`);
  reporter.done({
    ...base,
    results,
    outputs: outputs(results),
    notes: [],
    summary: [...scheduled, ...keptLines],
    ...(error ? { error: { code: error.code, message: error.message, hint: error.hint } } : {}),
  });
  if (error) throw options.json ? printedInJson(error) : error;
  return { deleted: results, kept };
}

/**
 * On a terminal: y/N (default No), naming deletions in protected environments like every plan; when
 * data is among the deletions, the project name must be typed instead. Throws AbortedError otherwise.
 */
export async function confirmDestroy(session: Pick<Session, 'prompter'>, deletions: Change[], config: Config, includeData: boolean): Promise<void> {
  const data = deletions.filter((change) => DATA_KINDS.has(change.desired.kind.kind));
  if (includeData && data.length > 0) {
    const names = data.map((change) => change.desired.kind.name(change.desired.spec)).join(', ');
    const typed = await session.prompter.text({
      name: 'confirmProject',
      message: `This deletes data for good (${names}) and ${deletions.length - data.length} other resources. Type the project name (${config.project}) to confirm`,
      source: { what: 'the project name, to confirm' },
    });
    if (typed.trim() !== config.project) throw new AbortedError(`"${typed}" is not the project name ${config.project}: nothing was deleted`);
    return;
  }
  const question = applyQuestion(deletions, config);
  const go = await session.prompter.confirm({ ...question, name: 'destroy', message: question.message.replace(/Apply\?$/, 'Delete?'), default: false });
  if (!go) throw new AbortedError('nothing was deleted');
}
