import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { configuredFunctions, discoverSolution, type SolutionFunction } from '../aws/solution-discovery.js';
import { resolveTargets } from '../aws/targets.js';
import { deploymentGroupName } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import { describeCause, UserInputError } from '../errors.js';
import { appSpecExample, configuredHooks } from '../templates/appspec.js';
import { renderBuildspecs, SMOKE_TEST_SCRIPT, smokeTestScript } from '../templates/buildspecs.js';
import type { CommandSession } from './session.js';

/** What render needs of a session. */
export type RenderSession = CommandSession<'warn'>;

export interface RenderOptions {
  /** default: the current directory (the solution repository) */
  outDir?: string;
  force: boolean;
}

export interface RenderDeps {
  /** the solution's functions in an environment; default: config, else discovery from solution.stacks */
  functions?: (config: Config, env: string) => Promise<SolutionFunction[]>;
}

export interface RenderResult {
  outDir: string;
  /** in the order written; with --dry-run none is written */
  files: { name: string; path: string; overwritten: boolean }[];
  dryRun: boolean;
}

/**
 * The files `mtpipe render` writes, by name. The deploy and test buildspecs read one environment's
 * settings: with one environment (--env, or only one configured) they are buildspec-deploy.yml and
 * buildspec-test.yml, with several buildspec-deploy-<env>.yml and buildspec-test-<env>.yml.
 */
export function renderedBuildspecs(config: Config, envNames: string[]): Map<string, string> {
  const [first] = envNames;
  if (first === undefined) throw new Error('internal: render needs at least one environment');
  const perEnvironment = envNames.map((env) => ({ env, files: renderBuildspecs(config, env) }));
  const suffix = (name: string, env: string) => (envNames.length === 1 ? name : name.replace(/\.yml$/, `-${env}.yml`));
  const files = new Map<string, string>([['buildspec.yml', perEnvironment[0]!.files['buildspec.yml']]]);
  for (const { env, files: rendered } of perEnvironment) {
    files.set(suffix('buildspec-deploy.yml', env), rendered['buildspec-deploy.yml']);
    files.set(suffix('buildspec-test.yml', env), rendered['buildspec-test.yml']);
  }
  return files;
}

export const APPSPEC_FILE = 'appspec.yml';

/**
 * The files render writes that need no AWS call, by name, in the order written: the buildspecs and,
 * unless builds.integrationTestCommand names another test, the smoke test the test buildspecs run.
 */
export function renderedTemplates(config: Config, envNames: string[]): Map<string, string> {
  const files = renderedBuildspecs(config, envNames);
  if (config.builds.integrationTestCommand === undefined) files.set(SMOKE_TEST_SCRIPT, smokeTestScript());
  return files;
}

/** The appspec.yml example: it names the functions of the first environment (which may read solution.stacks). */
export async function renderedAppSpec(session: RenderSession, config: Config, envNames: string[], deps: RenderDeps = {}): Promise<string> {
  const env = envNames[0]!;
  const functions = deps.functions ?? ((cfg: Config, name: string) => solutionFunctions(session, cfg, name));
  return appSpecExample({ env, deploymentGroup: deploymentGroupName(config.project, env), functions: await functions(config, env), hooks: configuredHooks(config) });
}

/** The permission bits render gives a file: the smoke test is executable. */
export function renderedFileMode(name: string): number {
  return name.endsWith('.py') ? 0o755 : 0o644;
}

/** `mtpipe render [--out DIR] [--force]`: the buildspecs and appspec.yml for the solution repository. */
export async function render(session: RenderSession, options: RenderOptions, deps: RenderDeps = {}): Promise<RenderResult> {
  const config = session.draft.config;
  const envNames = session.options.env ? [session.options.env] : Object.keys(config.environments);
  const outDir = resolve(options.outDir ?? '.');
  await checkDirectory(outDir);
  const files = renderedTemplates(config, envNames);
  const names = [...files.keys(), APPSPEC_FILE];

  // every file is checked before any is written, and before AWS is asked anything
  const existing = await existingFiles(outDir, names);
  if (existing.length > 0 && !options.force) {
    throw new UserInputError(existing.map((name) => `${join(outDir, name)} exists`), {
      hint: 'nothing was written: pass --force to overwrite, or --out to write elsewhere',
    });
  }

  files.set(APPSPEC_FILE, await renderedAppSpec(session, config, envNames, deps));
  const written = names.map((name) => ({ name, path: join(outDir, name), overwritten: existing.includes(name) }));
  if (session.options.dryRun) return { outDir, files: written, dryRun: true };
  for (const file of written) await writeAtomically(file.path, files.get(file.name)!, renderedFileMode(file.name));
  return { outDir, files: written, dryRun: false };
}

/**
 * Configured functions need no AWS call; those of solution.stacks do. Without credentials the
 * example says that no function is known, with a warning: the buildspecs matter more.
 */
async function solutionFunctions(session: RenderSession, config: Config, env: string): Promise<SolutionFunction[]> {
  const configured = configuredFunctions(config);
  if (configured.length > 0 || config.solution.stacks.length === 0) return configured;
  try {
    const targets = await resolveTargets(config, [env], session.aws, { dryRun: true });
    try {
      if (targets.offline) throw new Error('no AWS credentials');
      return (await discoverSolution(targets.environments[0]!, config)).functions;
    } finally {
      targets.shared.clients.destroy();
      for (const target of targets.environments) target.clients.destroy();
    }
  } catch (error) {
    session.reporter.warn(`appspec.yml names no function: reading solution.stacks in ${env} failed (${describeCause(error)})`);
    return [];
  }
}

async function checkDirectory(dir: string): Promise<void> {
  const found = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (found && !found.isDirectory()) throw new UserInputError([`--out: ${dir} is not a directory`]);
}

async function existingFiles(dir: string, names: string[]): Promise<string[]> {
  const found = await Promise.all(
    names.map(async (name) => {
      try {
        await lstat(join(dir, name));
        return name;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    }),
  );
  return found.filter((name): name is string => name !== undefined);
}

/** Written next to the target and renamed over it: a reader never sees half a file. */
async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { encoding: 'utf8', flag: 'wx', mode });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
