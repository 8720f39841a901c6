/**
 * The solution's files on the repository's branch, as a plan entry (bootstrap's push): read as the
 * branch's tip and its files' git blob ids, compared with the source directory's, written with
 * CreateCommit (chunked within CodeCommit's limits, each commit on the previous one).
 */
import { fieldsToCreate } from '../engine/diff.js';
import type { ResourceKind, Target } from '../engine/types.js';
import {
  branchHead,
  chunkChanges,
  COMMIT_LIMITS,
  commitFiles,
  createCommits,
  gitBlobId,
  MTPIPE_DIR,
  type BranchFile,
  type CommitLimits,
  type FileChange,
  type FileMode,
  type RepositoryBranch,
} from './codecommit-commit.js';
import { isParentCommitOutdated, isRepositoryNotFound, unlessAbsent } from './errors.js';

/** A file the branch should hold: its content and git mode. */
export interface LocalFile {
  content: Uint8Array;
  mode: FileMode;
}

export interface BranchFilesSpec {
  where: RepositoryBranch;
  /** path (with `/`, relative to the source directory) → file */
  files: Map<string, LocalFile>;
  message: string;
}

export interface BranchFiles {
  head: string;
  files: Map<string, BranchFile>;
}

/** What must change so that the branch holds `local`: puts, mode changes and deletions (never of `.mtpipe/`). */
export function changesFrom(local: Map<string, LocalFile>, remote: Map<string, { blobId: string; mode: FileMode }>): FileChange[] {
  const changes: FileChange[] = [];
  for (const [path, file] of local) {
    const there = remote.get(path);
    if (!there || there.blobId !== gitBlobId(file.content)) changes.push({ kind: 'put', path, content: file.content, mode: file.mode });
    else if (there.mode !== file.mode) changes.push({ kind: 'mode', path, mode: file.mode });
  }
  for (const path of remote.keys()) {
    if (!local.has(path) && !path.startsWith(MTPIPE_DIR)) changes.push({ kind: 'delete', path });
  }
  return changes;
}

export interface SyncResult {
  /** the tip before the commits (undefined: no branch yet) */
  head: string | undefined;
  remote: Map<string, BranchFile>;
  changes: FileChange[];
  commitIds: string[];
}

/**
 * Reads the branch, compares, and (unless `dryRun`) commits what differs. When the branch moved under
 * the commit (ParentCommitIdOutdatedException: another push, or a commit whose response was lost and
 * whose retry found its own result), it reads the tip again and compares once more. Throws the SDK's
 * errors (RepositoryDoesNotExistException, CodeCommit's limit exceptions).
 */
export async function syncBranch(
  target: Target,
  where: RepositoryBranch,
  local: Map<string, LocalFile>,
  message: string,
  options: { limits?: CommitLimits; dryRun?: boolean; say?: (line: string) => void } = {},
): Promise<SyncResult> {
  const commitIds: string[] = [];
  for (let round = 0; ; round++) {
    const head = await branchHead(target, where);
    const remote = head ? await commitFiles(target, where.repositoryName, head) : new Map<string, BranchFile>();
    const changes = changesFrom(local, remote);
    const result = { head, remote, changes, commitIds };
    if (changes.length === 0 || options.dryRun) return result;
    try {
      const chunks = chunkChanges(changes, options.limits ?? COMMIT_LIMITS);
      options.say?.(`committing ${changes.length} file change(s) to ${where.repositoryName} branch ${where.branchName} in ${chunks.length} commit(s)…`);
      commitIds.push(...(await createCommits(target, where, head, message, chunks)));
      return result;
    } catch (error) {
      if (!isParentCommitOutdated(error) || round > 0) throw error;
    }
  }
}

function summary(changes: FileChange[], remote: Map<string, BranchFile>): string {
  const added = changes.filter((c) => c.kind === 'put' && !remote.has(c.path)).length;
  const deleted = changes.filter((c) => c.kind === 'delete').length;
  return `${added} added, ${changes.length - added - deleted} changed, ${deleted} deleted`;
}

/** The branch's files: no tags (the repository carries them), never deleted by mtpipe. */
export const codecommitBranchFiles: ResourceKind<BranchFilesSpec, BranchFiles> = {
  kind: 'codecommit:branch-files',
  name: (spec) => `${spec.where.repositoryName}:${spec.where.branchName}`,

  async find(target, spec) {
    // the repository itself may be created in the same run
    const head = await unlessAbsent(branchHead(target, spec.where), isRepositoryNotFound);
    return head ? { head, files: await commitFiles(target, spec.where.repositoryName, head) } : undefined;
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ files: `${spec.files.size} files, first commit` });
    const changes = changesFrom(spec.files, current.files);
    return changes.length === 0 ? [] : [{ field: 'files', from: `commit ${current.head.slice(0, 8)}`, to: summary(changes, current.files) }];
  },

  async create(target, spec) {
    await syncBranch(target, spec.where, spec.files, spec.message);
    return {};
  },

  async update(target, spec) {
    await syncBranch(target, spec.where, spec.files, spec.message);
    return {};
  },

  arnOf: () => undefined,
};
