import { detectStackDrift, type DetectOptions, type StackDriftReport } from '../aws/cloudformation-drift.js';
import type { Targets } from '../aws/targets.js';
import type { Change } from '../engine/types.js';
import { AwsError, DifferencesError, MtpipeError, printedInJson } from '../errors.js';
import { colorsFor, diffForJson, formatPlan } from '../ui/format.js';
import { BOOTSTRAP_STEPS } from './bootstrap.js';
import { runSteps } from './runner.js';
import { NonInteractivePrompter } from '../ui/prompter.js';
import { openSession, type GlobalOptions, type Session } from './session.js';

/** The flags of `mtpipe drift` (src/cli.ts builds the command line from them). */
export interface DriftRequest {
  /** --stacks */
  stacks: boolean;
}

/** One resource of the bootstrap plan that differs from the configuration. */
export interface Difference {
  id: string;
  kind: string;
  name: string;
  env: string;
  action: Change['action'];
  diffs: Record<string, unknown>[];
  unmanaged?: boolean;
  blocked?: string;
}

export interface StackDrift extends StackDriftReport {
  env: string;
}

export interface DriftResult {
  command: 'drift';
  inSync: boolean;
  differences: Difference[];
  /** resources of the plan that match the configuration */
  unchanged: number;
  /** --stacks: one report per environment and stack */
  stacks?: StackDrift[];
}

/** What differs: every change of the plan that is not a read of another's resource (a solution stack). */
export function differencesOf(changes: Change[]): Change[] {
  return changes.filter((change) => !change.desired.kind.isReference && (change.action !== 'noop' || change.blocked !== undefined));
}

/**
 * The plan of bootstrap (every step of BOOTSTRAP_STEPS) against AWS, read-only: nothing is asked and
 * nothing is written, not even mtpipe.yaml. `session` must have a non-interactive prompter. With
 * `stacks`, CloudFormation drift detection of `solution.stacks` in each environment. The caller turns the
 * result into the exit code (driftOutcome). Throws like the plan does (AwsError, UserInputError).
 */
export async function drift(session: Session, request: DriftRequest, options: DetectOptions = {}): Promise<{ result: DriftResult; changes: Change[] }> {
  if (session.prompter.interactive) throw new MtpipeError('internal', 'internal: drift never prompts; open its session with a non-interactive prompter');
  let changes: Change[] = [];
  let stacks: StackDrift[] | undefined;
  await runSteps('drift', BOOTSTRAP_STEPS, session, {}, {
    planOnly: {
      inspect: async (planned, targets) => {
        changes = planned;
        if (request.stacks) stacks = await detectSolutionStacks(session.draft.config.solution.stacks, targets, options);
      },
    },
  });
  const differing = differencesOf(changes);
  const result: DriftResult = {
    command: 'drift',
    inSync: differing.length === 0 && !(stacks ?? []).some((s) => s.status === 'DRIFTED'),
    differences: differing.map(toDifference),
    unchanged: changes.filter((change) => !change.desired.kind.isReference).length - differing.length,
    ...(stacks ? { stacks } : {}),
  };
  return { result, changes: differing };
}

async function detectSolutionStacks(names: string[], targets: Targets, options: DetectOptions): Promise<StackDrift[]> {
  const runs = targets.environments.flatMap((target) =>
    names.map(async (stack): Promise<StackDrift> => {
      try {
        return { env: target.name, ...(await detectStackDrift(target, stack, options)) };
      } catch (error) {
        // the first line: SDK messages may go on with advice about their own internals
        const reason = new AwsError(`detecting drift of stack ${stack}`, error).message.split('\n')[0];
        return { env: target.name, stack, status: 'FAILED', reason, resources: [] };
      }
    }),
  );
  return Promise.all(runs);
}

