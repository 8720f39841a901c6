import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, explain, removeDirs, runCli, tempDir, writeTestConfig } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { startRecorder } from '../support/recorder.js';

// mtpipe destroy as a user runs it: bin/mtpipe spawned, against moto.

const moto = inject('motoUrl');
const dirs: string[] = [];
beforeAll(() => assertBuilt());
afterAll(() => removeDirs(dirs));

async function project(): Promise<{ cwd: string; env: Record<string, string> }> {
  const cwd = await tempDir();
  const home = await tempDir('mtpipe-home-');
  dirs.push(cwd, home);
  await writeTestConfig(cwd);
  return { cwd, env: cleanEnv({ home, extra: { HF_TOKEN: 'hf_e2eDestroyToken0123456789' } }) };
}

describe('mtpipe destroy', () => {
  beforeEach(() => resetMoto(moto));

  it('non-interactive (CI=true) without --yes: exit 2 naming the rule, before any AWS call', async () => {
    const { cwd, env } = await project();
    const recorder = await startRecorder(moto);
    try {
      const run = await runCli(['destroy', '--endpoint-url', recorder.url], { cwd, env });
      expect(run.code, explain(run)).toBe(2);
      expect(run.stderr).toContain('error: invalid input: destroy in a non-interactive run (CI=true or no terminal) needs --yes: nobody can confirm the deletions');
      expect(run.stderr).toContain('hint: add --yes (and --include-data to delete the repository, buckets and images too)');
      expect(run.stdout).toBe('');
      const json = await runCli(['destroy', '--include-data', '--json', '--endpoint-url', recorder.url], { cwd, env });
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'invalid_input' } });
      expect(recorder.requests).toEqual([]);
    } finally {
      await recorder.close();
    }
  });

  it('after bootstrap --yes: destroy --yes deletes, keeps the data and says so; the second says there is nothing to delete', async () => {
    const { cwd, env } = await project();
    const boot = await runCli(['bootstrap', '--yes', '--endpoint-url', moto], { cwd, env });
    expect(boot.code, explain(boot)).toBe(0);
    const first = await runCli(['destroy', '--yes', '--endpoint-url', moto], { cwd, env });
    expect(first.code, explain(first)).toBe(0);
    expect(first.stdout).toContain('deleted   codepipeline:pipeline mt-pipeline-pipeline');
    expect(first.stdout).toContain('kept codecommit:repository machine-translation: data: kept without --include-data');
    const second = await runCli(['destroy', '--yes', '--json', '--endpoint-url', moto], { cwd, env });
    expect(second.code, explain(second)).toBe(0);
    const document = JSON.parse(second.stdout) as { command: string; changes: unknown[]; outputs: { destroy: { deleted: unknown[]; kept: { name: string; reason: string }[] } } };
    expect(document.command).toBe('destroy');
    expect(document.changes).toEqual([]);
    expect(document.outputs.destroy.deleted).toEqual([]);
    expect(document.outputs.destroy.kept.map((k) => k.reason), JSON.stringify(document.outputs.destroy.kept)).toEqual(Array(7).fill('data'));
  });
});
