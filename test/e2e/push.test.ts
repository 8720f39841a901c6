import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const dirs: string[] = [];
// built at run time, so that no scanner flags this test file itself
const TOKEN = `hf_${'Zy98'.repeat(9)}`;

async function dir(prefix?: string): Promise<string> {
  const made = await tempDir(prefix);
  dirs.push(made);
  return made;
}

async function source(entries: Record<string, string>): Promise<string> {
  const root = await dir('mtpipe-source-');
  for (const [path, content] of Object.entries(entries)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

async function mtpipe(args: string[], cwd: string): Promise<CliRun> {
  return runCli([...args, '--endpoint-url', moto], { cwd, env: cleanEnv({ home: await dir('mtpipe-home-') }) });
}

describe('mtpipe push (bin/mtpipe)', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));

  it('refuses files that look like credentials: exit 2, each file and line named, the secret never printed, no AWS call', async () => {
    const src = await source({ 'app.py': 'print(1)\n', '.env': 'HF_TOKEN=x\n', 'src/settings.py': `# settings\n\nTOKEN = "${TOKEN}"\n` });
    const cwd = await dir();
    const run = await mtpipe(['push', '--source', src, '--debug'], cwd);
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('error: files that look like they hold credentials:\n  .env: a .env file (environment variables often hold secrets)\n  src/settings.py:3: a Hugging Face token (hf_…)\n');
    expect(run.stderr).toContain('hint: nothing was pushed: add them to .gitignore or pass --exclude PATTERN');
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(debugCalls(run.stderr)).toStrictEqual([]);

    const json = await mtpipe(['push', '--source', src, '--json'], cwd);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'credentials_in_source' } });
    expect(json.stdout).not.toContain(TOKEN);
  });

  it('pushes once the files are excluded or allowed; the second push makes no commit', async () => {
    const src = await source({ 'app.py': 'print(1)\n', '.env': 'HF_TOKEN=x\n', 'src/settings.py': `TOKEN = "${TOKEN}"\n` });
    const cwd = await dir();
    const init = await mtpipe(['init-repo', '--yes'], cwd);
    expect(init.code, explain(init)).toBe(0);

    const args = ['push', '--source', src, '--exclude', '.env', '--allow-file', 'src/settings.py', '--message', 'first push'];
    const first = await mtpipe([...args, '--json'], cwd);
    expect(first.code, explain(first)).toBe(0);
    const result = JSON.parse(first.stdout) as { commitIds: string[]; added: string[]; changed: string[]; deleted: string[] };
    expect(result.commitIds).toHaveLength(1);
    expect(result.added).toEqual(expect.arrayContaining(['app.py', 'src/settings.py', 'buildspec.yml', 'scripts/mtpipe-smoke-test.py']));
    expect(result.added).not.toContain('.env');
    expect(result).toMatchObject({ changed: [], deleted: [] });

    const second = await mtpipe([...args, '--debug'], cwd);
    expect(second.code, explain(second)).toBe(0);
    expect(second.stdout).toContain(`No changes: machine-translation branch main already holds the files of ${src} (commit ${result.commitIds[0]}); no commit made.`);
    expect(debugWrites(second.stderr)).toStrictEqual([]);
  });
});
