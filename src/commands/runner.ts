import { refuseSharedAccounts, resolveTargets, sharedAccountProblems } from '../aws/targets.js';
import { apply } from '../engine/apply.js';
import { preferOwners } from '../engine/graph.js';
import { plan } from '../engine/plan.js';
import type { ResourceResult } from '../engine/types.js';
import { AbortedError, MtpipeError, printedInJson } from '../errors.js';
import type { Session } from './session.js';
import type { Step } from './step.js';

export interface RunOutcome {
  results: ResourceResult[] | undefined;
}

/**
 * Validate → ask → plan → confirm → apply, for one step or (bootstrap) several:
 * every question is asked before AWS is read, and the whole plan is shown before anything is written.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runSteps(command: string, steps: Step<any>[], session: Session, flags: Record<string, unknown>): Promise<RunOutcome> {
  const { reporter, options } = session;
  const inputs: unknown[] = [];
  const resolved = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, resolve: () => Promise<T>): Promise<T> => {
    if (!resolved.has(key)) resolved.set(key, resolve());
    return resolved.get(key) as Promise<T>;
  };
  for (const step of steps) inputs.push(await step.resolve({ draft: session.draft, prompter: session.prompter, flags, once }));
  const config = session.draft.config;

  reporter.info(`reading the current state in AWS (${session.envNames().join(", ")})…`);
  const targets = await resolveTargets(config, session.envNames(), session.aws, { dryRun: options.dryRun });
  try {
    // a dry run shows it as a plan problem (the README's first line must still work)
    if (!options.dryRun) refuseSharedAccounts(targets);
    const problems = sharedAccountProblems(targets.accountClashes ?? []);
    const desired = preferOwners(steps.flatMap((step, index) => step.desired(inputs[index], config, targets)));
    const prune = steps.flatMap((step, index) => step.pruneScopes?.(inputs[index], config, targets) ?? []);
    const changes = await plan(desired, { project: config.project, adopt: options.adopt, concurrency: options.concurrency, prune });
    reporter.plan(changes, { offline: targets.offline, problems, dryRun: options.dryRun });

    const collectOutputs = (results: ResourceResult[] | undefined) => {
      const notes: string[] = [];
      const actions: string[] = [];
      const outputs: Record<string, unknown> = {};
      steps.forEach((step, index) => {
        const out = step.outputs?.(inputs[index], config, targets, results);
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
      const go = await session.prompter.confirm({ name: 'apply', message: `Apply these ${pending} change(s)?`, default: true });
      if (!go) throw new AbortedError('nothing was changed');
    }
    const results = await apply(changes, { concurrency: options.concurrency, onProgress: (event) => reporter.progress(event) });
    const failed = results.filter((result) => result.status === 'failed');
    const error =
      failed.length > 0
        ? new MtpipeError('apply_failed', `${failed.length} of ${results.length} resources failed:\n${failed.map((r) => `  - ${r.error}`).join('\n')}`, {
            hint: 'fix the cause and run the same command again: what succeeded is kept and not repeated',
          })
        : undefined;
    // --json: the failure is part of the one document
    reporter.done({ ...base, results, ...collectOutputs(results), ...(error ? { error: { code: error.code, message: error.message, hint: error.hint } } : {}) });
    if (error) throw options.json ? printedInJson(error) : error;
    return { results };
  } finally {
    targets.shared.clients.destroy();
    for (const env of targets.environments) env.clients.destroy();
  }
}
