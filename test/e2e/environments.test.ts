/**
 * Environments that share an account, the shared CodeDeploy application, and --json for every command
 * (errors included), as a user runs them: bin/mtpipe against moto (one account, 123456789012).
 */
import { CodeDeployClient, CreateApplicationCommand, ListTagsForResourceCommand } from '@aws-sdk/client-codedeploy';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { destroyClients, findRepository, motoClients, parametersUnder } from '../support/moto-state.js';

const moto = inject('motoUrl');
const clients = motoClients(moto);
const codedeploy = new CodeDeployClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
const dirs: string[] = [];
const APPLICATION_ARN = 'arn:aws:codedeploy:us-east-1:123456789012:application:mt-pipeline-lambda';

async function mtpipe(args: string[], options: { builtInConfig?: boolean; credentials?: boolean; cwd?: string } = {}): Promise<CliRun> {
  const home = await tempDir('mtpipe-home-');
  dirs.push(home);
  let cwd = options.cwd;
  if (!cwd) {
    cwd = await tempDir();
    dirs.push(cwd);
  }
  const env = cleanEnv({ home, credentials: options.credentials ?? true, extra: { HF_TOKEN: 'hf_e2eEnvironments' } });
  return runCli(args, { cwd, env, builtInConfig: options.builtInConfig ?? false });
}

const applicationTags = async () =>
  Object.fromEntries(((await codedeploy.send(new ListTagsForResourceCommand({ ResourceArn: APPLICATION_ARN }))).Tags ?? []).map((t) => [t.Key, t.Value]));

describe('environments that share an account', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => {
    destroyClients(clients);
    codedeploy.destroy();
  });

  it('the built-in configuration (dev and prod in one account) is refused before any write: exit 2, both named, the fix suggested', async () => {
    for (const args of [['bootstrap', '--yes'], ['init-repo', '--yes'], ['set-params', '--yes', '--env', 'dev'], ['release', 'fn', '--env', 'dev']]) {
      const run = await mtpipe([...args, '--debug', '--endpoint-url', moto], { builtInConfig: true });
      expect(run.code, explain(run)).toBe(2);
      expect(run.stderr).toContain('error: environments dev and prod both resolve to account 123456789012');
      expect(run.stderr).toContain('environments.prod.account');
      expect(run.stderr).toContain('environments.prod.allowSharedAccount: true');
      expect(debugCalls(run.stderr).map((call) => call.operation)).toEqual(['GetCallerIdentity']);
      expect(debugWrites(run.stderr)).toEqual([]);
    }
    expect(await findRepository(clients, 'machine-translation')).toBeUndefined();
    expect((await parametersUnder(clients, '/')).size).toBe(0);
  });

  it('a dry run shows it as a plan problem and exits 0, with credentials and offline (the README\'s first line)', async () => {
    const online = await mtpipe(['bootstrap', '--dry-run', '--endpoint-url', moto], { builtInConfig: true });
    expect(online.code, explain(online)).toBe(0);
    expect(online.stdout).toMatch(/^! environments dev and prod both resolve to account 123456789012: .*environments\.prod\.allowSharedAccount: true.*\nPlan: /m);

    const offline = await mtpipe(['bootstrap', '--dry-run'], { builtInConfig: true, credentials: false });
    expect(offline.code, explain(offline)).toBe(0);
    expect(offline.stdout).toContain('Offline plan');
    expect(offline.stdout).toContain("! environments dev and prod both resolve to the credentials' account");

    const json = await mtpipe(['bootstrap', '--dry-run', '--json', '--endpoint-url', moto], { builtInConfig: true });
    expect(json.code, explain(json)).toBe(0);
    const doc = JSON.parse(json.stdout) as { problems: string[] };
    expect(doc.problems).toHaveLength(1);
    expect(doc.problems[0]).toMatch(/^environments dev and prod both resolve to account 123456789012/);
  });

  it('the shared CodeDeploy application is shown and tagged as shared, with --env prod too; one tagged dev is updated', async () => {
    // as an earlier version made it: tagged with the first environment
    await codedeploy.send(
      new CreateApplicationCommand({
        applicationName: 'mt-pipeline-lambda',
        computePlatform: 'Lambda',
        tags: [
          { Key: 'mtpipe:project', Value: 'mt-pipeline' },
          { Key: 'mtpipe:env', Value: 'dev' },
        ],
      }),
    );
    expect((await mtpipe(['setup-security', '--yes', '--env', 'prod', '--endpoint-url', moto])).code).toBe(0);
    const dry = await mtpipe(['create-deploy', '--dry-run', '--env', 'prod', '--endpoint-url', moto]);
    expect(dry.code, explain(dry)).toBe(0);
    expect(dry.stdout).toMatch(/^shared \(account 123456789012, us-east-1\)\n {2}~ codedeploy:application mt-pipeline-lambda\n.*\n\s+- "mtpipe:env": "dev"\n\s+\+ "mtpipe:env": "shared"$/m);

    const run = await mtpipe(['create-deploy', '--yes', '--env', 'prod', '--json', '--endpoint-url', moto]);
    expect(run.code, explain(run)).toBe(0);
    const doc = JSON.parse(run.stdout) as { resources: { kind: string; env: string; status: string }[] };
    expect(doc.resources.find((r) => r.kind === 'codedeploy:application')).toMatchObject({ env: 'shared', status: 'updated' });
    expect(await applicationTags()).toEqual({ 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' });
  });
});

describe('--json: one JSON document on stdout for every command, errors included', () => {
  beforeAll(() => assertBuilt());
  afterEach(() => removeDirs(dirs));

  it('init --json', async () => {
    const cwd = await tempDir();
    dirs.push(cwd);
    const run = await mtpipe(['init', '--json'], { cwd });
    expect(run.code, explain(run)).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ command: 'init', wrote: 'mtpipe.yaml' });
    expect(await readFile(join(cwd, 'mtpipe.yaml'), 'utf8')).toContain('project: mt-pipeline');

    const again = await mtpipe(['init', '--json'], { cwd });
    expect(again.code, explain(again)).toBe(2);
    expect(JSON.parse(again.stdout)).toEqual({ error: { code: 'file_exists', message: 'mtpipe.yaml already exists', hint: 'pass --force to overwrite it' } });
  });

  it('a refused input, a refused account and commander\'s own errors: {"error": {code, message, hint}} with exit 2', async () => {
    const badEnv = await mtpipe(['set-params', '--yes', '--json', '--env', 'nosuch', '--endpoint-url', moto]);
    expect(badEnv.code, explain(badEnv)).toBe(2);
    const { error } = JSON.parse(badEnv.stdout) as { error: { code: string; message: string; hint?: string } };
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('--env: no environment "nosuch"');

    const shared = await mtpipe(['init-repo', '--yes', '--json', '--endpoint-url', moto], { builtInConfig: true });
    expect(shared.code, explain(shared)).toBe(2);
    expect(JSON.parse(shared.stdout)).toMatchObject({ error: { code: 'shared_account', hint: expect.stringContaining('allowSharedAccount') } });

    for (const args of [['init-repo', '--json', '--hf-token=hf_secretValue'], ['release', '--json'], ['bootstrap', '--json', '--concurrency', '0']]) {
      const run = await mtpipe(args);
      expect(run.code, explain(run)).toBe(2);
      const doc = JSON.parse(run.stdout) as { error: { code: string; message: string; hint: string } };
      expect(doc.error.code).toBe('invalid_arguments');
      expect(doc.error.hint).toBe('run with --help for usage');
      expect(run.stdout).not.toContain('hf_secretValue');
    }
  });
});
