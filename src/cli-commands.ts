/**
 * The commands that are not provisioning steps (render, push, release, drift, verify, run, watch,
 * approve, destroy) and what their actions share. Loaded at start-up with cli.ts: each command's own
 * module (and the AWS SDK) is imported only when that command runs.
 */
import { Option, type Command } from 'commander';
import { printedInJson } from './errors.js';
import { addFlags, APPROVE_FLAGS, DESTROY_FLAGS, DRIFT_FLAGS, PUSH_FLAGS, RUN_FLAGS, WATCH_FLAGS, positiveInt } from './commands/flags.js';
import type { GlobalOptions, Session } from './commands/session.js';

/** The global options as the command line gave them. */
export function globalOptions(command: Command): GlobalOptions {
  const o = command.optsWithGlobals();
  return {
    config: o.config as string | undefined,
    env: o.env as string | undefined,
    region: o.region as string | undefined,
    profile: o.profile as string | undefined,
    endpointUrl: o.endpointUrl as string | undefined,
    yes: Boolean(o.yes),
    dryRun: Boolean(o.dryRun),
    json: Boolean(o.json),
    debug: Boolean(o.debug),
    color: o.color !== false,
    adopt: Boolean(o.adopt),
    concurrency: (o.concurrency as number | undefined) ?? 8,
    verbose: Boolean(o.verbose),
  };
}

/** Opens a session (no config-setting flags), runs `work`, and always stops the reporter's spinners. */
async function withSession<T>(command: Command, work: (session: Session, options: GlobalOptions) => Promise<T>): Promise<T> {
  const options = globalOptions(command);
  const { openSession } = await import('./commands/session.js');
  const session = await openSession(options, { overrides: {}, flagFor: () => undefined });
  try {
    return await work(session, options);
  } finally {
    session.reporter.close();
  }
}

/** A result on stdout: the document with --json, the lines otherwise. */
function printResult(options: GlobalOptions, document: unknown, lines: string[]): void {
  process.stdout.write(options.json ? `${JSON.stringify(document, null, 2)}\n` : `${lines.join('\n')}\n`);
}

/** Runs `work` with a signal that Ctrl-C (SIGINT) aborts: the command then ends through the error handler (AbortedError, 130). */
async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', abort);
  }
}

/** The end of a watched execution on stdout (--json: the final state); not Succeeded: exit 1. */
async function printWatched(result: import('./commands/watch.js').WatchResult, options: GlobalOptions): Promise<void> {
  const { outcomeError, watchJson, watchSummary } = await import('./commands/watch.js');
  printResult(options, watchJson(result), [watchSummary(result)]);
  const error = outcomeError(result);
  if (error) throw options.json ? printedInJson(error) : error;
}

const interval = (flags: { interval?: number }) => (flags.interval ? { intervalSeconds: flags.interval } : {});

