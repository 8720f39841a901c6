import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertBuilt, BIN, cleanEnv, explain, removeDirs, ROOT, runCli, tempDir, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

// Issue 12: dist/'s chunks compile with the V8 code cache the build wrote (scripts/compile-cache.js,
// bin/compile-cache.js) when bin/mtpipe runs with its shebang's Node flags, as `npx mtpipe` does;
// with other flags V8 refuses the cache and the run is the same, compiled from the sources.
const moto = inject('motoUrl');
const COUNT = join(ROOT, 'test', 'support', 'count-code-cache.cjs');
const dirs: string[] = [];

async function dir(prefix?: string): Promise<string> {
  const made = await tempDir(prefix);
  dirs.push(made);
  return made;
}

/** How many chunks the build wrote a cache for (with this Node). */
function cachedChunks(): number {
  const index = join(ROOT, 'dist', 'compile-cache', `${process.version}-${process.arch}`, 'index.json');
  return Object.keys(JSON.parse(readFileSync(index, 'utf8')) as object).length;
}

/** The Node flags of bin/mtpipe's shebang. */
function shebangFlags(): string[] {
  const words = readFileSync(BIN, 'utf8').split('\n', 1)[0]!.replace(/^#!\s*/, '').split(/\s+/);
  return words.slice(words.indexOf('node') + 1);
}

/** One run with the counting preload: what it printed and how many scripts came from the cache. */
async function counted(args: string[], options: { cwd: string; nodeArgs: string[]; credentials: boolean }): Promise<CliRun & { accepted: number; rejected: number }> {
  const home = await dir('mtpipe-home-');
  const log = join(home, 'cache.json');
  const run = await runCli(args, {
    cwd: options.cwd,
    env: cleanEnv({ home, credentials: options.credentials, extra: { MTPIPE_CODE_CACHE_LOG: log } }),
    nodeArgs: [...options.nodeArgs, '-r', COUNT],
  });
  expect(run.code, explain(run)).toBe(0);
  return { ...run, ...(JSON.parse(await readFile(log, 'utf8')) as { accepted: number; rejected: number }) };
}

describe('the V8 code cache of dist/', () => {
  beforeAll(() => assertBuilt());
  afterEach(() => removeDirs(dirs));

  it('an offline bootstrap --dry-run with the shebang flags compiles the chunks it loads from the cache, and prints what a run without it prints', async () => {
    const cwd = await dir();
    expect((await runCli(['init'], { cwd, env: cleanEnv({ home: await dir(), credentials: false }) })).code).toBe(0);
    for (const extra of [[], ['--json']]) {
      const cached = await counted(['bootstrap', '--dry-run', ...extra], { cwd, nodeArgs: shebangFlags(), credentials: false });
      const plain = await counted(['bootstrap', '--dry-run', ...extra], { cwd, nodeArgs: [], credentials: false });
      // the build's own offline runs loaded the same chunks
      expect(cached.accepted).toBe(cachedChunks());
      expect(cached.rejected).toBe(0);
      // other V8 flags: refused once, then not tried again
      expect(plain).toMatchObject({ accepted: 0, rejected: 1 });
      expect(cached.stdout).toBe(plain.stdout);
      expect(cached.stderr).toBe(plain.stderr);
    }
  });

  it('with --enable-source-maps nothing comes from the cache (stack traces then map to src/)', async () => {
    const run = await counted(['bootstrap', '--dry-run'], { cwd: await dir(), nodeArgs: [...shebangFlags(), '--enable-source-maps'], credentials: false });
    expect(run).toMatchObject({ accepted: 0, rejected: 0 });
  });

  it('a bootstrap --dry-run against AWS (SDK chunks loaded, cached chunks calling them) prints what a run without the cache prints', async () => {
    await resetMoto(moto);
    const cwd = await dir();
    const cached = await counted(['bootstrap', '--dry-run', '--endpoint-url', moto], { cwd, nodeArgs: shebangFlags(), credentials: true });
    const plain = await counted(['bootstrap', '--dry-run', '--endpoint-url', moto], { cwd, nodeArgs: [], credentials: true });
    // cli.js, its shared chunk, mtpipe's own chunk at least (the credential chain stops at the environment's keys)
    expect(cached.accepted).toBeGreaterThanOrEqual(3);
    expect(cached.rejected).toBe(0);
    expect(cached.stdout).toContain('Plan:');
    expect(cached.stdout).toBe(plain.stdout);
    expect(cached.stderr).toBe(plain.stderr);
  });
});
