import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { assertBuilt, cleanEnv, explain, removeDirs, runCli, tempDir, TEST_ENVIRONMENTS_YAML, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { destroyClients, findRepository, motoClients } from '../support/moto-state.js';

const moto = inject('motoUrl');
const clients = motoClients(moto);
const dirs: string[] = [];
const WARNING =
  'warning: --repository-name other-repo differs from mtpipe.yaml (repository.name: machine-translation): the next run without it will undo it; add --save to keep it';

async function project(): Promise<(args: string[]) => Promise<CliRun>> {
  const home = await tempDir('mtpipe-home-');
  const cwd = await tempDir();
  dirs.push(home, cwd);
  return (args) => runCli([...args, '--endpoint-url', moto], { cwd, env: cleanEnv({ home, extra: { HF_TOKEN: 'hf_saveTest' } }), timeoutMs: 90_000 });
}

describe('flags and mtpipe.yaml (non-interactive)', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => destroyClients(clients));

  it('a flag that differs from mtpipe.yaml says the next run will undo it; --save keeps it, comments and all', async () => {
    const mtpipe = await project();
    expect((await mtpipe(['init'])).code).toBe(0);
    const file = join(dirs.at(-1)!, 'mtpipe.yaml');
    // moto has one account: prod may share it (the template's commented hint, taken)
    const initTemplate = await readFile(file, 'utf8');
    const template = initTemplate.replace(/# (allowSharedAccount: true)[^\n]*/, '$1');
    expect(template).not.toBe(initTemplate);
    await writeFile(file, template);

    const flagged = await mtpipe(['init-repo', '--yes', '--repository-name', 'other-repo']);
    expect(flagged.code, explain(flagged)).toBe(0);
    expect(flagged.stderr).toContain(WARNING);
    expect(await readFile(file, 'utf8')).toBe(template);
    // what the warning says: a plain run plans the repository under its configured name again
    const plain = await mtpipe(['init-repo', '--dry-run']);
    expect(plain.stdout).toContain('+ codecommit:repository machine-translation');

    // a dry run with --save shows, but writes nothing
    const dry = await mtpipe(['init-repo', '--dry-run', '--repository-name', 'other-repo', '--save']);
    expect(dry.code, explain(dry)).toBe(0);
    expect(dry.stderr).toContain('mtpipe.yaml keeps (not written: this is a dry run):\n  repository.name: other-repo');
    expect(await readFile(file, 'utf8')).toBe(template);

    const saved = await mtpipe(['init-repo', '--yes', '--repository-name', 'other-repo', '--save']);
    expect(saved.code, explain(saved)).toBe(0);
    expect(saved.stderr).not.toContain('warning:');
    expect(saved.stderr).toContain('mtpipe.yaml keeps (written when the plan is applied):\n  repository.name: other-repo');
    expect(saved.stderr).toContain('wrote repository.name to mtpipe.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toBe(template.replace('  name: machine-translation\n', '  name: other-repo\n'));

    const after = await mtpipe(['init-repo', '--dry-run']);
    expect(after.code, explain(after)).toBe(0);
    expect(after.stdout).toMatch(/Plan: 0 to create, 0 to update, 0 to delete, \d+ unchanged( \(and \d+ read only, not managed by this command\))?\./);
  }, 120_000);

  it('bootstrap --yes --repository-name other-repo --save on a fresh project: the next plain run has no changes', async () => {
    const mtpipe = await project();
    const first = await mtpipe(['bootstrap', '--yes', '--repository-name', 'other-repo', '--save']);
    expect(first.code, explain(first)).toBe(0);
    expect((await findRepository(clients, 'other-repo'))?.repositoryName).toBe('other-repo');
    const file = join(dirs.at(-1)!, 'mtpipe.yaml');
    expect(existsSync(file)).toBe(true);
    // the tests' configuration (prod shares moto's one account), with the saved flag added
    expect(parse(await readFile(file, 'utf8'))).toEqual({ ...parse(TEST_ENVIRONMENTS_YAML), repository: { name: 'other-repo' } });

    const second = await mtpipe(['bootstrap', '--dry-run']);
    expect(second.code, explain(second)).toBe(0);
    expect(second.stdout).toMatch(/Plan: 0 to create, 0 to update, 0 to delete, \d+ unchanged( \(and \d+ read only, not managed by this command\))?\./);
    expect(second.stderr).not.toContain('warning:');
  }, 120_000);
});
