import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { refuseSecretsInArguments, withoutOptionValues } from './config/argv-secrets.js';
import { isPrintedInJson, MtpipeError, printedInJson } from './errors.js';
import type { GlobalOptions } from './commands/session.js';
import { addFlags, APPROVE_FLAGS, BOOTSTRAP_FLAGS, configKeysOf, DESTROY_FLAGS, DRIFT_FLAGS, mergedFlags, PUSH_FLAGS, RUN_FLAGS, STEP_COMMANDS, WATCH_FLAGS, type FlagDeclaration, type StepCommandName } from './commands/flags.js';

// Only commander, errors.ts, config/argv-secrets.ts, and commands/flags.ts load at start-up: `mtpipe --help` must not pay for the AWS SDK.

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

function globalOptions(command: Command): GlobalOptions {
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

type StepCommand = StepCommandName | 'bootstrap';

/** Runs provisioning steps: the command's own flags become config overrides named by their flag. */
async function runProvisioning(command: Command, name: StepCommand, declared: FlagDeclaration[]): Promise<void> {
  const options = globalOptions(command);
  const flags = command.opts();
  const [{ openSession }, { runSteps }] = await Promise.all([import('./commands/session.js'), import('./commands/runner.js')]);
  const flagKeys = configKeysOf(declared);
  const overrides: Record<string, unknown> = {};
  for (const [key, flag] of Object.entries(flagKeys)) {
    const value = flags[camel(flag)];
    if (value !== undefined) overrides[key] = value;
  }
  const session = await openSession(options, { overrides, flagFor: (key) => flagKeys[key] });
  try {
    if (name === 'bootstrap') {
      const { runBootstrap } = await import('./commands/bootstrap-run.js');
      await runBootstrap(session, flags);
    } else {
      await runSteps(name, await loadSteps(name), session, flags);
    }
  } finally {
    session.reporter.close();
  }
}

// Each command's module is loaded only when that command runs.
async function loadSteps(name: StepCommandName) {
  switch (name) {
    case 'init-repo': {
      const { initRepo } = await import('./commands/init-repo.js');
      return [initRepo];
    }
    case 'set-params': {
      const { setParams } = await import('./commands/set-params.js');
      return [setParams];
    }
    case 'setup-security': {
      const { setupSecurity } = await import('./commands/setup-security.js');
      return [setupSecurity];
    }
    case 'create-builds': {
      const { createBuilds } = await import('./commands/create-builds.js');
      const { qeImage } = await import('./commands/qe-image.js');
      return [createBuilds, qeImage];
    }
    case 'create-deploy': {
      const { createDeploy } = await import('./commands/create-deploy.js');
      const { solutionBuckets } = await import('./commands/solution-buckets.js');
      return [createDeploy, solutionBuckets];
    }
    case 'create-pipeline': {
      const { createPipeline } = await import('./commands/create-pipeline.js');
      return [createPipeline];
    }
    case 'setup-monitoring': {
      const { setupMonitoring } = await import('./commands/setup-monitoring.js');
      return [setupMonitoring];
    }
  }
}

function camel(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** A provisioning command whose options are its steps' declared flags (commands/flags.ts). */
function stepCommand(program: Command, name: StepCommand, description: string, flags: FlagDeclaration[]): void {
  const command = program.command(name).description(description);
  addFlags(command, flags);
  command.action((_flags, self: Command) => runProvisioning(self, name, flags));
}

export function buildProgram(): Command {
  const program = new Command('mtpipe')
    .description('Set up, and keep right, the AWS CI/CD system of a machine-translation solution')
    .version((createRequire(import.meta.url)('../package.json') as { version: string }).version)
    .option('--config <file>', 'configuration file (default: ./mtpipe.yaml; built-in defaults when absent)')
    .option('--env <name>', 'act on this environment only (default: all)')
    .option('--region <region>', 'region of the shared resources (overrides mtpipe.yaml)')
    .option('--profile <name>', 'AWS profile (SSO profiles included)')
    .option('--endpoint-url <url>', 'send every AWS call here (an emulator); AWS_ENDPOINT_URL works too')
    .option('-y, --yes', 'non-interactive: take defaults, ask nothing, apply without confirming')
    .option('--dry-run', 'show the plan and change nothing (an offline plan without credentials)')
    .option('--json', 'print one JSON document with every resource and its status')
    .option('--verbose', 'list every resource and note, not only what changed and what needs your action')
    .option('--debug', 'log every AWS call on stderr (secrets redacted) and show error causes')
    .option('--no-color', 'plain output without colours')
    .option('--adopt', 'allow changing existing resources that lack the mtpipe:project tag')
    .addOption(new Option('--concurrency <n>', 'AWS writes in flight at once').argParser(positiveInt).default(8))
    .showHelpAfterError('(run with --help for usage)')
    // subcommands inherit this: an unknown option is named, never echoed with its value
    .configureOutput({ outputError: (text, write) => write(withoutOptionValues(text)) })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();

  program
    .command('init')
    .description('write a commented mtpipe.yaml with the built-in configuration')
    .option('--force', 'overwrite an existing file')
    .action(async (flags: { force?: boolean }, command: Command) => {
      const { writeConfigFile } = await import('./commands/init.js');
      const options = globalOptions(command);
      const written = await writeConfigFile(options.config, Boolean(flags.force));
      process.stdout.write(options.json ? `${JSON.stringify({ command: 'init', wrote: written }, null, 2)}\n` : `wrote ${written}\n`);
    });

  for (const [name, declaration] of Object.entries(STEP_COMMANDS) as [StepCommandName, (typeof STEP_COMMANDS)[StepCommandName]][]) {
    stepCommand(program, name, declaration.description, mergedFlags([declaration.flags]));
  }

  program
    .command('render')
    .description('write buildspec.yml, buildspec-deploy.yml, buildspec-test.yml and appspec.yml into the solution repository')
    .option('--out <dir>', 'directory to write to (default: the current directory)')
    .option('--force', 'overwrite existing files')
    .action(async (flags: { out?: string; force?: boolean }, command: Command) => {
      const options = globalOptions(command);
      const [{ openSession }, { render }] = await Promise.all([import('./commands/session.js'), import('./commands/render.js')]);
      const session = await openSession(options, { overrides: {}, flagFor: () => undefined });
      const result = await render(session, { ...(flags.out ? { outDir: flags.out } : {}), force: Boolean(flags.force) });
      if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else for (const file of result.files) process.stdout.write(`${result.dryRun ? 'would write' : file.overwritten ? 'overwrote' : 'wrote'} ${file.path}\n`);
    });

  const pushCommand = program
    .command('push')
    .description("commit the solution's files (less the ignored ones) and what render writes to the CodeCommit branch, through the API");
  addFlags(pushCommand, PUSH_FLAGS);
  pushCommand.action(async (flags: import('./commands/push.js').PushRequest, command: Command) => {
    const options = globalOptions(command);
    const [{ openSession }, { push, pushNotes }] = await Promise.all([import('./commands/session.js'), import('./commands/push.js')]);
    const session = await openSession(options, { overrides: {}, flagFor: () => undefined });
    try {
      const result = await push(session, flags);
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${pushNotes(result).join('\n')}\n`);
    } finally {
      session.reporter.close();
    }
  });

  program
    .command('release <function>')
    .description('publish a version of a Lambda function and shift its "live" alias to it through CodeDeploy')
    .addOption(new Option('--timeout <minutes>', 'how long to follow the deployment (default: its shift time + 15)').argParser(positiveInt))
    .action(async (fn: string, flags: { timeout?: number }, command: Command) => {
      const options = globalOptions(command);
      const [{ openSession }, { release, releaseNotes, ReleaseFailedError }] = await Promise.all([import('./commands/session.js'), import('./commands/release.js')]);
      const session = await openSession(options, { overrides: {}, flagFor: () => undefined });
      const print = (result: import('./commands/release.js').ReleaseResult) =>
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${releaseNotes(result).join('\n')}\n`);
      try {
        print(await release(session, { function: fn, ...(flags.timeout ? { timeoutMinutes: flags.timeout } : {}) }));
      } catch (error) {
        // the failure (with its rollback) is the error message; --json still gets the result document
        if (error instanceof ReleaseFailedError && options.json) {
          print(error.result);
          throw printedInJson(error);
        }
        throw error;
      } finally {
        session.reporter.close();
      }
    });

  const drift = program
    .command('drift')
    .description("compare AWS with the configuration (bootstrap's plan), read-only: exit 0 in sync, 3 when anything differs");
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

  program
    .command('run')
    .description('start the pipeline (with --env for per-environment pipelines), print the execution id and watch it')
    .action(async (flags: { watch: boolean; interval?: number }, command: Command) => {
      const options = globalOptions(command);
      const [{ openSession }, { run }] = await Promise.all([import('./commands/session.js'), import('./commands/run.js')]);
      const session = await openSession(options, { overrides: {}, flagFor: () => undefined });
      try {
        const result = await untilInterrupted((signal) => run(session, { watch: flags.watch, ...(flags.interval ? { intervalSeconds: flags.interval } : {}) }, { signal }));
        if (result.watched) return await printWatched(result.watched, options.json);
        const document = { pipeline: result.pipeline, dryRun: result.dryRun, ...(result.executionId ? { executionId: result.executionId } : {}) };
        process.stdout.write(options.json ? `${JSON.stringify(document, null, 2)}\n` : `${result.executionId ?? `Dry run: would start pipeline ${result.pipeline}`}\n`);
      } finally {
        session.reporter.close();
      }
    });

  program
    .command('watch [execution]')
    .description('follow a pipeline execution live (default: the latest): stages, actions, build links, the log of a failed build')
    .action(async (execution: string | undefined, flags: { interval?: number }, command: Command) => {
      const options = globalOptions(command);
      const [{ openSession }, { watch }] = await Promise.all([import('./commands/session.js'), import('./commands/watch.js')]);
      const session = await openSession(options, { overrides: {}, flagFor: () => undefined });
      try {
        const result = await untilInterrupted((signal) => watch(session, { ...(execution ? { execution } : {}), ...(flags.interval ? { intervalSeconds: flags.interval } : {}) }, { signal }));
        await printWatched(result, options.json);
      } finally {
        session.reporter.close();
      }
    });

  program
    .command('approve <env>')
    .description("answer the pending manual approval of the environment's Approve-<env> stage")
    .action(async (env: string, flags: { reject?: boolean; comment?: string }, command: Command) => {
      const options = globalOptions(command);
      const [{ openSession }, { approve, approveNotes }] = await Promise.all([import('./commands/session.js'), import('./commands/approve.js')]);
      const session = await openSession(options, { overrides: {}, flagFor: () => undefined });
      try {
        const result = await approve(session, { env, reject: Boolean(flags.reject), ...(flags.comment !== undefined ? { comment: flags.comment } : {}) });
        process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${approveNotes(result).join('\n')}\n`);
      } finally {
        session.reporter.close();
      }
    });

  for (const [name, declared] of [['run', RUN_FLAGS], ['watch', WATCH_FLAGS], ['approve', APPROVE_FLAGS]] as const) {
    addFlags(program.commands.find((c) => c.name() === name)!, declared);
  }

  stepCommand(
    program,
    'bootstrap',
    'the seed\'s eight steps in order: 1 security, repository and push, 2 parameters, 3 builds, 4 deploy, 5 pipeline, 6 monitoring (one plan, confirmed once), 7 a test commit watched through the pipeline, 8 verify',
    mergedFlags([...Object.values(STEP_COMMANDS).map((step) => step.flags), PUSH_FLAGS, BOOTSTRAP_FLAGS]),
  );

  const destroyCommand = program
    .command('destroy')
    .description("delete what mtpipe owns for this project, in reverse dependency order (data kept unless --include-data; the solution's stacks never)");
  addFlags(destroyCommand, DESTROY_FLAGS);
  destroyCommand.action(async (flags: { includeData?: boolean }, command: Command) => {
    const options = globalOptions(command);
    const [{ openSession }, { destroy }] = await Promise.all([import('./commands/session.js'), import('./commands/destroy.js')]);
    const session = await openSession(options, { overrides: {}, flagFor: () => undefined });
    try {
      await destroy(session, flags);
    } finally {
      session.reporter.close();
    }
  });

  return program;
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
async function printWatched(result: import('./commands/watch.js').WatchResult, json: boolean): Promise<void> {
  const { outcomeError, watchJson, watchSummary } = await import('./commands/watch.js');
  process.stdout.write(json ? `${JSON.stringify(watchJson(result), null, 2)}\n` : `${watchSummary(result)}\n`);
  const error = outcomeError(result);
  if (error) throw json ? printedInJson(error) : error;
}

/** The one place that prints errors and decides the exit code. */
export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  try {
    refuseSecretsInArguments(argv.slice(2));
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = await report(error, debug, argv.includes('--json'));
  }
}

/** With --json the error is also the one JSON document on stdout: {"error": {"code", "message", "hint"}}. */
function printJsonError(code: string, message: string, hint: string | undefined): void {
  process.stdout.write(`${JSON.stringify({ error: { code, message, ...(hint ? { hint } : {}) } }, null, 2)}\n`);
}

async function report(error: unknown, debug: boolean, json = false): Promise<number> {
  if (error instanceof CommanderError) {
    // commander has printed its own message already
    const exitCode = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : 2;
    if (json && exitCode !== 0) {
      // option values are left out: an unknown option may carry a secret (--hf-token=...)
      const message = error.message.replace(/^error: /, '').replace(/'(-[^'=\s]+)=[^']*'/g, "'$1'");
      printJsonError('invalid_arguments', message, 'run with --help for usage');
    }
    return exitCode;
  }
  if (json && !isPrintedInJson(error)) {
    if (error instanceof MtpipeError) printJsonError(error.code, error.message, error.hint);
    else printJsonError('unexpected', `unexpected failure: ${(error as Error)?.message ?? String(error)}`, 'run with --debug for details, and please report it');
  }
  const useColor = !process.argv.includes('--no-color') && Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
  const red = (text: string) => (useColor ? `\x1b[31m${text}\x1b[39m` : text);
  if (error instanceof MtpipeError) {
    // declining is the user's choice, not a failure
    process.stderr.write(`${error.code === 'aborted' ? 'aborted:' : red('error:')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    if (debug && error.cause) process.stderr.write(`cause: ${formatCause(error.cause)}\n`);

    return error.exitCode;
  }
  process.stderr.write(`${red('error:')} unexpected failure: ${(error as Error)?.message ?? String(error)}\n`);
  if (debug) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  else process.stderr.write('hint: run with --debug for details, and please report it\n');
  return 1;
}

function formatCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? `${cause.name}: ${cause.message}`;
  return String(cause);
}
