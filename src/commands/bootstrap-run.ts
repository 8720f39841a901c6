/**
 * `mtpipe bootstrap`: the seed's eight steps in order. Steps 1–6 are one plan (every question first,
 * the plan shown and confirmed once, progress labelled "step n of 8"); after it is applied, step 7
 * commits a test change and watches the pipeline run it, and step 8 verifies. Running it again after a
 * failure continues where it stopped: everything before is a no-op, and no second test commit is made.
 */
import type { Targets } from '../aws/targets.js';
import type { Change, Target } from '../engine/types.js';
import { MtpipeError, UserInputError } from '../errors.js';
import { colorsFor } from '../ui/format.js';
import { NonInteractivePrompter } from '../ui/prompter.js';
import { SEED_STEP_NAMES, SEED_STEPS, seedStepLabel, type SeedStep, type SeedStepName } from './bootstrap.js';
import { openToolTarget } from './pipeline-target.js';
import { pipelineTest, pipelineTestNotes, testFailure, testStart, testStartAhead, type TestStart } from './pipeline-test.js';
import { runSteps, type AfterApply } from './runner.js';
import type { Session } from './session.js';
import { verify, VerifyFailedError } from './verify.js';
import { formatTables } from './verify/table.js';

const names = (list: unknown): string[] =>
  (Array.isArray(list) ? (list as string[]) : typeof list === 'string' ? [list] : []).flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);

/** The seed steps --skip and --only leave; throws UserInputError (exit 2) naming an unknown step. */
export function selectSeedSteps(flags: { skip?: unknown; only?: unknown }): SeedStep[] {
  const skip = names(flags.skip);
  const only = names(flags.only);
  const problems = [...skip.map((name) => ['--skip', name]), ...only.map((name) => ['--only', name])]
    .filter(([, name]) => !(SEED_STEP_NAMES as readonly string[]).includes(name!))
    .map(([flag, name]) => `${flag}: "${name}" is not a step of bootstrap; the steps are ${SEED_STEP_NAMES.join(', ')}`);
  if (skip.length > 0 && only.length > 0) problems.push('--skip and --only: give one of them');
  if (problems.length > 0) throw new UserInputError(problems);
  return SEED_STEPS.filter((step) => (only.length > 0 ? only.includes(step.name) : !skip.includes(step.name)));
}

const stepTitle = (name: SeedStepName) => {
  const index = SEED_STEPS.findIndex((step) => step.name === name);
  return `step ${index + 1} of ${SEED_STEPS.length} (${name})`;
};

/** An error of a step, its message prefixed with the step; exit code and hint kept. */
function inStep(name: SeedStepName, error: MtpipeError): MtpipeError {
  return new MtpipeError(error.code, `${stepTitle(name)}: ${error.message}`, { exitCode: error.exitCode, cause: error, ...(error.hint ? { hint: error.hint } : {}) });
}

/** Runs bootstrap's selected steps; throws the first failure, naming its step. */
export async function runBootstrap(session: Session, flags: Record<string, unknown>): Promise<void> {
  const selected = selectSeedSteps(flags);
  const has = (name: SeedStepName) => selected.some((step) => step.name === name);
  const provisioning = selected.flatMap((step) => step.steps);
  // the pipelines and the repository are the tool account's
  const after = (tool: Target, ahead?: TestStart) => afterProvisioning(session, tool, { test: has('test'), verify: has('verify') }, ahead);

  if (session.options.dryRun && (has('test') || has('verify'))) {
    session.reporter.info(
      `after the apply bootstrap ${[has('test') ? `commits a test change and watches the pipeline (${stepTitle('test')})` : '', has('verify') ? `verifies (${stepTitle('verify')})` : ''].filter(Boolean).join(', then ')}: not in a dry run`,
    );
  }
  if (provisioning.length > 0) {
    const hooks = {
      afterApply: (targets: Targets, ahead: unknown) => after(targets.shared, ahead as TestStart | undefined),
      // the branch tip is read with the plan, and again after the apply only if the apply may have moved it
      ...(has('test')
        ? {
            readAhead: {
              read: (targets: Targets) => testStartAhead.read(targets.shared, session.draft.config),
              holds: (answer: unknown, written: Change[]) => testStartAhead.holds(answer as TestStart, written),
            },
          }
        : {}),
    };
    await runSteps('bootstrap', provisioning, session, flags, { label: seedStepLabel, ...(has('test') || has('verify') ? hooks : {}) });
    return;
  }
  if (session.options.dryRun) return;
  // --only test / verify: nothing to plan
  const { target, close } = await openToolTarget(session);
  try {
    const result = await after(target);
    if (session.options.json) process.stdout.write(`${JSON.stringify({ command: 'bootstrap', outputs: result.data }, null, 2)}\n`);
    else session.reporter.print(result.lines);
    if (result.error) throw result.error;
  } finally {
    close();
  }
}

