import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { defaultParameterPaths, destroyClients, motoClients, parametersUnder } from '../support/moto-state.js';
import { startRecorder, type Recorder } from '../support/recorder.js';

const moto = inject('motoUrl');
const TOKEN = `hf_e2eStdin${Math.random().toString(36).slice(2, 12)}`;
const clients = motoClients(moto);
const dirs: string[] = [];

interface RunOptions {
  cwd?: string;
  extra?: Record<string, string>;
  input?: string;
  ci?: boolean;
}

async function mtpipe(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const home = await tempDir('mtpipe-home-');
  dirs.push(home);
  const cwd = options.cwd ?? (await tempDir());
  if (!options.cwd) dirs.push(cwd);
  const env = cleanEnv({ home, ...(options.extra ? { extra: options.extra } : {}), ...(options.ci === undefined ? {} : { ci: options.ci }) });
  return runCli(args, { cwd, env, ...(options.input === undefined ? {} : { input: options.input }) });
}

async function workDir(): Promise<string> {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
}

describe('bad input is refused before any AWS call', () => {
  let counter: Recorder;
  beforeAll(async () => {
    assertBuilt();
    counter = await startRecorder();
  });
  afterAll(() => counter.close());
  afterEach(() => removeDirs(dirs));

  it('a mtpipe.yaml with a bad repository name, an unknown key and an empty value: exit 2, each field named', async () => {
    const cwd = await workDir();
    await writeFile(
      join(cwd, 'mtpipe.yaml'),
      ['repository:', '  name: my repo', 'colour: blue', 'parameters:', '  input_bucket_name: ""', ''].join('\n'),
    );
    for (const args of [['init-repo', '--yes'], ['set-params', '--yes'], ['bootstrap', '--dry-run']]) {
      const run = await mtpipe([...args, '--endpoint-url', counter.url], { cwd, extra: { HF_TOKEN: 'hf_unused' } });
      expect(run.code, explain(run)).toBe(2);
      expect(run.stderr).toMatch(/repository\.name.*must be/);
      expect(run.stderr).toMatch(/unknown key "colour"/);
      expect(run.stderr).toMatch(/parameters\.input_bucket_name: must not be empty/);
      expect(run.stdout).toBe('');
    }
    expect(counter.requests).toEqual([]);
  });

  it.each([
    { name: '--approvals 0', args: ['init-repo', '--yes', '--approvals', '0'], says: /--approvals.*at least 1/ },
    { name: '--env nosuch', args: ['set-params', '--yes', '--env', 'nosuch'], says: /--env.*"nosuch"/ },
    { name: 'an unknown option', args: ['init-repo', '--yes', '--no-such-option'], says: /unknown option '--no-such-option'/ },
  ])('$name: exit 2 and no AWS call', async ({ args, says }) => {
    const run = await mtpipe([...args, '--endpoint-url', counter.url], { extra: { HF_TOKEN: 'hf_unused' } });
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toMatch(says);
    expect(counter.requests).toEqual([]);
  });

  it('a value of the wrong type is reported as such, not as a missing key', async () => {
    const cwd = await workDir();
    await writeFile(join(cwd, 'mtpipe.yaml'), ['repository:', '  approvals: two', ''].join('\n'));
    const fromFile = await mtpipe(['init-repo', '--yes', '--endpoint-url', counter.url], { cwd });
    const fromFlag = await mtpipe(['init-repo', '--yes', '--approvals', '1.5', '--endpoint-url', counter.url]);
    for (const run of [fromFile, fromFlag]) {
      expect(run.code, explain(run)).toBe(2);
      expect(run.stderr).toMatch(/repository\.approvals \(--approvals\): .*(number|whole)/);
      expect(run.stderr).not.toContain('is required');
    }
    expect(counter.requests).toEqual([]);
  });

  it('control: a valid run does reach a request counter (so the zero counts above mean something)', async () => {
    const control = await startRecorder();
    try {
      const run = await mtpipe(['init-repo', '--dry-run', '--endpoint-url', control.url], { extra: { AWS_MAX_ATTEMPTS: '1' } });
      expect(run.code, explain(run)).toBe(1);
      expect(control.requests.map((r) => r.operation)).toContain('GetCallerIdentity');
    } finally {
      await control.close();
    }
  });
});

