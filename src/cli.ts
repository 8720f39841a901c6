import { Command, CommanderError, Option } from 'commander';
import { createRequire } from 'node:module';
import { refuseSecretsInArguments, withoutOptionValues } from './config/argv-secrets.js';
import { isPrintedInJson, MtpipeError } from './errors.js';
import { addCommands, addDestroyCommand, globalOptions } from './cli-commands.js';
import { addFlags, BOOTSTRAP_FLAGS, configKeysOf, mergedFlags, positiveInt, PUSH_FLAGS, STEP_COMMANDS, type FlagDeclaration, type StepCommandName } from './commands/flags.js';

// Only commander, errors.ts, config/argv-secrets.ts, commands/flags.ts and cli-commands.ts load at start-up: `mtpipe --help` must not pay for the AWS SDK.


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
    .addOption(new Option('--concurrency <n>', 'resources written at once per AWS service (SSM at most 4)').argParser(positiveInt).default(8))
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

  addCommands(program);

  stepCommand(
    program,
    'bootstrap',
    'the seed\'s eight steps in order: 1 security, repository and push, 2 parameters, 3 builds, 4 deploy, 5 pipeline, 6 monitoring (one plan, confirmed once), 7 a test commit watched through the pipeline, 8 verify',
    mergedFlags([...Object.values(STEP_COMMANDS).map((step) => step.flags), PUSH_FLAGS, BOOTSTRAP_FLAGS]),
  );

  addDestroyCommand(program);

  return program;
}

/** The one place that prints errors and decides the exit code. */
export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  // A reader that stops early (`mtpipe bootstrap --yes | head`) must not end a run halfway through its
  // writes: the rest of the report is dropped, the run goes on, and its exit code stays its own.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
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
