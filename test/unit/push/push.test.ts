import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateCommitCommand, GetBranchCommand, GetDifferencesCommand, type CreateCommitCommandInput } from '@aws-sdk/client-codecommit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMIT_LIMITS, gitBlobId } from '../../../src/aws/codecommit-commit.js';
import { push, pushNotes, type PushSession } from '../../../src/commands/push.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { MtpipeError } from '../../../src/errors.js';
import { testTarget } from '../../support/target.js';
import { codecommitMock, resetSdkMocks, sentCommands } from '../aws/mock-sdk.js';

const config = configSchema.parse(defaultConfig('us-east-1'));
const RENDERED = ['appspec.yml', 'buildspec-deploy-dev.yml', 'buildspec-deploy-prod.yml', 'buildspec-test-dev.yml', 'buildspec-test-prod.yml', 'buildspec.yml', 'scripts/mtpipe-smoke-test.py'];
const target = testTarget();
const functions = vi.fn(async () => [{ name: 'mt-prompt', logicalId: 'PromptGeneratorCDK' }]);
// fake credentials built at run time, so that no scanner flags this test file itself
const HF = `hf_${'a1B2'.repeat(9)}`;
const KEY_ID = `AKIA${'Q'.repeat(16)}`;
const SECRET = `wJalrXUtnFEMI/K7MDENG/${'b'.repeat(18)}`;

