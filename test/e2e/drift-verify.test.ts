/** `mtpipe drift` and `mtpipe verify` as a scheduled job runs them (bin/mtpipe, built), against moto: exit codes and documents. */
import { SSMClient, PutParameterCommand } from '@aws-sdk/client-ssm';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, TEST_ENVIRONMENTS_YAML, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const moto = inject('motoUrl');
const ssm = new SSMClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const dirs: string[] = [];
let cwd = '';

async function mtpipe(args: string[], extra: Record<string, string> = {}, where = cwd): Promise<CliRun> {
  const home = await tempDir('mtpipe-home-');
  dirs.push(home);
  return runCli(args, { cwd: where, env: cleanEnv({ home, extra }), timeoutMs: 90_000 });
}

describe('mtpipe drift and verify (exit codes)', () => {
  beforeAll(async () => {
    assertBuilt();
    await resetMoto(moto);
    cwd = await tempDir();
    dirs.push(cwd);
    await writeFile(join(cwd, 'mtpipe.yaml'), TEST_ENVIRONMENTS_YAML);
    const first = await mtpipe(['bootstrap', '--yes', '--endpoint-url', moto], { HF_TOKEN: 'hf_e2eDriftToken' });
    expect(first.code, explain(first)).toBe(0);
  }, 120_000);
  afterAll(async () => {
    ssm.destroy();
    await removeDirs(dirs);
  });

  it('drift after bootstrap: exit 0, "In sync", no write call, mtpipe.yaml untouched', async () => {
    // a file that names neither project nor region nor accounts
    const fresh = await tempDir();
    dirs.push(fresh);
    await writeFile(join(fresh, 'mtpipe.yaml'), TEST_ENVIRONMENTS_YAML);
    const run = await mtpipe(['drift', '--debug', '--endpoint-url', moto], {}, fresh);
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toMatch(/^In sync — \d+ resources match the configuration\.\n$/);
    expect(debugWrites(run.stderr)).toEqual([]);
    expect(await readFile(join(fresh, 'mtpipe.yaml'), 'utf8')).toBe(TEST_ENVIRONMENTS_YAML);
  });

  it('drift after a change outside mtpipe: exit 3, naming it; --json is one document with the difference', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/mt-pipeline/prod/input_bucket_name', Value: 'by-hand', Type: 'String', Overwrite: true }));
    const run = await mtpipe(['drift', '--endpoint-url', moto]);
    expect(run.code, explain(run)).toBe(3);
    expect(run.stdout).toContain('~ ssm:parameter /mt-pipeline/prod/input_bucket_name');
    expect(run.stderr).toContain('error: drift: 1 resource(s) differ from the configuration');
    expect(run.stderr).toContain('hint: run `mtpipe bootstrap` to put them back');

    const json = await mtpipe(['drift', '--json', '--endpoint-url', moto]);
    expect(json.code, explain(json)).toBe(3);
    const document = JSON.parse(json.stdout) as { command: string; inSync: boolean; differences: { env: string; kind: string; name: string; action: string }[] };
    expect(document).toMatchObject({ command: 'drift', inSync: false });
    expect(document.differences.map((d) => `${d.env} ${d.action} ${d.kind} ${d.name}`)).toEqual(['prod update ssm:parameter /mt-pipeline/prod/input_bucket_name']);
  });

  it('drift with bad input: exit 2, before any AWS call', async () => {
    const run = await mtpipe(['drift', '--env', 'staging', '--debug', '--endpoint-url', moto]);
    expect(run.code, explain(run)).toBe(2);
    expect(run.stderr).toContain('--env: no environment "staging"');
    expect(debugCalls(run.stderr)).toEqual([]);
  });

  it('verify: the table on stdout, exit 1 while the solution is not deployed; --json one document', async () => {
    const run = await mtpipe(['verify', '--debug', '--endpoint-url', moto]);
    expect(run.code, explain(run)).toBe(1);
    expect(run.stdout).toMatch(/^tool account \(account 123456789012, us-east-1\)\n/);
    expect(run.stdout).toMatch(/\n {2}stack WorkflowStack +failed +does not exist: deploy first/);
    expect(run.stderr).toContain('error: ');
    expect(run.stderr).toContain('dev: stack WorkflowStack');
    expect(debugWrites(run.stderr)).toEqual([]);

    const json = await mtpipe(['verify', '--json', '--endpoint-url', moto]);
    expect(json.code, explain(json)).toBe(1);
    const document = JSON.parse(json.stdout) as { command: string; ok: boolean; tables: { name: string }[] };
    expect(document).toMatchObject({ command: 'verify', ok: false });
    expect(document.tables.map((t) => t.name)).toEqual(['tool account', 'dev', 'prod']);
  });
});
