import { stat } from 'node:fs/promises';
import { basename, posix, resolve } from 'node:path';
import { COMMIT_LIMITS, gitBlobId, type CommitLimits, type RepositoryBranch } from '../aws/codecommit-commit.js';
import { syncBranch, type LocalFile } from '../aws/codecommit-branch-files.js';
import { isBranchNotFound, isCommitLimitExceeded, isParentCommitOutdated, isRepositoryNotFound } from '../aws/errors.js';
import { resolveTargets } from '../aws/targets.js';
import type { Config } from '../config/schema.js';
import type { Target } from '../engine/types.js';
import { AwsError, MtpipeError, UserInputError } from '../errors.js';
import { listSource, readSource } from './push-files.js';
import { describeFinding, findSecrets, type SecretFinding } from './push-secrets.js';
import { APPSPEC_FILE, renderedAppSpec, renderedFileMode, renderedTemplates, type RenderDeps } from './render.js';
import type { CommandSession } from './session.js';


export interface PushRequest {
  /** default: the current directory */
  source?: string;
  message?: string;
  exclude?: string[];
  allowFile?: string[];
}

export interface PushResult {
  repository: string;
  branch: string;
  source: string;
  dryRun: boolean;
  /** the branch's tip before the push (absent: no branch yet) */
  head?: string;
  /** the commits made, in order (none in a dry run or when nothing differs) */
  commitIds: string[];
  added: string[];
  changed: string[];
  deleted: string[];
}

/** What push needs of a session. */
export type PushSession = CommandSession<'info' | 'warn'>;

export interface PushDeps extends RenderDeps {
  /** injected by tests: the tool account's Target instead of resolving credentials */
  target?: Target;
  limits?: CommitLimits;
}

/** CreateCommit's message limit (API reference: "Commit messages are limited to 256 KB"). */
const MAX_MESSAGE_BYTES = 256 * 1024;


/**
 * `mtpipe push [--source DIR]`: makes the repository's branch (repository.name, repository.branch, in
 * the tool account and region) hold DIR's files (less the ignored and excluded ones) plus what `mtpipe
 * render` writes, through CreateCommit: in as many commits as CodeCommit's limits need, each on the
 * previous one. Files the branch holds and DIR does not are deleted, except `.mtpipe/`. Nothing differs:
 * no commit. Refuses (exit 2, before any AWS call) files that look like credentials and files too large
 * for the API. Throws AwsError for AWS failures.
 */
export async function push(session: PushSession, request: PushRequest, deps: PushDeps = {}): Promise<PushResult> {
  const config = session.draft.config;
  const limits = deps.limits ?? COMMIT_LIMITS;
  const dir = resolve(request.source ?? '.');
  await checkSource(dir, request, limits);
  const envNames = session.options.env ? [session.options.env] : Object.keys(config.environments);
  const local = await sourceFiles(dir, request, config, envNames, limits, (text) => session.reporter.warn(text), (cfg, env) => renderedAppSpec(session, cfg, env, deps));

  const where: RepositoryBranch = { repositoryName: config.repository.name, branchName: config.repository.branch };
  const base = { repository: where.repositoryName, branch: where.branchName, source: dir, dryRun: session.options.dryRun };
  const message = request.message ?? defaultMessage(dir);
  const say = (line: string) => session.reporter.info(line);
  if (deps.target) return pushTo(deps.target, where, local, message, base, limits, say);
  const targets = await resolveTargets(config, [], session.aws, { dryRun: session.options.dryRun });
  try {
    if (targets.offline) {
      throw new MtpipeError('no_credentials', 'push compares with what the branch holds: it needs AWS credentials, also with --dry-run', {
        exitCode: 2,
        hint: 'configure credentials (aws configure, aws sso login, AWS_PROFILE or --profile)',
      });
    }
    return await pushTo(targets.shared, where, local, message, base, limits, say);
  } finally {
    targets.shared.clients.destroy();
  }
}

export const defaultMessage = (dir: string) => `mtpipe push from ${basename(dir)}`;

/**
 * Refuses, before any AWS call, what push cannot send: a source that is no directory, a bad message,
 * files over the API's size limit, files that look like credentials. Throws UserInputError / MtpipeError (exit 2).
 */
export async function checkSource(dir: string, request: PushRequest, limits: CommitLimits = COMMIT_LIMITS): Promise<void> {
  await validate(dir, request);
  await readLocal(dir, request, limits);
}

/** DIR's files (checked as checkSource does) with the rendered ones in place of files of the same name. */
export async function sourceFiles(
  dir: string,
  request: PushRequest,
  config: Config,
  envNames: string[],
  limits: CommitLimits,
  warn: (text: string) => void,
  appSpec: (config: Config, envNames: string[]) => Promise<string>,
): Promise<Map<string, LocalFile>> {
  const local = await readLocal(dir, request, limits);
  const rendered = renderedTemplates(config, envNames);
  rendered.set(APPSPEC_FILE, await appSpec(config, envNames));
  for (const [name, text] of rendered) {
    const content = new TextEncoder().encode(text);
    const own = local.get(name);
    if (own && gitBlobId(own.content) !== gitBlobId(content)) warn(`${name}: the rendered file replaces the one in ${dir} (they differ; mtpipe's builds run the rendered one)`);
    local.set(name, { content, mode: renderedFileMode(name) & 0o111 ? 'EXECUTABLE' : 'NORMAL' });
  }
  return local;
}

