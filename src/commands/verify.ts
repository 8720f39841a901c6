import { SHARED, type Targets } from '../aws/targets.js';
import { codedeployApplicationName, deploymentGroupName, pipelinesOf } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Change, Target } from '../engine/types.js';
import { MtpipeError, printedInJson } from '../errors.js';
import { colorsFor } from '../ui/format.js';
import { NonInteractivePrompter } from '../ui/prompter.js';
import { BOOTSTRAP_STEPS } from './bootstrap.js';
import { runSteps } from './runner.js';
import { openSession, type GlobalOptions, type Session } from './session.js';
import { alarmCheck } from './verify/alarms.js';
import type { CheckRow } from './verify/check.js';
import { connectionChecks } from './verify/connection.js';
import { deploymentCheck } from './verify/deployments.js';
import { pipelineChecks, smokeTestCheck, type LastExecution } from './verify/pipeline.js';
import { presenceChecks } from './verify/resources.js';
import { stackChecks } from './verify/stacks.js';
import { subscriptionChecks } from './verify/subscriptions.js';
import { formatTables, type VerifyTable } from './verify/table.js';

export const TOOL_ACCOUNT = 'tool account';

export interface VerifyResult {
  command: 'verify';
  /** no check failed (warnings allowed) */
  ok: boolean;
  tables: VerifyTable[];
}

/** Some check failed (exit 1); the tables say which. */
export class VerifyFailedError extends MtpipeError {
  constructor(readonly result: VerifyResult) {
    const failed = result.tables.flatMap((table) => table.rows.filter((row) => row.status === 'failed').map((row) => `${table.name}: ${row.check}`));
    super('verify_failed', `${failed.length} check(s) failed: ${failed.join('; ')}`, { hint: 'see the reasons in the table above' });
  }
}

/**
 * Checks, read-only, that what bootstrap set up is there and working: per environment and for the tool
 * account, a table of checks (see README "verify"). The resources' presence, the topics' subscriptions
 * and the source connection come from bootstrap's own plan; the rest is read per check, each AWS error
 * becoming a failed row. `session` must have a non-interactive prompter. Throws only what the plan
 * throws (bad input, no credentials).
 */
export async function verify(session: Session): Promise<VerifyResult> {
  let tables: VerifyTable[] = [];
  await runSteps('verify', BOOTSTRAP_STEPS, session, {}, {
    planOnly: {
      inspect: async (changes, targets) => {
        tables = await checkAll(session.draft.config, changes, targets);
      },
    },
  });
  return { command: 'verify', ok: tables.every((table) => table.rows.every((row) => row.status !== 'failed')), tables };
}

/**
 * Every check, from the plan (`changes`) and per table: the tool account's, then each environment's.
 * The pipeline's rows go to the tool account (layout single) or to the environment it deploys
 * (per-environment). Never throws: a check's AWS error is its failed row.
 */
export async function checkAll(config: Config, changes: Change[], targets: Targets): Promise<VerifyTable[]> {
  const of = (name: string) => changes.filter((change) => change.desired.target.name === name);
  const pipelines = pipelinesOf(config, targets.environments.map((env) => env.name));
  const lastOf = new Map<string, LastExecution | undefined>();
  const pipelineRows = await Promise.all(
    pipelines.map(async (pipeline) => {
      const { rows, last } = await pipelineChecks(targets.shared, pipeline.name);
      lastOf.set(pipeline.name, last);
      return { pipeline, rows };
    }),
  );
  const perEnvironment = config.pipeline.layout === 'per-environment';
  const shared = of(SHARED);
  const toolRows: CheckRow[] = [
    ...(perEnvironment ? [] : pipelineRows.flatMap((p) => p.rows)),
    ...presenceChecks(shared),
    ...subscriptionChecks(shared),
    ...connectionChecks(shared),
  ];
  const tables: VerifyTable[] = [table(TOOL_ACCOUNT, targets.shared, toolRows)];
  for (const target of targets.environments) {
    const env = target.name;
    const pipeline = pipelineRows.find((p) => p.pipeline.envs.includes(env));
    const [stacks, deployment, alarms, smoke] = await Promise.all([
      stackChecks(target, config.solution.stacks),
      deploymentCheck(target, codedeployApplicationName(config.project), deploymentGroupName(config.project, env)),
      alarmCheck(target, `${config.project}-${env}-`),
      pipeline ? smokeTestCheck(targets.shared, pipeline.pipeline.name, lastOf.get(pipeline.pipeline.name), env) : Promise.resolve([]),
    ]);
    const rows = [...(perEnvironment && pipeline ? pipeline.rows : []), ...stacks, ...deployment, ...alarms, ...smoke, ...presenceChecks(of(env))];
    tables.push(table(env, target, rows));
  }
  return tables;
}

function table(name: string, target: Target, rows: CheckRow[]): VerifyTable {
  return { name, account: target.account, region: target.region, rows };
}

/**
 * `mtpipe verify` as the command line runs it: never asks, prints the tables or the --json document on
 * stdout, and throws VerifyFailedError (exit 1) when a check failed.
 */
export async function verifyCommand(options: GlobalOptions): Promise<void> {
  const session = await openSession(options, { overrides: {}, flagFor: () => undefined }, { prompter: new NonInteractivePrompter() });
  try {
    const result = await verify(session);
    session.reporter.close();
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatTables(result.tables, colorsFor(process.stdout, options.color)).join('\n')}\n`);
    if (!result.ok) throw options.json ? printedInJson(new VerifyFailedError(result)) : new VerifyFailedError(result);
  } finally {
    session.reporter.close();
  }
}
