import { execFileSync } from 'node:child_process';
import {
  BranchDoesNotExistException,
  CreateCommitCommand,
  GetBranchCommand,
  GetCommitCommand,
  GetDifferencesCommand,
  ParentCommitIdOutdatedException,
} from '@aws-sdk/client-codecommit';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  branchHead,
  chunkChanges,
  COMMIT_LIMITS,
  commitFiles,
  commitPipelineTest,
  createCommits,
  gitBlobId,
  TEST_COMMIT_FILE,
  type FileChange,
} from '../../../src/aws/codecommit-commit.js';
import { testTarget } from '../../support/target.js';
import { codecommitMock, resetSdkMocks, sentCommands } from '../aws/mock-sdk.js';

const target = testTarget();
const where = { repositoryName: 'machine-translation', branchName: 'main' };
const bytes = (text: string) => new TextEncoder().encode(text);
const put = (path: string, size = 1, mode: 'NORMAL' | 'EXECUTABLE' = 'NORMAL'): FileChange => ({ kind: 'put', path, content: new Uint8Array(size), mode });
const meta = { $metadata: { httpStatusCode: 400 } };

beforeEach(() => resetSdkMocks());

describe('gitBlobId', () => {
  it('is what git hash-object prints, so CodeCommit blob ids compare without downloading content', () => {
    for (const text of ['', 'hello\n', 'line one\nline two\n\u00e9\n']) {
      const expected = execFileSync('git', ['hash-object', '--stdin'], { input: text }).toString().trim();
      expect(gitBlobId(bytes(text))).toBe(expected);
    }
  });
});

describe('chunkChanges', () => {
  it('keeps 100 files in one commit and starts a second at the 101st (MaximumFileEntriesExceededException)', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => put(`f${String(i).padStart(3, '0')}`));
    expect(chunkChanges(hundred).map((c) => c.length)).toStrictEqual([100]);
    const chunks = chunkChanges([...hundred, put('g')]);
    expect(chunks.map((c) => c.length)).toStrictEqual([100, 1]);
    expect(chunks[1]![0]!.path).toBe('g');
  });

  it('starts a new commit before the content passes 7,000,000 bytes, and before one folder passes 6,000,000', () => {
    const chunks = chunkChanges([put('a/1', 3_000_000), put('b/2', 3_000_000), put('c/3', 1_000_000), put('d/4', 1)]);
    expect(chunks.map((c) => c.map((f) => f.path))).toStrictEqual([['a/1', 'b/2', 'c/3'], ['d/4']]);
    const folder = chunkChanges([put('a/1', 3_000_000), put('a/2', 3_000_000), put('a/3', 1)]);
    expect(folder.map((c) => c.map((f) => f.path))).toStrictEqual([['a/1', 'a/2'], ['a/3']]);
    expect(chunkChanges([put('a/1', 3_000_001), put('a/2', 3_000_000)]).length).toBe(2);
  });

  it('puts deletions first, then mode changes, then files by path', () => {
    const chunks = chunkChanges([put('z'), { kind: 'mode', path: 'm', mode: 'EXECUTABLE' }, { kind: 'delete', path: 'y' }, put('a')], { ...COMMIT_LIMITS, maxFileEntries: 2 });
    expect(chunks.map((c) => c.map((f) => `${f.kind}:${f.path}`))).toStrictEqual([['delete:y', 'mode:m'], ['put:a', 'put:z']]);
  });
});

describe('createCommits', () => {
  it('chains the commits by parentCommitId; the first commit of an empty repository has none', async () => {
    codecommitMock.on(CreateCommitCommand).resolvesOnce({ commitId: 'c1' }).resolvesOnce({ commitId: 'c2' });
    const script = bytes('#!/bin/sh\n');
    const ids = await createCommits(target, where, undefined, 'push', [
      [{ kind: 'delete', path: 'old.txt' }, { kind: 'mode', path: 'run.sh', mode: 'EXECUTABLE' }],
      [{ kind: 'put', path: 'scripts/go.sh', content: script, mode: 'EXECUTABLE' }],
    ]);
    expect(ids).toStrictEqual(['c1', 'c2']);
    expect(sentCommands(codecommitMock)).toStrictEqual([
      [
        'CreateCommitCommand',
        {
          repositoryName: 'machine-translation',
          branchName: 'main',
          commitMessage: 'push (part 1/2)',
          deleteFiles: [{ filePath: 'old.txt' }],
          setFileModes: [{ filePath: 'run.sh', fileMode: 'EXECUTABLE' }],
        },
      ],
      [
        'CreateCommitCommand',
        {
          repositoryName: 'machine-translation',
          branchName: 'main',
          parentCommitId: 'c1',
          commitMessage: 'push (part 2/2)',
          putFiles: [{ filePath: 'scripts/go.sh', fileMode: 'EXECUTABLE', fileContent: script }],
        },
      ],
    ]);
  });
});