describe('missing input in a non-interactive run', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => destroyClients(clients));

  it('set-params without HF_TOKEN: exit 2 naming HF_TOKEN and --hf-token-stdin, nothing written', async () => {
    for (const ci of [true, false]) {
      // CI=true, or simply no terminal on stdin: either way it must fail at once rather than wait
      const run = await mtpipe(['set-params', '--debug', '--endpoint-url', moto], { ci });
      expect(run.code, explain(run)).toBe(2);
      expect(run.stderr).toContain('HF_TOKEN');
      expect(run.stderr).toContain('--hf-token-stdin');
      expect(debugCalls(run.stderr).length).toBeGreaterThan(0);
      expect(debugWrites(run.stderr), run.stderr).toEqual([]);
    }
    expect((await parametersUnder(clients, '/')).size).toBe(0);
  });

  it('--hf-token-stdin reads the token piped on stdin', async () => {
    const run = await mtpipe(['set-params', '--yes', '--hf-token-stdin', '--endpoint-url', moto], { input: `${TOKEN}\n` });
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    const stored = await parametersUnder(clients, '/mt-pipeline/');
    expect([...stored.keys()].sort()).toEqual(defaultParameterPaths().sort());
    expect(stored.get('/mt-pipeline/dev/hugging_face_token')).toMatchObject({ Type: 'SecureString', Value: TOKEN });
    expect(stored.get('/mt-pipeline/prod/hugging_face_token')).toMatchObject({ Type: 'SecureString', Value: TOKEN });
  });

  it('--hf-token-stdin with nothing on stdin: exit 2, nothing written', async () => {
    const run = await mtpipe(['set-params', '--yes', '--hf-token-stdin', '--debug', '--endpoint-url', moto], { input: '' });
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('--hf-token-stdin');
    expect(debugWrites(run.stderr)).toEqual([]);
    expect((await parametersUnder(clients, '/')).size).toBe(0);
  });
});

describe('mtpipe init', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));

  it('writes mtpipe.yaml, refuses to overwrite it without --force, and the file loads', async () => {
    const cwd = await workDir();
    const file = join(cwd, 'mtpipe.yaml');
    const first = await mtpipe(['init'], { cwd });
    expect(first.code, explain(first)).toBe(0);
    expect(first.stdout).toContain('wrote mtpipe.yaml');
    const written = await readFile(file, 'utf8');
    expect(written).toMatch(/^project: mt-pipeline$/m);
    expect(written).toContain('#'); // commented

    // the file as written plans with every default
    const planned = await mtpipe(['set-params', '--dry-run', '--endpoint-url', moto], { cwd, extra: { HF_TOKEN: 'hf_x' } });
    expect(planned.code, explain(planned)).toBe(0);
    expect(planned.stdout).toContain('Plan: 16 to create');

    // edits are kept: a second init refuses
    await writeFile(file, written.replace(/^project: mt-pipeline$/m, 'project: e2e-init'));
    const again = await mtpipe(['init'], { cwd });
    expect(again.code, explain(again)).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(again.stderr).toContain('--force');
    expect(await readFile(file, 'utf8')).toMatch(/^project: e2e-init$/m);

    // and the edited file is what a run reads
    const edited = await mtpipe(['set-params', '--dry-run', '--endpoint-url', moto], { cwd, extra: { HF_TOKEN: 'hf_x' } });
    expect(edited.code, explain(edited)).toBe(0);
    expect(edited.stdout).toContain('+ ssm:parameter /e2e-init/dev/input_bucket_name');

    const forced = await mtpipe(['init', '--force'], { cwd });
    expect(forced.code, explain(forced)).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(written);
  });
});