let dir: string;
let warnings: string[];
beforeEach(async () => {
  resetSdkMocks();
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-push-'));
  warnings = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function session(dryRun = false): PushSession {
  return {
    options: { dryRun },
    draft: { config },
    aws: { maxAttempts: 1, retryMode: 'standard', observers: [] },
    reporter: { info: () => undefined, warn: (line) => void warnings.push(line) },
  };
}

async function files(entries: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(entries)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

const sent = (): CreateCommitCommandInput[] => codecommitMock.commandCalls(CreateCommitCommand).map((call) => call.args[0].input);
const putPaths = (input: CreateCommitCommandInput | undefined) => (input?.putFiles ?? []).map((f) => f.filePath ?? '');

/** The branch as the emulator would hold it after the commits sent so far. */
function branchAfter(inputs: CreateCommitCommandInput[]) {
  const tree = new Map<string, { blobId: string; mode: string }>();
  for (const input of inputs) {
    for (const f of input.deleteFiles ?? []) tree.delete(f.filePath!);
    for (const f of input.putFiles ?? []) tree.set(f.filePath!, { blobId: gitBlobId(f.fileContent!), mode: f.fileMode === 'EXECUTABLE' ? '100755' : '100644' });
    for (const f of input.setFileModes ?? []) tree.set(f.filePath!, { ...tree.get(f.filePath!)!, mode: f.fileMode === 'EXECUTABLE' ? '100755' : '100644' });
  }
  return { differences: [...tree].map(([path, blob]) => ({ afterBlob: { path, ...blob }, changeType: 'A' as const })) };
}

describe('mtpipe push (SDK inputs)', () => {
  it('first push of an empty repository: one commit without parent, DIR less .gitignore plus the rendered files; the smoke test executable', async () => {
    await files({ '.gitignore': 'build/\n*.log\n', 'app.py': 'print(1)\n', 'build/out.js': 'x', 'debug.log': 'x', 'deployment/cdk.json': '{}' });
    await writeFile(join(dir, 'run.sh'), '#!/bin/sh\n');
    await chmod(join(dir, 'run.sh'), 0o755);
    codecommitMock.on(GetBranchCommand).rejects(Object.assign(new Error('no branch'), { name: 'BranchDoesNotExistException' }));
    codecommitMock.on(CreateCommitCommand).resolves({ commitId: 'c1' });

    const result = await push(session(), { source: dir }, { target, functions });

    const [input] = sent();
    expect(input).toMatchObject({ repositoryName: 'machine-translation', branchName: 'main', commitMessage: `mtpipe push from ${dir.split('/').pop()}` });
    expect(input).not.toHaveProperty('parentCommitId');
    expect(putPaths(input)).toStrictEqual([...['.gitignore', 'app.py', 'deployment/cdk.json', 'run.sh'], ...RENDERED].sort());
    const mode = (path: string) => input!.putFiles!.find((f) => f.filePath === path)!.fileMode;
    expect([mode('run.sh'), mode('scripts/mtpipe-smoke-test.py'), mode('app.py')]).toStrictEqual(['EXECUTABLE', 'EXECUTABLE', 'NORMAL']);
    expect(result).toMatchObject({ commitIds: ['c1'], changed: [], deleted: [] });
    expect(result.added).toHaveLength(11);
    expect(codecommitMock).not.toHaveReceivedCommand(GetDifferencesCommand);
  });

  it('a second push of an unchanged tree makes no commit and says so', async () => {
    await files({ 'app.py': 'print(1)\n' });
    codecommitMock.on(GetBranchCommand).rejectsOnce(Object.assign(new Error('no branch'), { name: 'BranchDoesNotExistException' }));
    codecommitMock.on(CreateCommitCommand).resolves({ commitId: 'c1' });
    await push(session(), { source: dir }, { target, functions });
    const first = sent();

    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'c1' } });
    codecommitMock.on(GetDifferencesCommand).resolves(branchAfter(first));
    const again = await push(session(), { source: dir }, { target, functions });

    expect(sent()).toHaveLength(1);
    expect(again).toMatchObject({ head: 'c1', commitIds: [], added: [], changed: [], deleted: [] });
    expect(pushNotes(again)).toStrictEqual([`No changes: machine-translation branch main already holds the files of ${dir} (commit c1); no commit made.`]);
  });

  it('sends only what differs: changed content, a mode change as setFileModes, deletions; never deletes .mtpipe/', async () => {
    await files({ 'app.py': 'print(2)\n', 'same.txt': 'same\n', 'run.sh': '#!/bin/sh\n' });
    await chmod(join(dir, 'run.sh'), 0o755);
    codecommitMock.on(CreateCommitCommand).resolves({ commitId: 'c1' });
    codecommitMock.on(GetBranchCommand).rejectsOnce(Object.assign(new Error('no branch'), { name: 'BranchDoesNotExistException' }));
    await push(session(), { source: dir }, { target, functions });
    const tree = branchAfter(sent()).differences.filter((d) => !['app.py', 'run.sh'].includes(d.afterBlob.path));
    codecommitMock.resetHistory();
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'head' } });
    codecommitMock.on(GetDifferencesCommand).resolves({
      differences: [
        ...tree,
        { afterBlob: { path: 'app.py', blobId: gitBlobId(new TextEncoder().encode('print(1)\n')), mode: '100644' }, changeType: 'A' },
        { afterBlob: { path: 'run.sh', blobId: gitBlobId(new TextEncoder().encode('#!/bin/sh\n')), mode: '100644' }, changeType: 'A' },
        { afterBlob: { path: 'old/gone.txt', blobId: 'f'.repeat(40), mode: '100644' }, changeType: 'A' },
        { afterBlob: { path: '.mtpipe/last-test', blobId: 'e'.repeat(40), mode: '100644' }, changeType: 'A' },
      ],
    });
    codecommitMock.on(CreateCommitCommand).resolves({ commitId: 'c2' });

    const result = await push(session(), { source: dir, message: 'update' }, { target, functions });

    expect(sentCommands(codecommitMock).filter(([name]) => name === 'CreateCommitCommand')).toStrictEqual([
      [
        'CreateCommitCommand',
        {
          repositoryName: 'machine-translation',
          branchName: 'main',
          parentCommitId: 'head',
          commitMessage: 'update',
          putFiles: [{ filePath: 'app.py', fileMode: 'NORMAL', fileContent: new TextEncoder().encode('print(2)\n') }],
          deleteFiles: [{ filePath: 'old/gone.txt' }],
          setFileModes: [{ filePath: 'run.sh', fileMode: 'EXECUTABLE' }],
        },
      ],
    ]);
    expect(result).toMatchObject({ commitIds: ['c2'], added: [], changed: ['app.py', 'run.sh'], deleted: ['old/gone.txt'] });
  });

  it('chunks at the limit of file entries, each commit on the previous one', async () => {
    await files(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, `${i}\n`])));
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'head' } });
    codecommitMock.on(GetDifferencesCommand).resolves({ differences: [] });
    codecommitMock.on(CreateCommitCommand).resolvesOnce({ commitId: 'c1' }).resolvesOnce({ commitId: 'c2' }).resolvesOnce({ commitId: 'c3' }).resolves({ commitId: 'c4' });

    const result = await push(session(), { source: dir, message: 'm' }, { target, functions, limits: { ...COMMIT_LIMITS, maxFileEntries: 5 } });

    expect(sent().map((input) => [input.parentCommitId, input.commitMessage, input.putFiles!.length])).toStrictEqual([
      ['head', 'm (part 1/3)', 5],
      ['c1', 'm (part 2/3)', 5],
      ['c2', 'm (part 3/3)', 2],
    ]);
    expect(result.commitIds).toStrictEqual(['c1', 'c2', 'c3']);
  });

  it('when the branch moved under the commit (a lost response retried, another push) it compares again with the new tip', async () => {
    await files({ 'app.py': 'print(1)\n' });
    codecommitMock.on(GetBranchCommand).resolvesOnce({ branch: { commitId: 'head' } }).resolves({ branch: { commitId: 'theirs' } });
    codecommitMock.on(GetDifferencesCommand).resolves({ differences: [] });
    codecommitMock
      .on(CreateCommitCommand)
      .rejectsOnce(Object.assign(new Error('outdated'), { name: 'ParentCommitIdOutdatedException' }))
      .resolves({ commitId: 'c2' });
    const result = await push(session(), { source: dir }, { target, functions });
    expect(sent().map((input) => input.parentCommitId)).toStrictEqual(['head', 'theirs']);
    expect(codecommitMock).toHaveReceivedNthCommandWith(GetDifferencesCommand, 2, { repositoryName: 'machine-translation', afterCommitSpecifier: 'theirs' });
    expect(result).toMatchObject({ head: 'theirs', commitIds: ['c2'] });
  });

  it('--dry-run reads the branch and lists what it would commit, writing nothing', async () => {
    await files({ 'app.py': 'print(1)\n' });
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'head' } });
    codecommitMock.on(GetDifferencesCommand).resolves({ differences: [{ afterBlob: { path: 'old.txt', blobId: 'f'.repeat(40), mode: '100644' }, changeType: 'A' }] });
    const result = await push(session(true), { source: dir }, { target, functions });
    expect(codecommitMock).not.toHaveReceivedCommand(CreateCommitCommand);
    expect(result).toMatchObject({ dryRun: true, commitIds: [], deleted: ['old.txt'] });
    expect(pushNotes(result).slice(0, 2)).toStrictEqual(['Dry run: nothing committed. Would commit to machine-translation branch main (8 added, 0 changed, 1 deleted):', '  + app.py']);
    expect(pushNotes(result)).toContain('  - old.txt');
  });
});

