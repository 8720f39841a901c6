import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { assertBuilt, cleanEnv, explain, runCli } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { destroyClients, findRepository, motoClients, parametersUnder } from '../support/moto-state.js';
import { TerminalRuns } from '../support/terminal.js';

const moto = inject('motoUrl');
const clients = motoClients(moto);
const MOTO_ACCOUNT = '123456789012';
const terminal = new TerminalRuns(moto);
const workDirs = (config?: string) => terminal.workDirs(config);
const onTerminal = (args: string[], where: { home: string; cwd: string }, extra: Record<string, string> = {}) => terminal.start(args, where, extra);

describe('the wizard on a real terminal (tmux)', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => terminal.cleanUp());
  afterAll(() => destroyClients(clients));

  it('fresh project: asks where things go, requires the token nobody stored, keeps the answers; a plain second run has no changes', async () => {
    const token = `hf_wizard${Math.random().toString(36).slice(2, 10)}`;
    const where = await workDirs();
    const tty = await onTerminal(['bootstrap'], where);

    await tty.waitFor('Project name');
    await tty.type('mt-wizard');
    await tty.waitFor('AWS region');
    await tty.type('');
    // the caller's account, from STS, is offered for the first environment
    await tty.waitFor(`AWS account of environment dev (12 digits; empty: the credentials' account, ${MOTO_ACCOUNT}) (${MOTO_ACCOUNT})`);
    await tty.type('');
    await tty.waitFor('AWS account of environment prod');
    await tty.type('');
    // prod left in dev's account: the fixed names of the sample collide, so sharing is asked, default No
    await tty.waitFor(`prod shares account ${MOTO_ACCOUNT} with dev (fixed resource names collide). Share anyway? (y/N)`);
    await tty.type('y');
    await tty.waitFor('CodeCommit repository name');
    await tty.type('wizard-repo');
    await tty.waitFor('Approvals needed');
    await tty.type('2');

    // nothing is stored in this account: the answer is required, and Enter alone is refused
    await tty.waitFor('Hugging Face token (required: none is stored for dev, prod)');
    await tty.press('Enter');
    await tty.waitFor('a value is required');
    await tty.type(token);

    // the answers are shown before anything is written; the plan touches prod, so the default is No
    const plan = await tty.waitFor(/This plan \(\d+ changes\) changes protected environment prod \(\d+ changes\)\. Apply\? \(y\/N\)/, 60_000);
    expect(plan).toContain('mtpipe.yaml keeps (written when the plan is applied):');
    expect(plan).toContain('  project: mt-wizard');
    expect(plan).toContain(`  environments.dev.account: ${MOTO_ACCOUNT}`);
    expect(plan).toContain('  repository.name: wizard-repo');
    expect(existsSync(join(where.cwd, 'mtpipe.yaml'))).toBe(false);
    await tty.type('y');
    const code = await tty.exitCode(120_000);
    const screen = await tty.capture();
    expect(code, screen).toBe(0);
    for (const seen of tty.screens) expect(seen).not.toContain(token);

    const text = await readFile(join(where.cwd, 'mtpipe.yaml'), 'utf8');
    expect(text).not.toContain(token);
    expect(parse(text)).toMatchObject({
      project: 'mt-wizard',
      region: 'us-east-1',
      repository: { name: 'wizard-repo', approvals: 2 },
      environments: { dev: { account: MOTO_ACCOUNT }, prod: { protected: true, allowSharedAccount: true, account: MOTO_ACCOUNT } },
    });
    expect((await findRepository(clients, 'wizard-repo'))?.repositoryName).toBe('wizard-repo');
    expect((await parametersUnder(clients, '/mt-wizard/dev/')).get('/mt-wizard/dev/hugging_face_token')).toMatchObject({ Value: token });

    // a plain second run on the terminal asks nothing (the stored token is kept) and changes nothing
    await tty.kill();
    await rm(join(where.cwd, '.exit-code'));
    const second = await onTerminal(['bootstrap'], where);
    expect(await second.exitCode(120_000), await second.capture()).toBe(0);
    const last = await second.capture();
    expect(last).toContain('No changes');
    expect(last).not.toContain('Project name');
    expect(last).not.toContain('CodeCommit repository name');
    // and without a terminal
    const again = await runCli(['bootstrap', '--dry-run', '--endpoint-url', moto], { cwd: where.cwd, env: cleanEnv({ home: where.home }) });
    expect(again.code, explain(again)).toBe(0);
    expect(again.stdout).toMatch(/Plan: 0 to create, 0 to update, 0 to delete, \d+ unchanged( \(and \d+ read only, not managed by this command\))?\./);
  }, 240_000);

  it('the token question on a fresh account: required, and Enter alone is asked again', async () => {
    const token = `hf_required${Math.random().toString(36).slice(2, 10)}`;
    const where = await workDirs(`project: mt-pipeline\nregion: us-east-1\nenvironments:\n  dev:\n    account: "${MOTO_ACCOUNT}"\n`);
    const tty = await onTerminal(['set-params'], where);
    await tty.waitFor('Hugging Face token (required: none is stored for dev)');
    await tty.press('Enter');
    await tty.waitFor('a value is required');
    expect(await tty.capture()).not.toContain('Plan:');
    await tty.type(token);
    await tty.waitFor('Apply these 8 change(s)? (Y/n)');
    await tty.type('y');
    expect(await tty.exitCode(), await tty.capture()).toBe(0);
    expect((await parametersUnder(clients, '/mt-pipeline/dev/')).get('/mt-pipeline/dev/hugging_face_token')).toMatchObject({ Value: token });
  }, 90_000);

  it('with the token stored, it is not asked for; a plan that changes only dev defaults to Yes', async () => {
    const where = await workDirs(`project: mt-pipeline\nregion: us-east-1\nenvironments:\n  dev:\n    account: "${MOTO_ACCOUNT}"\n`);
    const first = await runCli(['set-params', '--yes', '--endpoint-url', moto], { cwd: where.cwd, env: cleanEnv({ home: where.home, extra: { HF_TOKEN: 'hf_storedBefore' } }) });
    expect(first.code, explain(first)).toBe(0);
    await writeFile(join(where.cwd, 'mtpipe.yaml'), `project: mt-pipeline\nregion: us-east-1\nenvironments:\n  dev:\n    account: "${MOTO_ACCOUNT}"\n    parameters:\n      input_bucket_name: changed-input\n`);

    const tty = await onTerminal(['set-params'], where);
    const question = await tty.waitFor('Apply these 1 change(s)? (Y/n)');
    expect(question).not.toContain('Hugging Face token');
    await tty.press('Enter');
    expect(await tty.exitCode(), await tty.capture()).toBe(0);
    const stored = await parametersUnder(clients, '/mt-pipeline/dev/');
    expect(stored.get('/mt-pipeline/dev/hugging_face_token')).toMatchObject({ Value: 'hf_storedBefore' });
    expect(stored.get('/mt-pipeline/dev/input_bucket_name')).toMatchObject({ Value: 'changed-input' });
  }, 90_000);

  it('Enter at the confirmation of a plan for protected prod declines: exit 130, nothing written', async () => {
    const where = await workDirs(`project: mt-pipeline\nregion: us-east-1\nenvironments:\n  prod:\n    account: "${MOTO_ACCOUNT}"\n`);
    const tty = await onTerminal(['set-params'], where, { HF_TOKEN: 'hf_neverWritten' });
    await tty.waitFor('This plan (8 changes) changes protected environment prod (8 changes). Apply? (y/N)');
    await tty.press('Enter');
    expect(await tty.exitCode(), await tty.capture()).toBe(130);
    // the user's choice, not an error
    const screen = await tty.capture();
    expect(screen).toContain('aborted: nothing was changed');
    expect(screen).not.toContain('error:');
    expect((await parametersUnder(clients, '/mt-pipeline/prod/')).size).toBe(0);
  }, 90_000);
});
