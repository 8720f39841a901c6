import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadedModules } from '../support/bundle.js';
import { assertBuilt, cleanEnv, ROOT, tempDir, removeDirs } from '../support/cli.js';

// What `npm run build` (scripts/build.js) makes of the AWS SDK: its ES module builds, tree-shaken, and
// each service package that src/aws/sdk.ts imports on first use in a chunk of its own.
const DIST = join(ROOT, 'dist');
const RECORD_IMPORTS = join(ROOT, 'test', 'support', 'record-imports.mjs');
const SERVICE = /node_modules\/@aws-sdk\/(client-[^/]+)\//;
const dirs: string[] = [];

/** All text of the .ts files under `dir`. */
function sourceText(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) => (entry.isDirectory() ? sourceText(join(dir, entry.name)) : entry.name.endsWith('.ts') ? readFileSync(join(dir, entry.name), 'utf8') : ''))
    .join('\n');
}

function sourcesOf(file: string): string[] {
  return loadedModules([pathToFileURL(join(DIST, file)).href]).slice(1);
}

/** The service packages a process loads when it imports `file` from dist/ and nothing else. */
async function servicesLoadedBy(file: string): Promise<string[]> {
  const home = await tempDir('mtpipe-bundle-');
  dirs.push(home);
  const log = join(home, 'imports.log');
  execFileSync(process.execPath, ['--import', RECORD_IMPORTS, '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(DIST, file)).href)})`], {
    env: cleanEnv({ home, extra: { MTPIPE_IMPORT_LOG: log } }),
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return [...new Set(loadedModules(urls).flatMap((path) => path.match(SERVICE)?.[1] ?? []))].sort();
}

describe('the bundle in dist/', () => {
  beforeAll(() => assertBuilt());
  afterEach(() => removeDirs(dirs));

  it('holds the AWS SDK from its ES module builds (dist-es), none of its CommonJS builds (dist-cjs)', () => {
    const sources = readdirSync(DIST).filter((file) => file.endsWith('.js')).flatMap(sourcesOf);
    const sdk = sources.filter((source) => /node_modules\/@(aws-sdk|smithy)\//.test(source));
    expect(sdk.filter((source) => source.includes('/dist-es/')).length).toBeGreaterThan(100);
    expect(sdk.filter((source) => source.includes('/dist-cjs/'))).toEqual([]);
  });

  it('has one chunk per service package imported on first use, and loading it loads no other service package', async () => {
    const chunks = readdirSync(DIST).filter((file) => /^aws-sdk-client-[a-z0-9-]+\.js$/.test(file));
    expect(chunks).toContain('aws-sdk-client-sts.js');
    for (const chunk of chunks) {
      const service = chunk.slice('aws-sdk-'.length, -'.js'.length);
      expect(sourcesOf(chunk).some((source) => source.includes(`@aws-sdk/${service}/dist-es/`)), chunk).toBe(true);
      expect(await servicesLoadedBy(chunk), chunk).toEqual([service]);
    }
  });

  it("holds of each service package only the commands src/ names (scripts/sdk-facades.js), not the package's hundreds", () => {
    // S3Client itself sends CreateSession (S3 Express One Zone buckets)
    const named = new Set([...(sourceText(join(ROOT, 'src')).match(/\b\w+Command\b/g) ?? []), 'CreateSessionCommand']);
    for (const chunk of readdirSync(DIST).filter((file) => /^aws-sdk-client-[a-z0-9-]+\.js$/.test(file))) {
      const commands = sourcesOf(chunk).flatMap((source) => source.match(/\/dist-es\/commands\/(\w+Command)\.js$/)?.[1] ?? []);
      expect(commands.length, chunk).toBeGreaterThan(0);
      expect(commands.filter((command) => !named.has(command)), chunk).toEqual([]);
    }
  });
});