describe('reading the branch', () => {
  it('branchHead: the tip commit, or undefined when the branch does not exist', async () => {
    codecommitMock.on(GetBranchCommand).resolvesOnce({ branch: { branchName: 'main', commitId: 'abc' } }).rejectsOnce(new BranchDoesNotExistException({ message: 'no', ...meta }));
    expect(await branchHead(target, where)).toBe('abc');
    expect(await branchHead(target, where)).toBeUndefined();
    expect(codecommitMock).toHaveReceivedCommandWith(GetBranchCommand, { repositoryName: 'machine-translation', branchName: 'main' });
  });

  it('commitFiles: every page of GetDifferences without beforeCommitSpecifier, with git modes as file modes', async () => {
    codecommitMock
      .on(GetDifferencesCommand)
      .resolvesOnce({ differences: [{ afterBlob: { path: 'a.txt', blobId: 'b1', mode: '100644' }, changeType: 'A' }], NextToken: 't' })
      .resolvesOnce({
        differences: [
          { afterBlob: { path: 'run.sh', blobId: 'b2', mode: '100755' }, changeType: 'A' },
          { afterBlob: { path: 'vendor/lib', blobId: 'b3', mode: '160000' }, changeType: 'A' },
        ],
      });
    const files = await commitFiles(target, 'machine-translation', 'abc');
    expect([...files]).toStrictEqual([
      ['a.txt', { blobId: 'b1', mode: 'NORMAL' }],
      ['run.sh', { blobId: 'b2', mode: 'EXECUTABLE' }],
    ]);
    expect(sentCommands(codecommitMock)).toStrictEqual([
      ['GetDifferencesCommand', { repositoryName: 'machine-translation', afterCommitSpecifier: 'abc' }],
      ['GetDifferencesCommand', { repositoryName: 'machine-translation', afterCommitSpecifier: 'abc', NextToken: 't' }],
    ]);
  });
});

describe('commitPipelineTest (bootstrap test step)', () => {
  const now = new Date('2026-11-30T05:00:00.000Z');

  it('commits one line to .mtpipe/last-test on the branch tip and returns the commit id', async () => {
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'head' } });
    codecommitMock.on(GetCommitCommand).resolves({ commit: { message: 'mtpipe push from solution' } });
    codecommitMock.on(CreateCommitCommand).resolves({ commitId: 'test1' });
    expect(await commitPipelineTest(target, where, now)).toStrictEqual({ commitId: 'test1', created: true });
    expect(codecommitMock).toHaveReceivedCommandWith(GetCommitCommand, { repositoryName: 'machine-translation', commitId: 'head' });
    expect(codecommitMock.commandCalls(CreateCommitCommand)[0]!.args[0].input).toStrictEqual({
      repositoryName: 'machine-translation',
      branchName: 'main',
      parentCommitId: 'head',
      commitMessage: 'mtpipe: pipeline test (2026-11-30T05:00:00.000Z)',
      putFiles: [{ filePath: TEST_COMMIT_FILE, fileMode: 'NORMAL', fileContent: bytes('2026-11-30T05:00:00.000Z pipeline test commit made by mtpipe bootstrap\n') }],
    });
  });

  it('makes no second test commit when the tip is a test commit already (a rerun after a kill)', async () => {
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'test1' } });
    codecommitMock.on(GetCommitCommand).resolves({ commit: { message: 'mtpipe: pipeline test (2026-11-30T04:00:00.000Z)' } });
    expect(await commitPipelineTest(target, where, now)).toStrictEqual({ commitId: 'test1', created: false });
    expect(codecommitMock).not.toHaveReceivedCommand(CreateCommitCommand);
  });

  it('with the tip its caller read (testStart) sends no GetBranch; a tip moved since is read again', async () => {
    codecommitMock.on(GetCommitCommand).resolves({ commit: { message: 'mtpipe push from solution' } });
    codecommitMock.on(CreateCommitCommand).resolves({ commitId: 'test1' });
    expect(await commitPipelineTest(target, where, now, 'head')).toStrictEqual({ commitId: 'test1', created: true });
    expect(codecommitMock).not.toHaveReceivedCommand(GetBranchCommand);
    expect(codecommitMock).toHaveReceivedCommandWith(CreateCommitCommand, { parentCommitId: 'head' });

    codecommitMock.reset();
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'pushed' } });
    codecommitMock.on(GetCommitCommand).resolves({ commit: { message: 'a push meanwhile' } });
    codecommitMock.on(CreateCommitCommand, { parentCommitId: 'head' }).rejects(new ParentCommitIdOutdatedException({ message: 'outdated', ...meta }));
    codecommitMock.on(CreateCommitCommand, { parentCommitId: 'pushed' }).resolves({ commitId: 'test2' });
    expect(await commitPipelineTest(target, where, now, 'head')).toStrictEqual({ commitId: 'test2', created: true });
    expect(codecommitMock.commandCalls(GetBranchCommand)).toHaveLength(1);
  });

  it('a commit whose response was lost (the retry meets ParentCommitIdOutdatedException) is found on the tip, not made twice', async () => {
    codecommitMock.on(GetBranchCommand).resolvesOnce({ branch: { commitId: 'head' } }).resolvesOnce({ branch: { commitId: 'test1' } });
    codecommitMock
      .on(GetCommitCommand)
      .resolvesOnce({ commit: { message: 'mtpipe push from solution' } })
      .resolvesOnce({ commit: { message: 'mtpipe: pipeline test (2026-11-30T05:00:00.000Z)' } });
    codecommitMock.on(CreateCommitCommand).rejects(new ParentCommitIdOutdatedException({ message: 'outdated', ...meta }));
    expect(await commitPipelineTest(target, where, now)).toStrictEqual({ commitId: 'test1', created: false });
    expect(codecommitMock.commandCalls(CreateCommitCommand)).toHaveLength(1);
  });
});
