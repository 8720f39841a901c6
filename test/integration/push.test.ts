import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CodeCommitClient, GetBranchCommand, GetCommitCommand, GetDifferencesCommand, GetFileCommand } from '@aws-sdk/client-codecommit';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { isReadOperation, type AwsCall } from '../../src/aws/call-log.js';
import { commitPipelineTest, gitBlobId, TEST_COMMIT_FILE } from '../../src/aws/codecommit-commit.js';
import { initRepo } from '../../src/commands/init-repo.js';
import { push, type PushRequest } from '../../src/commands/push.js';
import { openSession } from '../../src/commands/session.js';
import { NonInteractivePrompter } from '../../src/ui/prompter.js';
import { ConsoleReporter } from '../../src/ui/reporter.js';
import { validateCalls } from '../support/api-models.js';
import { captureStream, runInProcess, SHARED_ACCOUNT_OVERRIDES } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { stateClients } from '../support/aws-state.js';
import { testTarget } from '../support/target.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
const codecommit = new CodeCommitClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
afterAll(() => {
  aws.destroy();
  codecommit.destroy();
});
const REPOSITORY = 'machine-translation';
/** What `mtpipe render` writes for the tests' two environments. */
const RENDERED = ['appspec.yml', 'buildspec-deploy-dev.yml', 'buildspec-deploy-prod.yml', 'buildspec-test-dev.yml', 'buildspec-test-prod.yml', 'buildspec.yml', 'scripts/mtpipe-smoke-test.py'];

