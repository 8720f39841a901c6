import { InvalidArgumentError, Option, type Command } from 'commander';

/**
 * Every provisioning command's description and flags, declared once. cli.ts builds each command line
 * from this table — a step's own command and `bootstrap` alike — so it must stay light: it is loaded
 * at start-up (no AWS SDK, no step module).
 */

/** One command-line flag. */
export interface FlagDeclaration {
  /** commander syntax: `--repository-name <name>`, `--hf-token-stdin` */
  flags: string;
  description: string;
  /** the mtpipe.yaml key the flag's value overrides; such flags can be kept with --save */
  configKey?: string;
  /** values are numbers (checked by the configuration's rules, which name the flag) */
  numeric?: boolean;
  /** may be given several times; the values are collected in a list */
  repeatable?: boolean;
  /** the value is a number of seconds greater than 0 */
  seconds?: boolean;
}

const repositoryName: FlagDeclaration = { flags: '--repository-name <name>', description: 'repository name (repository.name)', configKey: 'repository.name' };
const repositoryDescription: FlagDeclaration = { flags: '--description <text>', description: 'repository description (repository.description)', configKey: 'repository.description' };
const approvals: FlagDeclaration = { flags: '--approvals <n>', description: 'approvals needed to merge into main (repository.approvals)', configKey: 'repository.approvals', numeric: true };
const artifactBucket: FlagDeclaration = { flags: '--artifact-bucket <name>', description: 'artifact bucket name (builds.artifactBucket)', configKey: 'builds.artifactBucket' };
const hfTokenStdin: FlagDeclaration = { flags: '--hf-token-stdin', description: 'read the Hugging Face token from standard input (or set HF_TOKEN)' };

/** The flag that keeps the configKey flags' values in mtpipe.yaml; added to every command that has one. */
export const SAVE_FLAG: FlagDeclaration = { flags: '--save', description: 'write the values of these flags to mtpipe.yaml when the plan is applied' };

export type StepCommandName = 'init-repo' | 'setup-security' | 'set-params' | 'create-builds' | 'create-deploy' | 'create-pipeline' | 'setup-monitoring';

/** A provisioning command: what it sets up (its --help line) and its own flags. */
export interface StepCommandDeclaration {
  description: string;
  flags: FlagDeclaration[];
}

/** In bootstrap's order. */
export const STEP_COMMANDS: Record<StepCommandName, StepCommandDeclaration> = {
  'init-repo': {
    description: 'CodeCommit repository, protection of the main branch (approval rule template, deny-push policy), developers group',
    flags: [repositoryName, repositoryDescription, approvals],
  },
  'setup-security': {
    description: 'least-privilege IAM roles for the pipeline, each build, CodeDeploy and EventBridge; the token secret',
    flags: [hfTokenStdin],
  },
  'set-params': {
    description: 'SSM parameters /<project>/<env>/<name> for every environment; hugging_face_token as SecureString',
    flags: [hfTokenStdin],
  },
  'create-builds': {
    description:
      'artifact bucket, log groups and CodeBuild projects (build-and-test; cdk-deploy and integration-test per environment), the ECR repository of the quality-estimation image',
    flags: [artifactBucket],
  },
  'create-deploy': {
    description: "CodeDeploy application and one deployment group per environment, with alarm-based rollback; the solution's input and output buckets",
    flags: [],
  },
  'create-pipeline': {
    description:
      'CodePipeline V2 (Source → BuildAndTest → per environment [Approve] → Deploy → Test), push trigger, approval and failure topics (after setup-security and create-builds)',
    flags: [],
  },
  'setup-monitoring': {
    description: "alarms on how the solution fails (to <project>-<env>-alerts), health, quality and pipeline dashboards, X-Ray tracing of the solution's functions (after create-pipeline)",
    flags: [],
  },
};

/** `mtpipe push`, and the push of bootstrap's first step. */
export const PUSH_FLAGS: FlagDeclaration[] = [
  { flags: '--source <dir>', description: 'the solution directory to push (default: the current directory)' },
  { flags: '--message <text>', description: 'commit message (default: "mtpipe push from <dir>")' },
  { flags: '--exclude <pattern>', description: 'leave out files matching this pattern (gitignore syntax, relative to --source; repeatable)', repeatable: true },
  { flags: '--allow-file <path>', description: 'push this file although it looks like it holds a credential (repeatable)', repeatable: true },
];

/** bootstrap's own: which of the seed's steps run (names in commands/bootstrap.ts SEED_STEP_NAMES). */
export const BOOTSTRAP_FLAGS: FlagDeclaration[] = [
  { flags: '--skip <steps>', description: 'leave out these steps (comma-separated: repository, parameters, builds, deploy, pipeline, monitoring, test, verify)' },
  { flags: '--only <steps>', description: 'run only these steps (comma-separated, same names)' },
];

/** `mtpipe drift`. */
export const DRIFT_FLAGS: FlagDeclaration[] = [
  { flags: '--stacks', description: "also run CloudFormation drift detection on the solution's stacks (solution.stacks) in each environment" },
];

/** `mtpipe destroy`. */
export const DESTROY_FLAGS: FlagDeclaration[] = [
  {
    flags: '--include-data',
    description: "also delete the repository, the artifact bucket, the ECR repository with its images and the solution's input and output buckets",
  },
];

const interval: FlagDeclaration = { flags: '--interval <seconds>', description: 'seconds between two reads of the execution (default 5)', seconds: true };

/** `mtpipe run`. */
export const RUN_FLAGS: FlagDeclaration[] = [{ flags: '--no-watch', description: 'print the execution id and return, without following it' }, interval];
/** `mtpipe watch`. */
export const WATCH_FLAGS: FlagDeclaration[] = [interval];
/** `mtpipe approve`. */
export const APPROVE_FLAGS: FlagDeclaration[] = [
  { flags: '--reject', description: 'reject instead of approving (the execution then fails)' },
  { flags: '--comment <text>', description: 'the approval summary, up to 512 characters (default: who answered, from STS)' },
];

/** A whole number of at least 1 (--concurrency, release --timeout). */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number of seconds greater than 0');
  return n;
}

/** Adds declared flags to a command. */
export function addFlags(command: Command, flags: FlagDeclaration[]): void {
  for (const flag of flags) {
    const option = new Option(flag.flags, flag.description);
    if (flag.numeric) option.argParser(Number);
    else if (flag.seconds) option.argParser(seconds);
    else if (flag.repeatable) option.argParser((value: string, all: string[] = []) => [...all, value]);
    command.addOption(option);
  }
}

/** The flags of several commands together, each once (several steps read the token), --save when any keeps a value. */
export function mergedFlags(lists: FlagDeclaration[][]): FlagDeclaration[] {
  const byFlag = new Map<string, FlagDeclaration>();
  for (const flag of lists.flat()) if (!byFlag.has(flag.flags)) byFlag.set(flag.flags, flag);
  const merged = [...byFlag.values()];
  return merged.some((flag) => flag.configKey) ? [...merged, SAVE_FLAG] : merged;
}

/** config key → flag name (`--repository-name`), for overrides and for messages that name the flag. */
export function configKeysOf(flags: FlagDeclaration[]): Record<string, string> {
  return Object.fromEntries(flags.filter((flag) => flag.configKey).map((flag) => [flag.configKey!, flag.flags.split(' ')[0]!]));
}
