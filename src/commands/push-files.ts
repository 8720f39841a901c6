import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Ignore } from 'ignore';
import { MTPIPE_DIR, type FileMode } from '../aws/codecommit-commit.js';

/** git, without a shell; node:child_process loads on the first call (an offline plan never makes one). */
const run = (file: string, args: string[], options: { maxBuffer?: number } = {}) => promisify(execFile)(file, args, { ...options, encoding: 'utf8' });
// a CommonJS package whose typings declare an ES default export: require gives the function itself
const ignore = createRequire(import.meta.url)('ignore') as (options?: { ignorecase?: boolean }) => Ignore;

export { MTPIPE_DIR };

/** A file of the source directory: its path relative to it (with `/`), size and mode. Content is read later. */
export interface SourceEntry {
  path: string;
  size: number;
  mode: FileMode;
}

export interface SourceListing {
  files: SourceEntry[];
  /** how the list was made: `git ls-files` in a git work tree, else a walk honouring every .gitignore */
  method: 'git' | 'walk';
}

/**
 * The files of `dir` that push sends: in a git work tree what `git ls-files --cached --others
 * --exclude-standard` lists (tracked files and untracked ones that are not ignored); elsewhere every
 * file, less what a `.gitignore` (of the directory or any folder below it) ignores, and never `.git/`.
 * `exclude` patterns (gitignore syntax, relative to `dir`) and `.mtpipe/` are left out in both cases.
 * Symbolic links are files (mode SYMLINK, their target as content); submodules and missing files are skipped.
 */
export async function listSource(dir: string, exclude: string[]): Promise<SourceListing> {
  const excluded = ignore().add(exclude).add(MTPIPE_DIR);
  const inGit = await isGitWorkTree(dir);
  const paths = inGit ? await gitFiles(dir) : await walk(dir, '', []);
  const files: SourceEntry[] = [];
  for (const path of [...new Set(paths)].sort()) {
    if (excluded.ignores(path)) continue;
    const entry = await describe(dir, path);
    if (entry) files.push(entry);
  }
  return { files, method: inGit ? 'git' : 'walk' };
}

/** A file's content as push sends it: the bytes of a file, the target of a symbolic link. */
export async function readSource(dir: string, entry: SourceEntry): Promise<Uint8Array> {
  const full = join(dir, entry.path);
  return entry.mode === 'SYMLINK' ? new TextEncoder().encode(await readlink(full)) : new Uint8Array(await readFile(full));
}

async function describe(dir: string, path: string): Promise<SourceEntry | undefined> {
  let stats;
  try {
    stats = await lstat(join(dir, path));
  } catch (error) {
    // listed by git but deleted in the work tree: it is not part of what is pushed
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (stats.isSymbolicLink()) return { path, size: stats.size, mode: 'SYMLINK' };
  if (!stats.isFile()) return undefined;
  return { path, size: stats.size, mode: stats.mode & 0o111 ? 'EXECUTABLE' : 'NORMAL' };
}

async function isGitWorkTree(dir: string): Promise<boolean> {
  try {
    const { stdout } = await run('git', ['-C', dir, 'rev-parse', '--is-inside-work-tree']);
    return stdout.trim() === 'true';
  } catch {
    // not a work tree, or no git installed
    return false;
  }
}

async function gitFiles(dir: string): Promise<string[]> {
  const { stdout } = await run('git', ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { maxBuffer: 256 * 1024 * 1024 });
  return stdout.split('\0').filter((path) => path !== '');
}

/** Walks `dir`/`prefix`, applying the .gitignore of every folder on the way (a deeper one decides last). */
async function walk(dir: string, prefix: string, rules: { base: string; matcher: Ignore }[]): Promise<string[]> {
  const here = join(dir, prefix);
  const own = await readFile(join(here, '.gitignore'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const active = own === undefined ? rules : [...rules, { base: prefix, matcher: ignore().add(own) }];
  const ignored = (path: string) => {
    let result = false;
    for (const { base, matcher } of active) {
      const verdict = matcher.test(path.slice(base.length));
      if (verdict.ignored) result = true;
      else if (verdict.unignored) result = false;
    }
    return result;
  };
  const found: string[] = [];
  for (const entry of await readdir(here, { withFileTypes: true })) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory()) {
      // git never descends into an ignored folder: nothing below it can be re-included
      if (entry.name !== '.git' && !ignored(`${path}/`)) found.push(...(await walk(dir, `${path}/`, active)));
    } else if (!ignored(path)) {
      found.push(path);
    }
  }
  return found;
}