function toDifference(change: Change): Difference {
  const { desired } = change;
  return {
    id: desired.id,
    kind: desired.kind.kind,
    name: desired.kind.name(desired.spec),
    env: desired.target.name,
    action: change.action,
    diffs: change.diffs.map(diffForJson),
    ...(change.unmanaged ? { unmanaged: true } : {}),
    ...(change.blocked ? { blocked: change.blocked } : {}),
  };
}

/**
 * The error the run ends with: DifferencesError (exit 3) when anything differs or a stack drifted; an
 * MtpipeError (exit 1) when only a stack's detection failed; undefined in sync.
 */
export function driftOutcome(result: DriftResult): MtpipeError | undefined {
  const drifted = (result.stacks ?? []).filter((s) => s.status === 'DRIFTED');
  const failed = (result.stacks ?? []).filter((s) => s.status === 'FAILED');
  if (!result.inSync) {
    const parts = [
      ...(result.differences.length > 0 ? [`${result.differences.length} resource(s) differ from the configuration`] : []),
      ...(drifted.length > 0 ? [`${drifted.length} stack(s) drifted (${drifted.map((s) => `${s.stack} in ${s.env}`).join(', ')})`] : []),
    ];
    return new DifferencesError(`drift: ${parts.join('; ')}`, result.differences.length > 0 ? 'run `mtpipe bootstrap` to put them back (`mtpipe bootstrap --dry-run` shows the same plan)' : 'see the stack drift above; redeploy the solution (its pipeline) to put it back');
  }
  if (failed.length > 0) {
    return new MtpipeError('drift_detection_failed', `drift detection failed for ${failed.map((s) => `${s.stack} in ${s.env}: ${s.reason ?? ''}`).join('; ')}`, {
      hint: 'run `mtpipe drift --stacks` again; CloudFormation allows one detection per stack at a time',
    });
  }
  return undefined;
}

/** The human report: the plan's differences as `bootstrap --dry-run` shows them, then the stacks. */
export function formatDrift(result: DriftResult, changes: Change[], stdout: NodeJS.WriteStream, color: boolean): string[] {
  const c = colorsFor(stdout, color);
  const lines: string[] =
    result.differences.length === 0
      ? [`In sync — ${result.unchanged} resource${result.unchanged === 1 ? '' : 's'} match the configuration.`]
      : formatPlan(changes, c, { offline: false }).slice(0, -1).concat(`Drift: ${result.differences.length} difference${result.differences.length === 1 ? '' : 's'}, ${result.unchanged} resources in sync.`);
  for (const stack of result.stacks ?? []) {
    const head = `stack ${stack.stack} (${stack.env}): ${stack.status}`;
    if (stack.status === 'DRIFTED') lines.push(c.yellow(head));
    else if (stack.status === 'FAILED') lines.push(c.red(`${head}: ${stack.reason ?? ''}`));
    else lines.push(stack.status === 'NOT_DEPLOYED' ? `${head} (nothing to check yet)` : head);
    for (const resource of stack.resources) {
      lines.push(`  ${resource.status} ${resource.logicalId} (${resource.type}${resource.physicalId ? ` ${resource.physicalId}` : ''})`);
      for (const d of resource.differences) lines.push(`      ${d.path}: ${d.expected ?? '(none)'} → ${d.actual ?? '(none)'}`);
    }
  }
  return lines;
}

/**
 * `mtpipe drift` as the command line runs it: never asks (a scheduled job), prints the report or the
 * --json document on stdout, and throws the outcome (driftOutcome) for src/cli.ts to turn into the exit code.
 */
export async function driftCommand(options: GlobalOptions, request: DriftRequest): Promise<void> {
  const session = await openSession(options, { overrides: {}, flagFor: () => undefined }, { prompter: new NonInteractivePrompter() });
  try {
    const { result, changes } = await drift(session, request);
    session.reporter.close();
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatDrift(result, changes, process.stdout, options.color).join('\n')}\n`);
    const outcome = driftOutcome(result);
    if (outcome) throw options.json ? printedInJson(outcome) : outcome;
  } finally {
    session.reporter.close();
  }
}
