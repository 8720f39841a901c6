import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, explain, runCli } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { destroyClients, findRepository, motoClients } from '../support/moto-state.js';
import { PLACED, TerminalRuns } from '../support/terminal.js';
import type { TmuxSession } from '../support/tmux.js';

// destroy's confirmation on a real terminal (tmux): y/N, and the project name typed for data.

const moto = inject('motoUrl');
const clients = motoClients(moto);
const terminal = new TerminalRuns(moto);

/** init-repo --yes (not on a terminal), then `mtpipe destroy ...args` on one, CI unset, no --yes. */
async function destroyOnTerminal(args: string[]): Promise<TmuxSession> {
  const where = await terminal.workDirs(PLACED);
  const made = await runCli(['init-repo', '--yes', '--endpoint-url', moto], { cwd: where.cwd, env: cleanEnv({ home: where.home }) });
  expect(made.code, explain(made)).toBe(0);
  return terminal.start(['destroy', ...args], where);
}

describe('destroy on a real terminal (tmux)', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => terminal.cleanUp());
  afterAll(() => destroyClients(clients));

  it('asks y/N with No as the default: Enter deletes nothing (exit 130)', async () => {
    const tty = await destroyOnTerminal([]);
    const plan = await tty.waitFor('Delete?');
    expect(plan).toContain('- iam:group mt-pipeline-developers');
    expect(plan).toContain('not deleted: codecommit:repository machine-translation (data: kept without --include-data)');
    expect(plan).toMatch(/This plan \(\d+ changes\) deletes \d+ resources/);
    await tty.press('Enter');
    expect(await tty.exitCode(), await tty.capture()).toBe(130);
    expect(await findRepository(clients, 'machine-translation')).toBeDefined();
  });

  it('--include-data: another answer than the project name deletes nothing (exit 130)', async () => {
    const tty = await destroyOnTerminal(['--include-data']);
    await tty.waitFor('Type the project name (mt-pipeline) to confirm');
    await tty.type('yes');
    const code = await tty.exitCode();
    const screen = await tty.capture();
    expect(code, screen).toBe(130);
    expect(screen).toContain('"yes" is not the project name mt-pipeline: nothing was deleted');
    expect(await findRepository(clients, 'machine-translation')).toBeDefined();
  });

  it('--include-data: the project name typed deletes the repository too', async () => {
    const tty = await destroyOnTerminal(['--include-data']);
    await tty.waitFor('Type the project name (mt-pipeline) to confirm');
    await tty.type('mt-pipeline');
    const code = await tty.exitCode();
    const screen = await tty.capture();
    expect(code, screen).toBe(0);
    expect(screen).toContain('deleted   codecommit:repository machine-translation');
    expect(await findRepository(clients, 'machine-translation')).toBeUndefined();
  });
});
