import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadedModules } from '../support/bundle.js';
import { assertBuilt, cleanEnv, explain, removeDirs, runCli, tempDir } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const RECORD_IMPORTS = fileURLToPath(new URL('../support/record-imports.mjs', import.meta.url));
const HEAVY = ['@aws-sdk', '@smithy', '@inquirer', 'zod', 'yaml'];
const dirs: string[] = [];

async function dir(prefix?: string): Promise<string> {
  const made = await tempDir(prefix);
  dirs.push(made);
  return made;
}

/** A machine with no AWS set-up at all: no AWS_* variable, an empty HOME, no instance metadata. */
async function noCredentialsEnv(): Promise<Record<string, string>> {
  return cleanEnv({ home: await dir('mtpipe-home-'), credentials: false });
}

describe('offline plan without any credentials', () => {
  beforeAll(() => assertBuilt());
  afterEach(() => removeDirs(dirs));

  it('bootstrap --dry-run prints the offline banner and the plan, exit 0', async () => {
    const env = await noCredentialsEnv();
    expect(Object.keys(env).filter((key) => key.startsWith('AWS_'))).toEqual(['AWS_EC2_METADATA_DISABLED']);
    const run = await runCli(['bootstrap', '--dry-run'], { cwd: await dir(), env });
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toContain('Offline plan: no AWS credentials were found, so this plans against an empty account.');
    expect(run.stdout).toContain('shared (account <account-id>, us-east-1)');
    expect(run.stdout).toContain('  + codecommit:repository machine-translation');
    expect(run.stdout).toContain('  + ssm:parameter /mt-pipeline/prod/hugging_face_token');
    expect(run.stdout).toContain('  + codebuild:project mt-pipeline-build-and-test');
    expect(run.stdout).toContain('  + codedeploy:deployment-group mt-pipeline-prod');
    const creates = run.stdout.split('\n').filter((line) => line.startsWith('  + ')).length;
    expect(run.stdout).toContain(`Plan: ${creates} to create, 0 to update, 0 to delete, 0 unchanged.`);
    expect(run.stderr).not.toMatch(/error|warning/i);
  });

  it('bootstrap without --dry-run exits 2 saying no credentials were found', async () => {
    const run = await runCli(['bootstrap'], { cwd: await dir(), env: await noCredentialsEnv() });
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('no AWS credentials found');
    expect(run.stderr).toContain('--dry-run');
    expect(run.stdout).toBe('');
  });
});

describe('what start-up loads', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));

  async function importsOf(args: string[], extra: Record<string, string> = {}, credentials = true): Promise<string[]> {
    const home = await dir('mtpipe-home-');
    const log = join(home, 'imports.log');
    const run = await runCli(args, {
      cwd: await dir(),
      env: cleanEnv({ home, credentials, extra: { MTPIPE_IMPORT_LOG: log, ...extra } }),
      nodeArgs: ['--import', RECORD_IMPORTS],
    });
    expect(run.code, explain(run)).toBe(0);
    const text = await readFile(log, 'utf8').catch(() => '');
    // dist/ is a bundle: a loaded chunk counts as the source modules it holds
    return loadedModules(text.split('\n').filter(Boolean));
  }

  it('mtpipe --help and <command> --help print the build-time text without loading the CLI at all', async () => {
    for (const args of [['--help'], ['init-repo', '--help'], ['--version']]) {
      const urls = await importsOf(args);
      expect(urls.some((url) => url.endsWith('/bin/mtpipe')), args.join(' ')).toBe(true);
      expect(urls.filter((url) => url.includes('/dist/') || url.includes('commander')), args.join(' ')).toEqual([]);
    }
  });

  it('the build-time help is what commander prints', async () => {
    const env = cleanEnv({ home: await dir() });
    for (const command of [[], ['init-repo'], ['set-params'], ['bootstrap'], ['init']]) {
      const fast = await runCli([...command, '--help'], { cwd: await dir(), env });
      const slow = await runCli(['help', ...command], { cwd: await dir(), env });
      expect(fast.code).toBe(0);
      expect(fast.stdout.length).toBeGreaterThan(100);
      expect(fast.stdout, command.join(' ')).toBe(slow.stdout);
    }
  });

  it('help through commander (mtpipe help <command>) loads neither the AWS SDK nor prompts, zod or yaml', async () => {
    const urls = await importsOf(['help', 'set-params']);
    // the hook works: it saw the CLI and commander
    expect(urls.some((url) => url.endsWith('/dist/cli.js'))).toBe(true);
    expect(urls.some((url) => url.includes('commander'))).toBe(true);
    for (const heavy of HEAVY) expect(urls.filter((url) => url.includes(heavy)), heavy).toEqual([]);
  });

  it('a real set-params --dry-run does load the AWS SDK (so the check above can fail)', async () => {
    const urls = await importsOf(['set-params', '--dry-run', '--endpoint-url', moto], { HF_TOKEN: 'hf_x' });
    expect(urls.some((url) => url.includes('@aws-sdk'))).toBe(true);
    expect(urls.some((url) => url.includes('zod'))).toBe(true);
  });

  // scripts/lazy-builtins.js: a chunk requires these builtins when it first uses them, not when it loads
  it('help through commander does not load node:child_process (commander needs it only for executable subcommands)', async () => {
    const urls = await importsOf(['help', 'set-params']);
    expect(urls).toContain('node:events');
    expect(urls.filter((url) => url === 'node:child_process')).toEqual([]);
  });

  it('an offline bootstrap --dry-run loads none of node:http, node:https, node:crypto, node:perf_hooks, node:zlib, node:readline', async () => {
    const urls = await importsOf(['bootstrap', '--dry-run'], {}, false);
    expect(urls).toContain('node:fs/promises');
    expect(urls.filter((url) => ['node:http', 'node:https', 'node:crypto', 'node:perf_hooks', 'node:zlib', 'node:readline'].includes(url))).toEqual([]);
  });

  it('a set-params --dry-run against AWS does load node:http and node:crypto (so the check above can fail)', async () => {
    const urls = await importsOf(['set-params', '--dry-run', '--endpoint-url', moto], { HF_TOKEN: 'hf_x' });
    expect(urls).toEqual(expect.arrayContaining(['node:http', 'node:crypto']));
  });
});
