import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { isReadOperation } from '../../src/aws/call-log.js';
import { assertBuilt, cleanEnv, debugCalls, debugWrites, explain, removeDirs, runCli, tempDir, type CliRun } from '../support/cli.js';
import { resetMoto } from '../support/moto.js';
import { DEFAULT_NAMES, defaultParameterPaths, destroyClients, findRepository, iamGroupNames, localPolicyNames, motoClients, parametersUnder } from '../support/moto-state.js';
import { startRecorder } from '../support/recorder.js';

const moto = inject('motoUrl');
const TOKEN = `hf_e2eSecret${Math.random().toString(36).slice(2, 12)}`;
const clients = motoClients(moto);
const dirs: string[] = [];
/** every run of this file, so that each test can prove the token never showed up */
const runs: CliRun[] = [];

async function mtpipe(args: string[], extra: Record<string, string> = {}, input?: string): Promise<CliRun> {
  const home = await tempDir('mtpipe-home-');
  const cwd = await tempDir();
  dirs.push(home, cwd);
  const run = await runCli(args, { cwd, env: cleanEnv({ home, extra }), ...(input === undefined ? {} : { input }) });
  runs.push(run);
  return run;
}

function expectTokenNeverPrinted(...secrets: string[]): void {
  for (const run of runs) {
    for (const secret of secrets) {
      expect(run.stdout, 'token on stdout').not.toContain(secret);
      expect(run.stderr, 'token on stderr').not.toContain(secret);
    }
  }
}

