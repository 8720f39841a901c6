/**
 * A reader that stops early (`mtpipe bootstrap --yes | head`): the run goes on to its end, its exit code
 * is its own, and nothing is said of the closed pipe.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, explain, removeDirs, runCli, tempDir } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const dirs: string[] = [];

async function mtpipe(args: string[], cwd: string, closeStdoutEarly: boolean) {
  const home = await tempDir('mtpipe-home-');
  dirs.push(home);
  return runCli(args, { cwd, env: cleanEnv({ home, extra: { HF_TOKEN: 'hf_stdoutClosedToken123' } }), closeStdoutEarly });
}

describe('stdout closed by its reader', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));

  it('bootstrap --yes still applies everything and exits 0; the next run has nothing to do', async () => {
    const cwd = await tempDir();
    dirs.push(cwd);
    const cut = await mtpipe(['bootstrap', '--yes', '--endpoint-url', moto], cwd, true);
    expect(cut.code, explain(cut)).toBe(0);
    expect(cut.stderr).not.toMatch(/EPIPE|Node\.js v/);

    const again = await mtpipe(['bootstrap', '--yes', '--endpoint-url', moto], cwd, false);
    expect(again.code, explain(again)).toBe(0);
    expect(again.stdout).toMatch(/^No changes — \d+ resources up to date/m);
  });
});
