import { createHash } from 'node:crypto';
import { dirname } from 'node:path/posix';
import type { CreateCommitCommandInput, FileModeTypeEnum } from '@aws-sdk/client-codecommit';
import { sdk } from './sdk.js';
import type { Target } from '../engine/types.js';
import { isBranchNotFound, isParentCommitOutdated } from './errors.js';

/** CodeCommit's file modes (CreateCommit `fileMode`) and the git modes GetDifferences reports for them. */
export type FileMode = Extract<FileModeTypeEnum, 'NORMAL' | 'EXECUTABLE' | 'SYMLINK'>;
const GIT_MODES: Record<string, FileMode> = { '100644': 'NORMAL', '100755': 'EXECUTABLE', '120000': 'SYMLINK' };

/**
 * Limits of one CreateCommit. Sources: the CodeCommit user guide, Quotas ("File size: maximum of 6 MB for
 * any individual file when using the CodeCommit console, APIs, or the AWS CLI"); the API reference's
 * FileContentSizeLimitExceededException ("The maximum file size is 6 MB, and the combined file content
 * change size is 7 MB") and FolderContentSizeLimitExceededException ("a folder whose contents exceed the
 * limit of 6 MB", read here as the content one commit changes in one folder). MaximumFileEntriesExceededException
 * names no number in the API reference, and the quotas page says there is no limit on the number of files
 * as long as the commit's data stays under 20 MB: 100 entries (putFiles, deleteFiles and setFileModes
 * together) is the figure reported in practice (the project's AWS facts: "commonly 100 files") and keeps each request small.
 * "MB" is taken as 10^6 bytes, the smaller reading.
 */
export const COMMIT_LIMITS = { maxFileEntries: 100, maxFileBytes: 6_000_000, maxCommitBytes: 7_000_000, maxFolderBytes: 6_000_000 } as const;
export type CommitLimits = { [K in keyof typeof COMMIT_LIMITS]: number };