describe('mtpipe push refuses credentials before any AWS call', () => {
  const leaky = {
    '.env.local': 'A=1\n',
    'keys/deploy.pem': `comment\n-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n`,
    'src/settings.py': `# settings\nX = 1\nTOKEN = "${HF}"\n`,
    'notes/aws.txt': `key ${KEY_ID}\nsecret ${SECRET}\n`,
  };

  it('names each file, line and why (exit 2), never the secret itself', async () => {
    await files({ ...leaky, 'app.py': `commit = "${'a'.repeat(40)}"\nid = "${KEY_ID}"\n` });
    const error = await push(session(), { source: dir }, { target, functions }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MtpipeError);
    expect((error as MtpipeError).exitCode).toBe(2);
    expect((error as MtpipeError).message).toBe(
      [
        'files that look like they hold credentials:',
        '  .env.local: a .env file (environment variables often hold secrets)',
        '  keys/deploy.pem:2: a private key',
        '  notes/aws.txt:1: an AWS access key id with a secret access key',
        '  src/settings.py:3: a Hugging Face token (hf_…)',
      ].join('\n'),
    );
    for (const secret of [HF, KEY_ID, SECRET]) expect(JSON.stringify(error) + (error as Error).message + ((error as MtpipeError).hint ?? '')).not.toContain(secret);
    expect(codecommitMock.calls()).toHaveLength(0);
  });

  it('pushes them when excluded (.gitignore or --exclude) or allowed (--allow-file)', async () => {
    await files({ ...leaky, '.gitignore': '.env*\n' });
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'head' } });
    codecommitMock.on(GetDifferencesCommand).resolves({ differences: [] });
    codecommitMock.on(CreateCommitCommand).resolves({ commitId: 'c1' });
    await push(session(), { source: dir, exclude: ['keys/', 'notes/*.txt'], allowFile: ['./src/settings.py'] }, { target, functions });
    const paths = putPaths(sent()[0]);
    expect(paths).toContain('src/settings.py');
    expect(paths.filter((p) => ['.env.local', 'keys/deploy.pem', 'notes/aws.txt'].includes(p))).toStrictEqual([]);
  });

  it('refuses a file over 6,000,000 bytes (CodeCommit API limit) before any AWS call', async () => {
    await files({ 'model.bin': 'x'.repeat(6_000_001) });
    const error = await push(session(), { source: dir }, { target, functions }).catch((e: unknown) => e);
    expect((error as MtpipeError).exitCode).toBe(2);
    expect((error as MtpipeError).message).toContain('model.bin (6000001 bytes)');
    expect(codecommitMock.calls()).toHaveLength(0);
  });
});

describe('mtpipe push in a git work tree', () => {
  it('sends what git ls-files --cached --others --exclude-standard lists', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'pipe' });
    git('init', '-q');
    await files({ '.gitignore': 'ignored.txt\n', 'tracked.txt': 't\n', 'ignored.txt': 'i\n', 'untracked.txt': 'u\n', 'info/exclude-me.txt': 'x\n' });
    await writeFile(join(dir, '.git', 'info', 'exclude'), 'info/\n');
    git('add', 'tracked.txt', '.gitignore');
    codecommitMock.on(GetBranchCommand).resolves({ branch: { commitId: 'head' } });
    codecommitMock.on(GetDifferencesCommand).resolves({ differences: [] });
    codecommitMock.on(CreateCommitCommand).resolves({ commitId: 'c1' });
    await push(session(), { source: dir }, { target, functions });
    expect(putPaths(sent()[0]).filter((p) => !RENDERED.includes(p))).toStrictEqual(['.gitignore', 'tracked.txt', 'untracked.txt']);
  });
});
