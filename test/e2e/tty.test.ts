import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { destroyClients, findRepository, motoClients, parametersUnder } from '../support/moto-state.js';
import { PLACED, TerminalRuns } from '../support/terminal.js';
import type { TmuxSession } from '../support/tmux.js';

const moto = inject('motoUrl');
const clients = motoClients(moto);
const terminal = new TerminalRuns(moto);

/** mtpipe on a real terminal (tmux), CI unset, no --yes, in a directory with only PLACED as mtpipe.yaml. */
async function startOnTerminal(args: string[]): Promise<TmuxSession> {
  const where = await terminal.workDirs();
  expect(existsSync(join(where.cwd, 'mtpipe.yaml'))).toBe(false);
  await writeFile(join(where.cwd, 'mtpipe.yaml'), PLACED);
  return terminal.start(args, where);
}

describe('prompts on a real terminal (tmux)', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => terminal.cleanUp());
  afterAll(() => destroyClients(clients));

  it('init-repo asks for the repository name and approvals, confirms the plan, then creates it', async () => {
    const name = `tty-repo-${Date.now().toString(36)}`;
    const tty = await startOnTerminal(['init-repo']);
    await tty.waitFor('CodeCommit repository name');
    await tty.type(name);
    await tty.waitFor('Approvals needed to merge a pull request into main');
    await tty.type('2');
    const plan = await tty.waitFor('Apply these');
    expect(plan).toContain(`+ codecommit:repository ${name}`);
    expect(plan).toContain('Plan: 7 to create');
    await tty.type('y');
    const code = await tty.exitCode();
    const screen = await tty.capture();
    expect(code, screen).toBe(0);
    expect(screen).toContain(`git clone https://git-codecommit.us-east-1.amazonaws.com/v1/repos/${name}`);
    expect(screen).toContain('need 2 approval(s)');
    expect((await findRepository(clients, name))?.repositoryName).toBe(name);
  });

  it('Ctrl-C at a prompt aborts with exit 130 and creates nothing', async () => {
    const tty = await startOnTerminal(['init-repo']);
    await tty.waitFor('CodeCommit repository name');
    await tty.type('never-created', false);
    await tty.press('C-c');
    const code = await tty.exitCode();
    expect(code, await tty.capture()).toBe(130);
    expect(await findRepository(clients, 'never-created')).toBeUndefined();
    expect(await findRepository(clients, 'machine-translation')).toBeUndefined();
  });

  it('the Hugging Face token prompt masks what is typed', async () => {
    const token = `hf_ttySecret${Math.random().toString(36).slice(2, 10)}`;
    const tty = await startOnTerminal(['set-params', '--env', 'dev']);
    await tty.waitFor('Hugging Face token');
    // type it in two halves, looking at the screen in between and after
    const half = Math.floor(token.length / 2);
    await tty.type(token.slice(0, half), false);
    await tty.waitFor('*'.repeat(half));
    await tty.type(token.slice(half), false);
    await tty.waitFor('*'.repeat(token.length));
    await tty.press('Enter');
    await tty.waitFor('Apply these');
    await tty.type('y');
    const code = await tty.exitCode();
    await tty.capture();
    expect(code, tty.screens.at(-1)).toBe(0);
    for (const screen of tty.screens) {
      expect(screen).not.toContain(token);
      expect(screen).not.toContain(token.slice(0, half));
    }
    const stored = await parametersUnder(clients, '/mt-pipeline/dev/');
    expect(stored.get('/mt-pipeline/dev/hugging_face_token')).toMatchObject({ Type: 'SecureString', Value: token });
  });

  it.each([[[]], [['--yes']]])('--hf-token-stdin with the terminal on stdin asks with a masked prompt (extra flags: %j)', async (extra) => {
    const token = `hf_ttyStdin${Math.random().toString(36).slice(2, 10)}`;
    const tty = await startOnTerminal(['set-params', '--env', 'dev', '--hf-token-stdin', ...extra]);
    await tty.waitFor('Hugging Face token');
    await tty.type(token, false);
    await tty.waitFor('*'.repeat(token.length));
    await tty.press('Enter');
    if (extra.length === 0) {
      await tty.waitFor('Apply these');
      await tty.type('y');
    }
    const code = await tty.exitCode();
    await tty.capture();
    expect(code, tty.screens.at(-1)).toBe(0);
    for (const screen of tty.screens) expect(screen).not.toContain(token.slice(3, 12));
    const stored = await parametersUnder(clients, '/mt-pipeline/dev/');
    expect(stored.get('/mt-pipeline/dev/hugging_face_token')).toMatchObject({ Type: 'SecureString', Value: token });
  });
});