async function validate(dir: string, request: PushRequest): Promise<void> {
  const problems: string[] = [];
  const found = await stat(dir).catch(() => undefined);
  if (!found?.isDirectory()) problems.push(`--source: ${dir} is not a directory`);
  if (request.message !== undefined && (request.message.trim() === '' || Buffer.byteLength(request.message) > MAX_MESSAGE_BYTES)) {
    problems.push('--message: must not be empty, and at most 256 KB');
  }
  if (problems.length > 0) throw new UserInputError(problems);
}

/** DIR's files with their content, after refusing any file too large for the API or that looks like a credential. */
async function readLocal(dir: string, request: PushRequest, limits: CommitLimits): Promise<Map<string, LocalFile>> {
  const { files } = await listSource(dir, request.exclude ?? []);
  const tooLarge = files.filter((file) => file.size > limits.maxFileBytes);
  if (tooLarge.length > 0) {
    throw new MtpipeError('file_too_large', `files over CodeCommit's limit of ${limits.maxFileBytes} bytes per file for commits through the API:\n${tooLarge.map((f) => `  ${f.path} (${f.size} bytes)`).join('\n')}`, {
      exitCode: 2,
      hint: 'nothing was pushed: leave them out (.gitignore or --exclude), or push with git (see "mtpipe push" in the README)',
    });
  }
  const allowed = new Set((request.allowFile ?? []).map((path) => posix.normalize(path.replaceAll('\\', '/')).replace(/^\.\//, '')));
  const local = new Map<string, LocalFile>();
  const findings: SecretFinding[] = [];
  for (const file of files) {
    const content = await readSource(dir, file);
    if (!allowed.has(file.path)) findings.push(...findSecrets(file.path, content));
    local.set(file.path, { content, mode: file.mode });
  }
  if (findings.length > 0) {
    throw new MtpipeError('credentials_in_source', `files that look like they hold credentials:\n${findings.map((f) => `  ${describeFinding(f)}`).join('\n')}`, {
      exitCode: 2,
      hint: 'nothing was pushed: add them to .gitignore or pass --exclude PATTERN; a file that holds no real secret can be pushed with --allow-file PATH',
    });
  }
  return local;
}

/** Makes the branch hold `local` (syncBranch), with the result push reports; a dry run only compares. */
export async function pushTo(
  target: Target,
  where: RepositoryBranch,
  local: Map<string, LocalFile>,
  message: string,
  base: Omit<PushResult, 'commitIds' | 'added' | 'changed' | 'deleted' | 'head'>,
  limits: CommitLimits,
  say: (line: string) => void,
): Promise<PushResult> {
  const synced = await aws(`pushing to branch ${where.branchName} of CodeCommit repository ${where.repositoryName}`, () =>
    syncBranch(target, where, local, message, { limits, dryRun: base.dryRun, say }),
  );
  const { head, remote, changes, commitIds } = synced;
  return {
    ...base,
    ...(head ? { head } : {}),
    commitIds,
    added: changes.filter((c) => c.kind === 'put' && !remote.has(c.path)).map((c) => c.path),
    changed: changes.filter((c) => c.kind !== 'delete' && remote.has(c.path)).map((c) => c.path),
    deleted: changes.filter((c) => c.kind === 'delete').map((c) => c.path),
  };
}

async function aws<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MtpipeError) throw error;
    const hint = isRepositoryNotFound(error)
      ? 'create it first: mtpipe init-repo'
      : isBranchNotFound(error)
        ? 'the repository has other branches but not this one: create it (aws codecommit create-branch), or set repository.branch'
        : isCommitLimitExceeded(error)
          ? 'CodeCommit refused a commit this large through its API: push with git instead (see "mtpipe push" in the README)'
          : isParentCommitOutdated(error)
            ? 'the branch moved while mtpipe pushed: run mtpipe push again (it compares with the new tip)'
            : undefined;
    throw new AwsError(doing, error, hint);
  }
}

/** Human lines for a push result (stdout). */
export function pushNotes(result: PushResult): string[] {
  const where = `${result.repository} branch ${result.branch}`;
  const counts = `${result.added.length} added, ${result.changed.length} changed, ${result.deleted.length} deleted`;
  const paths = [...result.added.map((p) => `  + ${p}`), ...result.changed.map((p) => `  ~ ${p}`), ...result.deleted.map((p) => `  - ${p}`)];
  if (paths.length === 0) return [`No changes: ${where} already holds the files of ${result.source}${result.head ? ` (commit ${result.head})` : ''}; no commit made.`];
  if (result.dryRun) return [`Dry run: nothing committed. Would commit to ${where} (${counts}):`, ...paths];
  return [`Pushed ${result.source} to ${where} (${counts}): ${result.commitIds.length === 1 ? 'commit' : 'commits'} ${result.commitIds.join(', ')}`];
}
