/**
 * bootstrap's wizard on a real terminal (tmux) from the first question to the watch screen: the plan
 * confirmed once, the test commit confirmed, the execution drawn in place stage by stage to its end,
 * then verify's table.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, removeDirs, tempDir, writeTestConfig } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { writeSourceTree } from '../support/source-tree.js';
import { deploySampleSolution } from '../support/solution-fixture.js';
import { TmuxSession } from '../support/tmux.js';

const moto = inject('motoUrl');
const dirs: string[] = [];
let session: TmuxSession | undefined;

describe('bootstrap on a real terminal, to the watch screen', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(async () => {
    await session?.kill();
    session = undefined;
    await removeDirs(dirs);
  });

  it('asks, shows the plan once, asks before the test commit, draws the execution to its end, verifies', async () => {
    await deploySampleSolution(moto, { endpointName: 'mt-pipeline-dev-qe-endpoint', topicName: 'mt-pipeline-dev-qe-topic' });
    const cwd = await tempDir();
    const home = await tempDir('mtpipe-home-');
    dirs.push(cwd, home);
    // the solution's directory itself: pushed without --source
    await writeSourceTree(cwd);
    await writeTestConfig(cwd);
    // no manual approval on this terminal run: the execution goes through to its end
    const yaml = join(cwd, 'mtpipe.yaml');
    await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('approval: true', 'approval: false'));
    const env = cleanEnv({ home, ci: false, extra: { TERM: 'screen', HF_TOKEN: `hf_tty${Math.random().toString(36).slice(2, 10)}` } });
    session = await TmuxSession.start([process.execPath, BIN, 'bootstrap', '--endpoint-url', moto], { cwd, env });
    const tty = session;

    // every question first, each answered with its offered default (Enter), up to the one plan
    await tty.waitFor('Project name', 60_000);
    const deadline = Date.now() + 120_000;
    const answered: string[] = [];
    let plan = '';
    while (Date.now() < deadline) {
      plan = await tty.capture();
      if (/Apply\? \(y\/N\)/.test(plan)) break;
      const last = plan.trimEnd().split('\n').at(-1) ?? '';
      // a new question on the last line (an answered one is marked ✔ by the prompt library)
      if (last.startsWith('? ') && answered.at(-1) !== last) {
        answered.push(last);
        await tty.press('Enter');
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(answered.join('\n')).toMatch(/Project name[\s\S]*AWS region[\s\S]*AWS account of environment dev/);
    expect(plan).toMatch(/codecommit:branch-files machine-translation:main/);
    await tty.type('y');
    await tty.waitFor('Commit a one-line test change to machine-translation main and watch the pipeline run it? (y/N)', 90_000);
    await tty.type('y');
    // the watch screen: one line per stage and action, redrawn in place
    const watching = await tty.waitFor(/Deploy-prod/, 90_000);
    expect(watching).toMatch(/Source/);
    expect(watching).toMatch(/BuildAndTest/);
    const code = await tty.exitCode(120_000);
    const screen = await tty.capture();
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/for test commit [0-9a-f]{8}: Succeeded/);
  }, 300_000);
});