describe('mtpipe init-repo and set-params against moto', () => {
  beforeAll(() => assertBuilt());
  beforeEach(() => resetMoto(moto));
  afterEach(() => removeDirs(dirs));
  afterAll(() => destroyClients(clients));

  it('creates the repository and all 14 parameters, then a second run makes zero write calls', async () => {
    const endpoint = ['--endpoint-url', moto];
    const repo = await mtpipe(['init-repo', '--yes', ...endpoint]);
    expect(repo.code, explain(repo)).toBe(0);
    expect(repo.stdout).toMatch(/^created\s+codecommit:repository machine-translation/m);
    expect(repo.stdout).toMatch(/^created\s+iam:group mt-pipeline-developers/m);
    expect(repo.stdout).toContain('git clone https://git-codecommit.us-east-1.amazonaws.com/v1/repos/machine-translation');
    expect(repo.stdout).toContain('git clone ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/machine-translation');
    expect(repo.stdout).toContain('git clone codecommit::us-east-1://machine-translation');

    const params = await mtpipe(['set-params', '--yes', ...endpoint], { HF_TOKEN: TOKEN });
    expect(params.code, explain(params)).toBe(0);
    for (const path of defaultParameterPaths()) expect(params.stdout).toMatch(new RegExp(`^created\\s+ssm:parameter ${path}\\s`, 'm'));

    const repository = await findRepository(clients, DEFAULT_NAMES.repository);
    expect(repository?.repositoryName).toBe(DEFAULT_NAMES.repository);
    expect(await iamGroupNames(clients)).toContain(DEFAULT_NAMES.developers);
    expect(await localPolicyNames(clients)).toContain(DEFAULT_NAMES.protectPolicy);
    const stored = await parametersUnder(clients, '/mt-pipeline/');
    expect([...stored.keys()].sort()).toEqual(defaultParameterPaths().sort());
    for (const env of DEFAULT_NAMES.environments) {
      expect(stored.get(`/mt-pipeline/${env}/hugging_face_token`)).toMatchObject({ Type: 'SecureString', Value: TOKEN });
      expect(stored.get(`/mt-pipeline/${env}/output_bucket_name`)).toMatchObject({ Type: 'String', Value: `mt-pipeline-${env}-output-123456789012` });
    }

    // again, through a counting proxy: every HTTP request must show up as one --debug line, and none writes
    const proxy = await startRecorder(moto);
    try {
      for (const [args, extra] of [
        [['init-repo', '--yes'], {}],
        [['set-params', '--yes'], { HF_TOKEN: TOKEN }],
      ] as const) {
        const before = proxy.requests.length;
        const again = await mtpipe([...args, '--debug', '--endpoint-url', proxy.url], extra);
        expect(again.code, explain(again)).toBe(0);
        expect(again.stdout).toMatch(/^No changes — \d+ resources? up to date( \(and \d+ read only, not managed by this command\))?\.$/m);
        const calls = debugCalls(again.stderr);
        expect(calls.length).toBeGreaterThan(0);
        expect(debugWrites(again.stderr), again.stderr).toEqual([]);
        const wire = proxy.requests.slice(before);
        expect(wire.filter((r) => r.operation === undefined || !isReadOperation(r.operation))).toEqual([]);
        // one --debug line per AWS call (a retried call is one line with retries=n)
        expect(calls.reduce((sum, call) => sum + call.attempts, 0)).toBe(wire.length);
        expect(calls.map((c) => c.operation).sort()).toEqual(wire.map((r) => r.operation).sort());
        for (const call of calls) expect(call.line).toMatch(/^aws [A-Za-z]+\.[A-Za-z]+ us-east-1 \d+ms /);
      }
    } finally {
      await proxy.close();
    }
    expectTokenNeverPrinted(TOKEN);
    for (const run of runs) expect(run.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('honours AWS_ENDPOINT_URL instead of --endpoint-url', async () => {
    const env = { AWS_ENDPOINT_URL: moto };
    const repo = await mtpipe(['init-repo', '--yes', '--repository-name', 'env-endpoint-repo'], env);
    expect(repo.code, explain(repo)).toBe(0);
    const params = await mtpipe(['set-params', '--yes', '--env', 'dev'], { ...env, HF_TOKEN: TOKEN });
    expect(params.code, explain(params)).toBe(0);
    expect((await findRepository(clients, 'env-endpoint-repo'))?.repositoryName).toBe('env-endpoint-repo');
    const stored = await parametersUnder(clients, '/mt-pipeline/');
    expect([...stored.keys()].sort()).toEqual(defaultParameterPaths().filter((p) => p.includes('/dev/')).sort());
    expectTokenNeverPrinted(TOKEN);
  });

  it('never prints the token, with or without --json and --debug, and --json prints one JSON document', async () => {
    const endpoint = ['--endpoint-url', moto];
    const created = await mtpipe(['set-params', '--yes', '--json', '--debug', ...endpoint], { HF_TOKEN: TOKEN });
    expect(created.code, explain(created)).toBe(0);
    const doc = JSON.parse(created.stdout) as { command: string; resources: { status: string }[]; changes: { diffs: unknown[] }[] };
    expect(doc.command).toBe('set-params');
    expect(doc.resources).toHaveLength(16);
    expect(doc.resources.every((r) => r.status === 'created')).toBe(true);
    expect(debugCalls(created.stderr).some((c) => c.operation === 'PutParameter')).toBe(true);

    // a new token: an update whose plan and --debug log must not show either value
    const newToken = `${TOKEN}New`;
    const updates: CliRun[] = [];
    for (const flags of [[], ['--debug'], ['--json'], ['--json', '--debug']]) {
      const run = await mtpipe(['set-params', '--yes', ...flags, ...endpoint], { HF_TOKEN: newToken });
      expect(run.code, explain(run)).toBe(0);
      if (flags.includes('--json')) expect(() => JSON.parse(run.stdout), run.stdout).not.toThrow();
      updates.push(run);
    }
    const firstUpdate = updates[0]!;
    expect(firstUpdate.stdout).toContain('(secret) changed');
    expect(firstUpdate.stdout).toMatch(/^updated\s+ssm:parameter \/mt-pipeline\/dev\/hugging_face_token/m);
    const stored = await parametersUnder(clients, '/mt-pipeline/');
    expect(stored.get('/mt-pipeline/prod/hugging_face_token')?.Value).toBe(newToken);

    const piped = await mtpipe(['bootstrap', '--dry-run', '--json', '--debug', ...endpoint], { HF_TOKEN: TOKEN });
    expect(piped.code, explain(piped)).toBe(0);
    expect(() => JSON.parse(piped.stdout)).not.toThrow();
    expectTokenNeverPrinted(TOKEN, newToken);
  });

  it('--dry-run against an empty account lists every resource with + and writes nothing', async () => {
    const run = await mtpipe(['bootstrap', '--dry-run', '--debug', '--endpoint-url', moto], { HF_TOKEN: TOKEN });
    expect(run.code, explain(run)).toBe(0);
    expect(debugCalls(run.stderr).length).toBeGreaterThan(0);
    expect(debugWrites(run.stderr), run.stderr).toEqual([]);
    const n = DEFAULT_NAMES;
    const expected = [
      `codecommit:repository ${n.repository}`,
      `codecommit:approval-rule-template ${n.template}`,
      `codecommit:approval-rule-template-association ${n.template} -> ${n.repository}`,
      `iam:policy ${n.protectPolicy}`,
      `iam:group ${n.developers}`,
      `iam:group-policy ${n.developers}/${n.developerPolicy}`,
      `iam:group-policy-attachment ${n.developers} <- ${n.protectPolicy}`,
      ...defaultParameterPaths().map((path) => `ssm:parameter ${path}`),
    ];
    for (const resource of expected) expect(run.stdout).toContain(`  + ${resource}\n`);
    // every step of bootstrap plans only creations; the summary counts the + lines
    const creates = run.stdout.split('\n').filter((line) => line.startsWith('  + ')).length;
    expect(creates).toBeGreaterThan(expected.length);
    // the solution's three stacks in dev and prod are read, not deployed yet: nothing to do for them
    expect(run.stdout).toContain(`Plan: ${creates} to create, 0 to update, 0 to delete, 0 unchanged (and 6 read only, not managed by this command).`);

    expect(await findRepository(clients, n.repository)).toBeUndefined();
    expect((await parametersUnder(clients, '/')).size).toBe(0);
    expect(await iamGroupNames(clients)).toEqual([]);
    expect(await localPolicyNames(clients)).toEqual([]);
    expectTokenNeverPrinted(TOKEN);
  });
});
