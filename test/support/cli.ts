import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isReadOperation } from '../../src/aws/call-log.js';

/** The repository root, bin/mtpipe and the compiled CLI it launches. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'mtpipe');
export const DIST_CLI = join(ROOT, 'dist', 'cli.js');

/** End-to-end tests run the built CLI: say so plainly when it has not been built. */
export function assertBuilt(): void {
  if (!existsSync(DIST_CLI)) {
    throw new Error(`${DIST_CLI} is missing: run \`npm run build\` first (\`npm test\` builds before it tests)`);
  }
}

/** A fresh, empty directory; removed by the returned cleanup. */
export async function tempDir(prefix = 'mtpipe-e2e-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDirs(dirs: string[]): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface EnvOptions {
  /** HOME: an empty temp dir, so no real ~/.aws is read */
  home: string;
  /** fake credentials for moto (default true); false: no AWS_* variable at all */
  credentials?: boolean;
  /** CI=true (default true) */
  ci?: boolean;
  extra?: Record<string, string>;
}

/** A clean environment built from scratch: nothing of the caller's AWS setup leaks in. */
export function cleanEnv(options: EnvOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: options.home,
    NO_COLOR: '1',
    // keep the credential chain from waiting for an instance metadata service that is not there
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  if (options.credentials !== false) {
    Object.assign(env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' });
  }
  if (options.ci !== false) env.CI = 'true';
  return { ...env, ...options.extra };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * "The default configuration" of the tests, as the `environments` of a mtpipe.yaml: the built-in one,
 * with prod allowed to share dev's account (moto has only one account; the built-in configuration
 * alone is refused there). Append it to a test's own mtpipe.yaml that names no environments.
 */
export const TEST_ENVIRONMENTS_YAML = [
  'environments:',
  '  dev:',
  '    approval: false',
  '    deploymentConfig: CodeDeployDefault.LambdaAllAtOnce',
  '  prod:',
  '    approval: true',
  '    deploymentConfig: CodeDeployDefault.LambdaCanary10Percent5Minutes',
  '    allowSharedAccount: true',
  '',
].join('\n');

/** Writes `cwd/mtpipe.yaml`: `yaml` (top-level keys other than environments) and the test environments. */
export async function writeTestConfig(cwd: string, yaml = ''): Promise<void> {
  await writeFile(join(cwd, 'mtpipe.yaml'), `${yaml}${yaml && !yaml.endsWith('\n') ? '\n' : ''}${TEST_ENVIRONMENTS_YAML}`, 'utf8');
}

export interface CliOptions {
  cwd: string;
  env: Record<string, string>;
  /** written to stdin, which is then closed (stdin is always a pipe, never a terminal) */
  input?: string;
  /** extra node flags, e.g. --import of a hook */
  nodeArgs?: string[];
  timeoutMs?: number;
  /**
   * true: run with the built-in configuration as it is. By default a cwd without mtpipe.yaml (and no
   * --config, and not `init`) gets the tests' default configuration (writeTestConfig) first.
   */
  builtInConfig?: boolean;
  /** stop reading stdout after its first chunk (as `| head` does): the CLI's later writes meet EPIPE */
  closeStdoutEarly?: boolean;
}

/** Runs `node bin/mtpipe ...args` as a user would, and collects what it printed. */
export async function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  assertBuilt();
  const ownConfig = args.includes('--config') || args.includes('init') || existsSync(join(options.cwd, 'mtpipe.yaml'));
  if (!options.builtInConfig && !ownConfig) await writeTestConfig(options.cwd);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // a reader that stops after the first lines, as `| head` does
      if (options.closeStdoutEarly) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mtpipe ${args.join(' ')} did not finish within ${options.timeoutMs ?? 45_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 45_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // the CLI may exit before reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** One `--debug` line: `aws <Service>.<Operation> <region> <ms>ms [retries=n] [error=...] <input>`. */
export interface DebugCall {
  service: string;
  operation: string;
  region: string;
  attempts: number;
  line: string;
}

const DEBUG_LINE = /^aws ([A-Za-z0-9]+)\.([A-Za-z0-9]+) ([a-z0-9-]+) (\d+)ms(?: retries=(\d+))?/;

export function debugCalls(stderr: string): DebugCall[] {
  return stderr
    .split('\n')
    .map((line) => ({ line, match: DEBUG_LINE.exec(line) }))
    .filter((entry): entry is { line: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ line, match }) => ({
      service: match[1]!,
      operation: match[2]!,
      region: match[3]!,
      attempts: 1 + Number(match[5] ?? 0),
      line,
    }));
}

export function debugWrites(stderr: string): DebugCall[] {
  return debugCalls(stderr).filter((call) => !isReadOperation(call.operation));
}

/** Fails with the whole output when a run did not end as expected. */
export function explain(run: CliRun): string {
  return `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}