/** Steps 7 and 8, after the provisioning plan is applied. Never throws: the failure is in `error`. */
async function afterProvisioning(session: Session, tool: Target, run: { test: boolean; verify: boolean }, ahead?: TestStart): Promise<AfterApply> {
  const { reporter, options } = session;
  const data: Record<string, unknown> = {};
  const lines: string[] = [];
  try {
    if (run.test) {
      const outcome = await testStep(session, tool, ahead);
      data.test = outcome.data;
      lines.push(...outcome.lines);
      if (outcome.error) return { data, lines, error: inStep('test', outcome.error) };
      // nothing was pushed, so nothing was deployed: verifying would only list what is not there yet
      if (outcome.noCode) {
        if (run.verify) lines.push(`Verify skipped too (${stepTitle('verify')}): nothing is deployed before the code is pushed.`);
        return { data, lines };
      }
    }
    if (run.verify) {
      reporter.info(`${stepTitle('verify')}: checking what was set up…`);
      const result = await verify({ ...session, prompter: new NonInteractivePrompter() });
      data.verify = result;
      lines.push(...formatTables(result.tables, colorsFor(process.stdout, options.color)));
      if (!result.ok) return { data, lines, error: inStep('verify', new VerifyFailedError(result)) };
    }
    return { data, lines };
  } catch (error) {
    const step: SeedStepName = run.test && data.test === undefined ? 'test' : 'verify';
    if (error instanceof MtpipeError) return { data, lines, error: inStep(step, error) };
    throw error;
  }
}

/** Step 7: asks (unless --yes), commits, watches. A run that cannot test says why, with no question. */
async function testStep(session: Session, tool: Target, ahead?: TestStart): Promise<{ data: unknown; lines: string[]; error?: MtpipeError; noCode?: boolean }> {
  const { reporter, draft, options, prompter } = session;
  const config = draft.config;
  const start = ahead ?? (await testStart(tool, config));
  if (!('head' in start)) return { data: start, lines: pipelineTestNotes({ ...start, executions: [] }), ...(start.noCode ? { noCode: true } : {}) };
  const question = `Commit a one-line test change to ${config.repository.name} ${config.repository.branch} and watch the pipeline run it?`;
  const go = options.yes || (prompter.interactive && (await prompter.confirm({ name: 'test', message: question, default: false })));
  if (!go) {
    return {
      data: { skipped: 'not confirmed' },
      lines: [`Test not run (${stepTitle('test')}): it starts a pipeline run only with --yes or your confirmation; run it with mtpipe bootstrap --only test.`],
    };
  }
  reporter.info(`${stepTitle('test')}: a test commit through the pipeline…`);
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  try {
    // non-interactive (CI, --yes) nobody answers an approval here: stop there rather than wait for ever;
    // the tip read above serves unless a question let time pass
    const result = await pipelineTest(tool, config, { signal: controller.signal, stopAtApproval: !prompter.interactive, ...(options.yes ? { head: start.head } : {}) });
    const failure = testFailure(result);
    return {
      data: { ...result, executions: result.executions.map(({ watched: _watched, ...execution }) => execution) },
      lines: pipelineTestNotes(result),
      ...(failure ? { error: failure } : {}),
    };
  } finally {
    process.removeListener('SIGINT', abort);
  }
}