let dir: string;
beforeEach(async () => {
  await resetMoto(moto);
  dir = await mkdtemp(join(tmpdir(), 'mtpipe-push-it-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function files(entries: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(entries)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** Runs `mtpipe push` in-process like the CLI does (session, real SDK over HTTP), recording every AWS call. */
async function runPush(request: PushRequest, options: { dryRun?: boolean } = {}) {
  const calls: AwsCall[] = [];
  const stderr = captureStream();
  const reporter = new ConsoleReporter({ json: false, debug: false, color: false, stdout: captureStream(), stderr });
  const session = await openSession(
    { yes: true, dryRun: options.dryRun ?? false, json: false, debug: false, color: false, adopt: false, concurrency: 8, endpointUrl: moto },
    { overrides: SHARED_ACCOUNT_OVERRIDES, flagFor: () => undefined },
    { reporter, prompter: new NonInteractivePrompter(), observers: [(call) => calls.push(call)] },
  );
  const result = await push(session, { source: dir, ...request });
  return { result, calls, writes: calls.filter((call) => !isReadOperation(call.operation)), stderr: stderr.text() };
}

/** The branch's files as CodeCommit lists them: path → blob id and git mode. */
async function branchFiles(): Promise<Map<string, { blobId: string; mode: string }>> {
  const { branch } = await codecommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' }));
  const { differences } = await codecommit.send(new GetDifferencesCommand({ repositoryName: REPOSITORY, afterCommitSpecifier: branch!.commitId! }));
  return new Map((differences ?? []).map((d) => [d.afterBlob!.path!, { blobId: d.afterBlob!.blobId!, mode: d.afterBlob!.mode! }]));
}

describe('mtpipe push against moto', () => {
  beforeEach(async () => {
    const run = await runInProcess('init-repo', [initRepo], moto);
    expect(run.error).toBeUndefined();
  });

  it('puts DIR less its .gitignore, plus the rendered files, on the branch; a second push makes no commit', async () => {
    await files({
      '.gitignore': 'cdk.out/\n*.pyc\n',
      'deployment/app.py': 'import aws_cdk\n',
      'deployment/cdk.out/manifest.json': '{}',
      'source/lambda/handler.pyc': 'x',
      'source/lambda/handler.py': 'def handler(event, context):\n    return event\n',
      'source/sagemaker/.gitignore': 'model/\n!keep.txt\n',
      'source/sagemaker/model/weights.bin': 'w',
      'source/sagemaker/keep.txt': 'k\n',
    });
    await writeFile(join(dir, 'source/sagemaker/build_and_push.sh'), '#!/bin/bash\necho build\n');
    await chmod(join(dir, 'source/sagemaker/build_and_push.sh'), 0o755);

    const first = await runPush({});
    expect(first.writes.map((call) => call.operation)).toStrictEqual(['CreateCommit']);
    const branch = await branchFiles();
    expect([...branch.keys()].sort()).toStrictEqual(
      [
        '.gitignore',
        'deployment/app.py',
        'source/lambda/handler.py',
        'source/sagemaker/.gitignore',
        'source/sagemaker/build_and_push.sh',
        'source/sagemaker/keep.txt',
        ...RENDERED,
      ].sort(),
    );
    expect(branch.get('source/lambda/handler.py')!.blobId).toBe(gitBlobId(new TextEncoder().encode('def handler(event, context):\n    return event\n')));
    expect(branch.get('source/sagemaker/build_and_push.sh')!.mode).toBe('100755');
    expect(branch.get('scripts/mtpipe-smoke-test.py')!.mode).toBe('100755');
    expect(branch.get('deployment/app.py')!.mode).toBe('100644');
    expect(first.result.commitIds).toHaveLength(1);
    // every request as the AWS API model (botocore's) allows it
    expect(validateCalls(first.calls).violations).toStrictEqual([]);

    const second = await runPush({});
    expect(second.writes).toStrictEqual([]);
    expect(second.result).toMatchObject({ commitIds: [], added: [], changed: [], deleted: [], head: first.result.commitIds[0] });
  });

  it('a file removed from DIR is deleted from the branch; a changed one updated; in several commits at the limit', async () => {
    await files(Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`data/f${String(i).padStart(3, '0')}.txt`, `${i}\n`])));
    const first = await runPush({ message: 'initial' });
    expect(first.result.commitIds).toHaveLength(2);
    const { commit } = await codecommit.send(new GetCommitCommand({ repositoryName: REPOSITORY, commitId: first.result.commitIds[1]! }));
    expect(commit).toMatchObject({ parents: [first.result.commitIds[0]], message: 'initial (part 2/2)' });

    await rm(join(dir, 'data/f000.txt'));
    await writeFile(join(dir, 'data/f001.txt'), 'changed\n');
    const second = await runPush({});
    expect(second.result).toMatchObject({ added: [], changed: ['data/f001.txt'], deleted: ['data/f000.txt'] });
    expect(validateCalls([...first.calls, ...second.calls]).violations).toStrictEqual([]);
    const branch = await branchFiles();
    expect(branch.has('data/f000.txt')).toBe(false);
    expect(branch.get('data/f001.txt')!.blobId).toBe(gitBlobId(new TextEncoder().encode('changed\n')));
  });

  it('--dry-run lists the changes and writes nothing', async () => {
    await files({ 'a.txt': 'a\n' });
    const run = await runPush({}, { dryRun: true });
    expect(run.writes).toStrictEqual([]);
    expect(run.result.added).toContain('a.txt');
    await expect(codecommit.send(new GetBranchCommand({ repositoryName: REPOSITORY, branchName: 'main' }))).rejects.toMatchObject({ name: 'BranchDoesNotExistException' });
  });

  it('the test commit of bootstrap: one line in .mtpipe/last-test, not made twice, and kept by the next push', async () => {
    await files({ 'a.txt': 'a\n' });
    const pushed = await runPush({});
    const target = testTarget({ settings: { endpointUrl: moto } });
    const where = { repositoryName: REPOSITORY, branchName: 'main' };
    const test = await commitPipelineTest(target, where, new Date('2026-11-30T05:00:00.000Z'));
    expect(test.created).toBe(true);
    const { commit } = await codecommit.send(new GetCommitCommand({ repositoryName: REPOSITORY, commitId: test.commitId }));
    expect(commit?.parents).toStrictEqual(pushed.result.commitIds);
    const file = await codecommit.send(new GetFileCommand({ repositoryName: REPOSITORY, filePath: TEST_COMMIT_FILE }));
    expect(new TextDecoder().decode(file.fileContent)).toBe('2026-11-30T05:00:00.000Z pipeline test commit made by mtpipe bootstrap\n');

    expect(await commitPipelineTest(target, where)).toStrictEqual({ commitId: test.commitId, created: false });
    const again = await runPush({});
    expect(again.writes).toStrictEqual([]);
    target.clients.destroy();
  });
});
