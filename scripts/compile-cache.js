// After the bundle is built (scripts/postbuild.js): writes dist/compile-cache/<node version>-<arch>/,
// the V8 code cache of the chunks that an offline `mtpipe init` and `mtpipe bootstrap --dry-run` load,
// which bin/compile-cache.js hands to V8 at run time (Node 20 has no compile cache of its own).
//
// The two runs are the real bin/mtpipe, with the Node flags of its shebang (V8 refuses a cache made
// under other flags) and scripts/compile-cache-record.cjs preloaded, in an empty temporary directory
// with no AWS configuration at all: offline, whatever the machine building it has.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'mtpipe');
const RECORD = join(ROOT, 'scripts', 'compile-cache-record.cjs');
const { cacheDirectory, DIST } = createRequire(import.meta.url)('../bin/compile-cache.js');

/** The Node flags of bin/mtpipe's shebang (`#!/usr/bin/env -S node --flag …`). */
function shebangFlags() {
  const line = readFileSync(BIN, 'utf8').split('\n', 1)[0];
  const words = line.replace(/^#!\s*/, '').split(/\s+/);
  return words.slice(words.indexOf('node') + 1);
}

/** Writes the cache; throws when a run fails (the build then fails too: a broken dist/ should not pass). */
export function writeCompileCache() {
  const directory = cacheDirectory();
  rmSync(join(DIST, 'compile-cache'), { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'mtpipe-compile-cache-'));
  const missing = join(work, 'none');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    NO_COLOR: '1',
    CI: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: missing,
    AWS_SHARED_CREDENTIALS_FILE: missing,
    MTPIPE_COMPILE_CACHE_OUT: directory,
  };
  try {
    for (const args of [['init'], ['bootstrap', '--dry-run']]) {
      const run = spawnSync(process.execPath, [...shebangFlags(), '-r', RECORD, BIN, ...args], { cwd: work, env, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`scripts/compile-cache.js: mtpipe ${args.join(' ')} failed (exit ${run.status}): ${run.stderr}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const index = {};
  for (const file of readdirSync(directory)) {
    const chunk = file.replace(/\.cache$/, '');
    index[chunk] = statSync(join(DIST, chunk)).mtimeMs;
  }
  writeFileSync(join(directory, 'index.json'), `${JSON.stringify(index)}\n`);
  return Object.keys(index).length;
}
