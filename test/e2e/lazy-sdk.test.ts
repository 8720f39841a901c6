import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, explain, removeDirs, runCli, tempDir } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

// Issue 12 item 5: a run loads only the SDK service packages it needs (src/aws/sdk.ts); an offline plan none.
const moto = inject('motoUrl');
const RECORD_IMPORTS = fileURLToPath(new URL('../support/record-imports.mjs', import.meta.url));
const SERVICE_PACKAGE = /@aws-sdk\/(client-[a-z0-9-]+)\//g;
const dirs: string[] = [];

async function dir(prefix?: string): Promise<string> {
  const made = await tempDir(prefix);
  dirs.push(made);
  return made;
}

/**
 * The `@aws-sdk/client-*` packages behind the modules a process resolved: named in a module's URL when
 * dist/ loads the packages as installed, or in a loaded chunk's source map when dist/ is a bundle.
 */
function servicePackages(urls: string[]): string[] {
  const names = new Set<string>();
  for (const url of urls) {
    for (const [, name] of url.matchAll(SERVICE_PACKAGE)) names.add(name!);
    if (!url.startsWith('file:') || !url.includes('/dist/')) continue;
    const map = `${fileURLToPath(url)}.map`;
    if (!existsSync(map)) continue;
    const { sources = [] } = JSON.parse(readFileSync(map, 'utf8')) as { sources?: string[] };
    for (const source of sources) for (const [, name] of source.matchAll(SERVICE_PACKAGE)) names.add(name!);
  }
  return [...names].sort();
}

/** Runs bin/mtpipe with the import hook of test/support/record-imports.mjs; the SDK service packages it loaded. */
async function loadedBy(args: string[], options: { credentials: boolean; extra?: Record<string, string> }): Promise<string[]> {
  const home = await dir('mtpipe-home-');
  const log = join(home, 'imports.log');
  const run = await runCli(args, {
    cwd: await dir(),
    env: cleanEnv({ home, credentials: options.credentials, extra: { MTPIPE_IMPORT_LOG: log, ...options.extra } }),
    nodeArgs: ['--import', RECORD_IMPORTS],
  });
  expect(run.code, explain(run)).toBe(0);
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  // the hook saw the CLI itself: an empty list below means nothing was loaded, not that nothing was recorded
  expect(urls.some((url) => url.includes('/dist/'))).toBe(true);
  return servicePackages(urls);
}

describe('SDK service packages a run loads', () => {
  beforeAll(() => assertBuilt());
  afterEach(() => removeDirs(dirs));

  it('an offline bootstrap --dry-run (no credentials, no region) loads none', async () => {
    expect(await loadedBy(['bootstrap', '--dry-run'], { credentials: false })).toEqual([]);
  });

  it('a bootstrap --dry-run against AWS loads STS and the services it reads (so the check above can fail)', async () => {
    await resetMoto(moto);
    const loaded = await loadedBy(['bootstrap', '--dry-run', '--endpoint-url', moto], { credentials: true });
    expect(loaded).toEqual(expect.arrayContaining(['client-codecommit', 'client-iam', 'client-s3', 'client-ssm', 'client-sts']));
  });

  it("set-params --dry-run loads STS, SSM and the tag index's package only (not Secrets Manager's: the token is in SSM)", async () => {
    await resetMoto(moto);
    const loaded = await loadedBy(['set-params', '--dry-run', '--endpoint-url', moto], { credentials: true, extra: { HF_TOKEN: 'hf_x' } });
    expect(loaded).toEqual(['client-resource-groups-tagging-api', 'client-ssm', 'client-sts']);
  });
});
