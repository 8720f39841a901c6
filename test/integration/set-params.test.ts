import { DescribeParametersCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { setParams } from '../../src/commands/set-params.js';
import { runInProcess, type RunResult } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import {
  expectedParameters,
  HF_TOKEN,
  parameterName,
  parametersUnder,
  parameterTags,
  restoreHfTokenAfterEach,
  setHfToken,
  stateClients,
} from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());
const ENVS = ['dev', 'prod'];

/** The token must not be in anything a run printed or recorded (the recorder redacts secret fields). */
function expectNoToken(run: RunResult): void {
  expect(run.stdout).not.toContain(HF_TOKEN);
  expect(run.stderr).not.toContain(HF_TOKEN);
  expect(JSON.stringify(run.calls)).not.toContain(HF_TOKEN);
  expect(String((run.error as Error | undefined)?.message ?? '')).not.toContain(HF_TOKEN);
}

describe('set-params against moto', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();
  beforeEach(() => setHfToken(HF_TOKEN));

  it('writes every parameter of dev and prod, interpolated, as String, with mtpipe tags', async () => {
    const run = await runInProcess('set-params', [setParams], moto);
    expect(run.error).toBeUndefined();

    for (const env of ENVS) {
      const stored = await parametersUnder(aws.ssm, `/mt-pipeline/${env}/`);
      const expected = expectedParameters(env);
      expect([...stored.keys()].sort()).toEqual([...Object.keys(expected), 'hugging_face_token'].map((n) => parameterName(env, n)).sort());
      for (const [name, value] of Object.entries(expected)) {
        expect(stored.get(parameterName(env, name)), name).toMatchObject({ Type: 'String', Value: value });
      }
      for (const name of stored.keys()) {
        expect(await parameterTags(aws.ssm, name), name).toEqual({ 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': env });
      }
    }
    // nothing outside the two hierarchies
    expect([...(await parametersUnder(aws.ssm, '/')).keys()].filter((name) => !/^\/mt-pipeline\/(dev|prod)\//.test(name))).toEqual([]);
  });

  it('stores hugging_face_token as a SecureString with the token under the default SSM key', async () => {
    const run = await runInProcess('set-params', [setParams], moto);
    expect(run.error).toBeUndefined();

    for (const env of ENVS) {
      const name = parameterName(env, 'hugging_face_token');
      const { Parameter } = await aws.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      expect(Parameter).toMatchObject({ Type: 'SecureString', Value: HF_TOKEN });
      const { Parameters } = await aws.ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [name] }] }));
      expect(Parameters?.[0]).toMatchObject({ Type: 'SecureString', KeyId: 'alias/aws/ssm', Tier: 'Standard' });
    }
  });

  it('creates with one PutParameter per parameter, then makes no write call on the second run', async () => {
    const first = await runInProcess('set-params', [setParams], moto);
    expect(first.error).toBeUndefined();
    expect(first.writes).toHaveLength(16);
    for (const call of first.writes) {
      expect(call.operation).toBe('PutParameter');
      expect(call.input).toMatchObject({ Tags: [expect.anything(), expect.anything()] });
      expect(call.input).not.toHaveProperty('Overwrite');
    }

    const second = await runInProcess('set-params', [setParams], moto);
    expect(second.error).toBeUndefined();
    expect(second.writes).toEqual([]);
    expect(second.stdout).toMatch(/^No changes — 16 resources up to date\.$/m);
    expect(second.stdout).not.toContain('Plan:');
  });

  it('never shows the token: not on stdout or stderr, not in any recorded call input', async () => {
    const first = await runInProcess('set-params', [setParams], moto);
    const second = await runInProcess('set-params', [setParams], moto);
    setHfToken('hf_rotatedToken_99');
    const rotated = await runInProcess('set-params', [setParams], moto);
    for (const run of [first, second, rotated]) {
      expect(run.error).toBeUndefined();
      expectNoToken(run);
      expect(run.stdout).not.toContain('hf_rotatedToken_99');
      expect(JSON.stringify(run.calls)).not.toContain('hf_rotatedToken_99');
    }
    // the plan names the secret without its value
    expect(first.stdout).toMatch(/hugging_face_token\n\s+type: "SecureString"\n\s+value: \(secret\)/);
    expect(rotated.stdout).toContain('value: (secret) changed');
    // rotation: exactly the two token parameters are overwritten
    expect(rotated.writes.map((call) => (call.input as { Name: string }).Name).sort()).toEqual([
      '/mt-pipeline/dev/hugging_face_token',
      '/mt-pipeline/prod/hugging_face_token',
    ]);
    const { Parameter } = await aws.ssm.send(new GetParameterCommand({ Name: '/mt-pipeline/prod/hugging_face_token', WithDecryption: true }));
    expect(Parameter?.Value).toBe('hf_rotatedToken_99');
  });

  it('with --json --debug: one JSON document on stdout, every AWS call logged on stderr, token in neither', async () => {
    const run = await runInProcess('set-params', [setParams], moto, { options: { json: true, debug: true } });
    expect(run.error).toBeUndefined();
    expectNoToken(run);

    const report = JSON.parse(run.stdout) as {
      command: string;
      dryRun: boolean;
      changes: { name: string; env: string; action: string; diffs: Record<string, unknown>[] }[];
      resources: { name: string; env: string; status: string; arn?: string }[];
      outputs: Record<string, unknown>;
    };
    expect(report).toMatchObject({ command: 'set-params', dryRun: false });
    expect(report.resources).toHaveLength(16);
    expect(report.resources.every((r) => r.status === 'created')).toBe(true);
    expect(report.resources.find((r) => r.name === '/mt-pipeline/dev/hugging_face_token')).toMatchObject({
      env: 'dev',
      arn: 'arn:aws:ssm:us-east-1:123456789012:parameter/mt-pipeline/dev/hugging_face_token',
    });
    const token = report.changes.find((c) => c.name === '/mt-pipeline/prod/hugging_face_token');
    expect(token?.diffs).toContainEqual({ field: 'value', secret: true });
    expect(report.outputs).toEqual({ 'set-params': { parameterPaths: { dev: '/mt-pipeline/dev/', prod: '/mt-pipeline/prod/' } } });

    // --debug logs each call: one line per recorded call, secrets shown as ***
    const logged = run.stderr.split('\n').filter((line) => line.startsWith('aws '));
    expect(logged).toHaveLength(run.calls.length);
    expect(logged.filter((line) => line.startsWith('aws SSM.PutParameter '))).toHaveLength(16);
    expect(logged.find((line) => line.includes('/mt-pipeline/dev/hugging_face_token') && line.startsWith('aws SSM.PutParameter'))).toContain(
      '"Value":"***"',
    );
  });
});
