import Module, { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// bin/compile-cache.js falls back to Node's own compile whenever its cache cannot be trusted; the run
// with a cache (and V8 refusing one) is in test/e2e/compile-cache.test.ts.
const { cacheDirectory, useCompileCache } = createRequire(import.meta.url)('../../../bin/compile-cache.js') as {
  cacheDirectory(): string;
  useCompileCache(options?: { directory?: string }): boolean;
};
const dirs: string[] = [];
const sourceMaps = (process as unknown as { sourceMapsEnabled: boolean }).sourceMapsEnabled;

describe('bin/compile-cache.js', () => {
  afterEach(async () => {
    process.setSourceMapsEnabled(sourceMaps);
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('keeps one cache directory per Node version and architecture', () => {
    expect(cacheDirectory()).toMatch(new RegExp(`[\\\\/]dist[\\\\/]compile-cache[\\\\/]${process.version.replace(/\./g, '\\.')}-${process.arch}$`));
  });

  it('without a cache for this Node (no index.json), leaves the loader as it is', async () => {
    const compile = (Module.prototype as unknown as { _compile: unknown })._compile;
    process.setSourceMapsEnabled(false);
    const empty = await mkdtemp(join(tmpdir(), 'mtpipe-cache-'));
    dirs.push(empty);
    expect(useCompileCache({ directory: empty })).toBe(false);
    expect((Module.prototype as unknown as { _compile: unknown })._compile).toBe(compile);
  });

  it('with source maps on, leaves the loader as it is (only Node’s own compile maps stack traces)', () => {
    const compile = (Module.prototype as unknown as { _compile: unknown })._compile;
    process.setSourceMapsEnabled(true);
    expect(useCompileCache()).toBe(false);
    expect((Module.prototype as unknown as { _compile: unknown })._compile).toBe(compile);
  });
});