/** Adds render, push, release, drift, verify, run, watch, approve and destroy to the program. */
export function addCommands(program: Command): void {
  program
    .command('render')
    .description('write buildspec.yml, buildspec-deploy.yml, buildspec-test.yml and appspec.yml into the solution repository')
    .option('--out <dir>', 'directory to write to (default: the current directory)')
    .option('--force', 'overwrite existing files')
    .action((flags: { out?: string; force?: boolean }, command: Command) =>
      withSession(command, async (session, options) => {
        const { render } = await import('./commands/render.js');
        const result = await render(session, { ...(flags.out ? { outDir: flags.out } : {}), force: Boolean(flags.force) });
        printResult(options, result, result.files.map((file) => `${result.dryRun ? 'would write' : file.overwritten ? 'overwrote' : 'wrote'} ${file.path}`));
      }),
    );

  const push = program.command('push').description("commit the solution's files (less the ignored ones) and what render writes to the CodeCommit branch, through the API");
  addFlags(push, PUSH_FLAGS);
  push.action((flags: import('./commands/push.js').PushRequest, command: Command) =>
    withSession(command, async (session, options) => {
      const { push: pushFiles, pushNotes } = await import('./commands/push.js');
      const result = await pushFiles(session, flags);
      printResult(options, result, pushNotes(result));
    }),
  );

  program
    .command('release <function>')
    .description('publish a version of a Lambda function and shift its "live" alias to it through CodeDeploy')
    .addOption(new Option('--timeout <minutes>', 'how long to follow the deployment (default: its shift time + 15)').argParser(positiveInt))
    .action((fn: string, flags: { timeout?: number }, command: Command) =>
      withSession(command, async (session, options) => {
        const { release, releaseNotes, ReleaseFailedError } = await import('./commands/release.js');
        try {
          const result = await release(session, { function: fn, ...(flags.timeout ? { timeoutMinutes: flags.timeout } : {}) });
          printResult(options, result, releaseNotes(result));
        } catch (error) {
          // the failure (with its rollback) is the error message; --json still gets the result document
          if (error instanceof ReleaseFailedError && options.json) {
            printResult(options, error.result, []);
            throw printedInJson(error);
          }
          throw error;
        }
      }),
    );

  const drift = program.command('drift').description("compare AWS with the configuration (bootstrap's plan), read-only: exit 0 in sync, 3 when anything differs");
  addFlags(drift, DRIFT_FLAGS);
  drift.action(async (flags: { stacks?: boolean }, command: Command) => {
    const { driftCommand } = await import('./commands/drift.js');
    await driftCommand(globalOptions(command), { stacks: Boolean(flags.stacks) });
  });

  program
    .command('verify')
    .description('check, read-only, that what bootstrap set up is there and working: a table per environment; exit 1 when a check failed')
    .action(async (_flags, command: Command) => {
      const { verifyCommand } = await import('./commands/verify.js');
      await verifyCommand(globalOptions(command));
    });

  const run = program.command('run').description('start the pipeline (with --env for per-environment pipelines), print the execution id and watch it');
  addFlags(run, RUN_FLAGS);
  run.action((flags: { watch: boolean; interval?: number }, command: Command) =>
    withSession(command, async (session, options) => {
      const { run: start } = await import('./commands/run.js');
      const result = await untilInterrupted((signal) => start(session, { watch: flags.watch, ...interval(flags) }, { signal }));
      if (result.watched) return printWatched(result.watched, options);
      const document = { pipeline: result.pipeline, dryRun: result.dryRun, ...(result.executionId ? { executionId: result.executionId } : {}) };
      printResult(options, document, [result.executionId ?? `Dry run: would start pipeline ${result.pipeline}`]);
    }),
  );

  const watch = program.command('watch [execution]').description('follow a pipeline execution live (default: the latest): stages, actions, build links, the log of a failed build');
  addFlags(watch, WATCH_FLAGS);
  watch.action((execution: string | undefined, flags: { interval?: number }, command: Command) =>
    withSession(command, async (session, options) => {
      const { watch: follow } = await import('./commands/watch.js');
      const result = await untilInterrupted((signal) => follow(session, { ...(execution ? { execution } : {}), ...interval(flags) }, { signal }));
      await printWatched(result, options);
    }),
  );

  const approve = program.command('approve <env>').description("answer the pending manual approval of the environment's Approve-<env> stage");
  addFlags(approve, APPROVE_FLAGS);
  approve.action((env: string, flags: { reject?: boolean; comment?: string }, command: Command) =>
    withSession(command, async (session, options) => {
      const { approve: answer, approveNotes } = await import('./commands/approve.js');
      const result = await answer(session, { env, reject: Boolean(flags.reject), ...(flags.comment !== undefined ? { comment: flags.comment } : {}) });
      printResult(options, result, approveNotes(result));
    }),
  );
}

/** Adds destroy (after bootstrap in --help). */
export function addDestroyCommand(program: Command): void {
  const destroy = program
    .command('destroy')
    .description("delete what mtpipe owns for this project, in reverse dependency order (data kept unless --include-data; the solution's stacks never)");
  addFlags(destroy, DESTROY_FLAGS);
  destroy.action((flags: { includeData?: boolean }, command: Command) =>
    withSession(command, async (session) => {
      const { destroy: destroyAll } = await import('./commands/destroy.js');
      await destroyAll(session, flags);
    }),
  );
}
