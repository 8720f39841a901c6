import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createRequire } from 'node:module';
import { refuseSecretsInArguments, withoutOptionValues } from './config/argv-secrets.js';
import { isPrintedInJson, MtpipeError, printedInJson } from './errors.js';
import type { GlobalOptions } from './commands/session.js';
import { DESTROY_OPTIONS, type DestroyFlags } from './commands/destroy-options.js';

// Only commander, errors.ts and config/argv-secrets.ts load at start-up: `mtpipe --help` must not pay for the AWS SDK.

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

type StepCommand = 'init-repo' | 'set-params' | 'setup-security' | 'create-builds' | 'create-deploy' | 'create-pipeline' | 'bootstrap';

/** Runs provisioning steps: the command's own flags become config overrides named by their flag. */
async function runProvisioning(command: Command, name: StepCommand): Promise<void> {
  const options = globalOptions(command);
  const flags = command.opts();
  const [{ openSession }, { runSteps }] = await Promise.all([import('./commands/session.js'), import('./commands/runner.js')]);
  const { steps, flagKeys } = await loadSteps(name);
  const overrides: Record<string, unknown> = {};
  for (const [key, flag] of Object.entries(flagKeys)) {
    const value = flags[camel(flag)];
    if (value !== undefined) overrides[key] = value;
  }
  const session = await openSession(options, { overrides, flagFor: (key) => flagKeys[key] });
  try {
    await runSteps(name, steps, session, flags);
  } finally {
    session.reporter.close();
  }
}

// Each command's module is loaded only when that command runs.
async function loadSteps(name: StepCommand) {
  switch (name) {
    case 'init-repo': {
      const { initRepo, INIT_REPO_FLAGS } = await import('./commands/init-repo.js');
      return { steps: [initRepo], flagKeys: INIT_REPO_FLAGS };
    }
    case 'set-params': {
      const { setParams } = await import('./commands/set-params.js');
      return { steps: [setParams], flagKeys: {} };
    }
    case 'setup-security': {
      const { setupSecurity } = await import('./commands/setup-security.js');
      return { steps: [setupSecurity], flagKeys: {} };
    }
    case 'create-builds': {
      const { createBuilds, CREATE_BUILDS_FLAGS } = await import('./commands/create-builds.js');
      const { qeImage } = await import('./commands/qe-image.js');
      return { steps: [createBuilds, qeImage], flagKeys: CREATE_BUILDS_FLAGS };
    }
    case 'create-deploy': {
      const { createDeploy } = await import('./commands/create-deploy.js');
      const { solutionBuckets } = await import('./commands/solution-buckets.js');
      return { steps: [createDeploy, solutionBuckets], flagKeys: {} };
    }
    case 'create-pipeline': {
      const { createPipeline } = await import('./commands/create-pipeline.js');
      return { steps: [createPipeline], flagKeys: {} };
    }
    case 'bootstrap': {
      const { BOOTSTRAP_STEPS, BOOTSTRAP_FLAGS } = await import('./commands/bootstrap.js');
      return { steps: BOOTSTRAP_STEPS, flagKeys: BOOTSTRAP_FLAGS };
    }
  }
}

function camel(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
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

  program
    .command('init-repo')
    .description('CodeCommit repository, protection of the main branch (approval rule template, deny-push policy), developers group')
    .option('--repository-name <name>', 'repository name (repository.name)')
    .option('--description <text>', 'repository description (repository.description)')
    .option('--approvals <n>', 'approvals needed to merge into main (repository.approvals)', Number)
    .option('--save', 'write the values of these flags to mtpipe.yaml when the plan is applied')
    .action((_flags, command: Command) => runProvisioning(command, 'init-repo'));

  program
    .command('set-params')
    .description('SSM parameters /<project>/<env>/<name> for every environment; hugging_face_token as SecureString')
    .option('--hf-token-stdin', 'read the Hugging Face token from standard input (or set HF_TOKEN)')
    .action((_flags, command: Command) => runProvisioning(command, 'set-params'));

  program
    .command('setup-security')
    .description('least-privilege IAM roles for the pipeline, each build, CodeDeploy and EventBridge; the token secret')
    .option('--hf-token-stdin', 'read the Hugging Face token from standard input (or set HF_TOKEN)')
    .action((_flags, command: Command) => runProvisioning(command, 'setup-security'));

  program
    .command('create-builds')
    .description('artifact bucket, log groups and CodeBuild projects (build-and-test; cdk-deploy and integration-test per environment), the ECR repository of the quality-estimation image')
    .option('--artifact-bucket <name>', 'artifact bucket name (builds.artifactBucket)')
    .option('--save', 'write the values of these flags to mtpipe.yaml when the plan is applied')
    .action((_flags, command: Command) => runProvisioning(command, 'create-builds'));

  program
    .command('create-deploy')
    .description("CodeDeploy application and one deployment group per environment, with alarm-based rollback; the solution's input and output buckets")
    .action((_flags, command: Command) => runProvisioning(command, 'create-deploy'));

  program
    .command('create-pipeline')
    .description('CodePipeline V2 (Source → BuildAndTest → per environment [Approve] → Deploy → Test), push trigger, approval and failure topics')
    .action((_flags, command: Command) => runProvisioning(command, 'create-pipeline'));

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

  program
    .command('bootstrap')
    .description('run every step in order: init-repo, setup-security, set-params, create-builds, create-deploy, create-pipeline')
    .option('--repository-name <name>', 'repository name (repository.name)')
    .option('--description <text>', 'repository description (repository.description)')
    .option('--approvals <n>', 'approvals needed to merge into main (repository.approvals)', Number)
    .option('--artifact-bucket <name>', 'artifact bucket name (builds.artifactBucket)')
    .option('--hf-token-stdin', 'read the Hugging Face token from standard input (or set HF_TOKEN)')
    .option('--save', 'write the values of these flags to mtpipe.yaml when the plan is applied')
    .action((_flags, command: Command) => runProvisioning(command, 'bootstrap'));

  const destroyCommand = program
    .command('destroy')
    .description("delete what mtpipe owns for this project, in reverse dependency order (data kept unless --include-data; the solution's stacks never)");
  for (const option of DESTROY_OPTIONS) destroyCommand.option(option.flags, option.description);
  destroyCommand.action(async (flags: DestroyFlags, command: Command) => {
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