/** The blob id git gives this content (`git hash-object`): CodeCommit reports these ids, so content is compared without downloading it. */
export function gitBlobId(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

/** A file of the branch's tip: its blob id and mode. */
export interface BranchFile {
  blobId: string;
  mode: FileMode;
}

export interface RepositoryBranch {
  repositoryName: string;
  branchName: string;
}

/** The branch's tip commit id; undefined when the branch does not exist (an empty repository has none). Throws RepositoryDoesNotExistException. */
export async function branchHead(target: Target, where: RepositoryBranch): Promise<string | undefined> {
  const { CodeCommitClient, GetBranchCommand } = await sdk.codecommit();
  try {
    const { branch } = await target.clients.get(CodeCommitClient).send(new GetBranchCommand({ repositoryName: where.repositoryName, branchName: where.branchName }));
    return branch?.commitId;
  } catch (error) {
    if (isBranchNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Every file of a commit, by path: one paged GetDifferences without beforeCommitSpecifier, which lists the
 * whole tree as additions (cheaper than a GetFolder per folder). Submodules (mode 160000) are left out.
 */
export async function commitFiles(target: Target, repositoryName: string, commitId: string): Promise<Map<string, BranchFile>> {
  const { CodeCommitClient, GetDifferencesCommand } = await sdk.codecommit();
  const client = target.clients.get(CodeCommitClient);
  const files = new Map<string, BranchFile>();
  let NextToken: string | undefined;
  do {
    const page = await client.send(new GetDifferencesCommand({ repositoryName, afterCommitSpecifier: commitId, ...(NextToken ? { NextToken } : {}) }));
    for (const { afterBlob } of page.differences ?? []) {
      const mode = GIT_MODES[afterBlob?.mode ?? ''];
      if (afterBlob?.path && afterBlob.blobId && mode) files.set(afterBlob.path, { blobId: afterBlob.blobId, mode });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return files;
}

/** One change of a file in a commit. */
export type FileChange =
  | { kind: 'put'; path: string; content: Uint8Array; mode: FileMode }
  | { kind: 'mode'; path: string; mode: FileMode }
  | { kind: 'delete'; path: string };

/**
 * Splits changes into commits within `limits`, in order: deletions first (a path can then turn from a
 * file into a folder), mode changes, then files by path. A new commit starts when the next change would
 * pass the file entries, the content of the commit, or the content changed in one folder. A file over
 * maxFileBytes cannot be committed through the API at all: callers refuse it before (it throws here).
 */
export function chunkChanges(changes: FileChange[], limits: CommitLimits = COMMIT_LIMITS): FileChange[][] {
  const rank = { delete: 0, mode: 1, put: 2 } as const;
  const ordered = [...changes].sort((a, b) => rank[a.kind] - rank[b.kind] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chunks: FileChange[][] = [];
  let current: FileChange[] = [];
  let bytes = 0;
  let folders = new Map<string, number>();
  for (const change of ordered) {
    const size = change.kind === 'put' ? change.content.byteLength : 0;
    if (size > limits.maxFileBytes) throw new Error(`internal: ${change.path} is over ${limits.maxFileBytes} bytes`);
    const folder = dirname(change.path);
    const full =
      current.length + 1 > limits.maxFileEntries || bytes + size > limits.maxCommitBytes || (folders.get(folder) ?? 0) + size > limits.maxFolderBytes;
    if (full && current.length > 0) {
      chunks.push(current);
      current = [];
      bytes = 0;
      folders = new Map();
    }
    current.push(change);
    bytes += size;
    folders.set(folder, (folders.get(folder) ?? 0) + size);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The CreateCommit input of one chunk; no parentCommitId for the first commit of an empty repository. */
export function commitInput(where: RepositoryBranch, parentCommitId: string | undefined, commitMessage: string, chunk: FileChange[]): CreateCommitCommandInput {
  const putFiles = chunk.flatMap((c) => (c.kind === 'put' ? [{ filePath: c.path, fileMode: c.mode, fileContent: c.content }] : []));
  const setFileModes = chunk.flatMap((c) => (c.kind === 'mode' ? [{ filePath: c.path, fileMode: c.mode }] : []));
  const deleteFiles = chunk.flatMap((c) => (c.kind === 'delete' ? [{ filePath: c.path }] : []));
  return {
    repositoryName: where.repositoryName,
    branchName: where.branchName,
    ...(parentCommitId ? { parentCommitId } : {}),
    commitMessage,
    ...(putFiles.length > 0 ? { putFiles } : {}),
    ...(deleteFiles.length > 0 ? { deleteFiles } : {}),
    ...(setFileModes.length > 0 ? { setFileModes } : {}),
  };
}

/**
 * Commits the chunks one after the other, each on the previous one (`parentCommitId`), starting at
 * `parentCommitId` (undefined: the first commit of an empty repository). With several chunks each
 * message ends in "(part i/n)". Returns the commit ids in order. Throws the SDK's errors, e.g.
 * ParentCommitIdOutdatedException when the branch moved meanwhile.
 */
export async function createCommits(target: Target, where: RepositoryBranch, parentCommitId: string | undefined, message: string, chunks: FileChange[][]): Promise<string[]> {
  const { CodeCommitClient, CreateCommitCommand } = await sdk.codecommit();
  const client = target.clients.get(CodeCommitClient);
  const ids: string[] = [];
  let parent = parentCommitId;
  for (const [index, chunk] of chunks.entries()) {
    const text = chunks.length > 1 ? `${message} (part ${index + 1}/${chunks.length})` : message;
    const { commitId } = await client.send(new CreateCommitCommand(commitInput(where, parent, text, chunk)));
    if (!commitId) throw new Error('CreateCommit returned no commitId');
    ids.push(commitId);
    parent = commitId;
  }
  return ids;
}

/** The folder of the branch that belongs to mtpipe (never sent nor deleted by a push). */
export const MTPIPE_DIR = '.mtpipe/';

/** The file bootstrap's test step changes, and the message that marks its commits. */
export const TEST_COMMIT_FILE = '.mtpipe/last-test';
export const TEST_COMMIT_MESSAGE = 'mtpipe: pipeline test';

/**
 * Bootstrap's test step: one commit that rewrites TEST_COMMIT_FILE with one line (the time), so that the
 * pipeline runs on an otherwise unchanged tree. Returns its commit id and whether this call made it.
 *
 * Rule against a second test commit: when the branch's tip is a test commit (its message starts with
 * TEST_COMMIT_MESSAGE), that commit is returned and nothing is written. So a bootstrap killed after the
 * commit, run again, watches the execution of the same commit; any later push makes the next test
 * commit a new one. When the commit's response is lost and the SDK's retry meets
 * ParentCommitIdOutdatedException, the tip is read again and the same rule applies.
 * `knownHead`: the tip the caller has just read (GetBranch is then not sent again for the first attempt).
 * Throws a plain Error when the branch does not exist (push the code first).
 */
export async function commitPipelineTest(
  target: Target,
  where: RepositoryBranch,
  now: Date = new Date(),
  knownHead?: string,
): Promise<{ commitId: string; created: boolean }> {
  const { CodeCommitClient, GetCommitCommand } = await sdk.codecommit();
  const client = target.clients.get(CodeCommitClient);
  for (let attempt = 0; ; attempt++) {
    // the tip the caller read serves the first attempt; an outdated one is read again
    const head = attempt === 0 && knownHead !== undefined ? knownHead : await branchHead(target, where);
    if (!head) throw new Error(`branch ${where.branchName} of ${where.repositoryName} does not exist yet: push the code first (mtpipe push)`);
    const { commit } = await client.send(new GetCommitCommand({ repositoryName: where.repositoryName, commitId: head }));
    if (commit?.message?.startsWith(TEST_COMMIT_MESSAGE)) return { commitId: head, created: false };
    const line = `${now.toISOString()} pipeline test commit made by mtpipe bootstrap\n`;
    const change: FileChange = { kind: 'put', path: TEST_COMMIT_FILE, content: new TextEncoder().encode(line), mode: 'NORMAL' };
    try {
      const [commitId] = await createCommits(target, where, head, `${TEST_COMMIT_MESSAGE} (${now.toISOString()})`, [[change]]);
      return { commitId: commitId!, created: true };
    } catch (error) {
      if (!isParentCommitOutdated(error) || attempt > 0) throw error;
    }
  }
}
