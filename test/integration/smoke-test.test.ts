/**
 * The smoke test `mtpipe render` writes, run as the test build runs it (python3, boto3, the settings
 * as environment variables) against moto holding the deployed sample (solution-fixture.ts). Executions
 * are simulated by moto_ext_solution.py from the state machine's current definition.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { REGION } from '../support/aws-state.js';
import { resetMoto } from '../support/moto.js';
import { definitions, deploySampleSolution, STATE_MACHINE } from '../support/solution-fixture.js';

const moto = inject('motoUrl');
const SCRIPT = fileURLToPath(new URL('../../src/templates/mtpipe-smoke-test.py', import.meta.url));
const s3 = new S3Client({ endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, forcePathStyle: true });
afterAll(() => s3.destroy());

const INPUT = 'mt-pipeline-dev-input-123456789012';
const OUTPUT = 'mt-pipeline-dev-output-123456789012';
const ENDPOINT = 'mt-pipeline-dev-qe-endpoint';
const awsEnv = { AWS_ENDPOINT_URL: moto, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION };

let repo: string;

beforeEach(async () => {
  await resetMoto(moto);
  await deploySampleSolution(moto, { endpointName: ENDPOINT, topicName: 'mt-pipeline-dev-qe-topic' });
  for (const bucket of [INPUT, OUTPUT]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  // the solution repository as the test build sees it: the sample input (7 records, as in the sample)
  repo = await mkdtemp(join(tmpdir(), 'mtpipe-smoke-'));
  await mkdir(join(repo, 'sample_data'));
  const records = Array.from({ length: 7 }, (_, i) => ({ source_text: `phrase ${i}`, source_lang: 'french', target_lang: 'german' }));
  await writeFile(join(repo, 'sample_data', 'sample_test.json'), JSON.stringify(records, null, 4));
});
afterEach(async () => rm(repo, { recursive: true, force: true }));

/** Runs boto3 against moto; prints what `code` prints. */
function boto(code: string): string {
  const run = spawnSync('python3', ['-c', `import boto3, json\nsfn = boto3.client("stepfunctions")\n${code}`], { encoding: 'utf8', env: { ...process.env, ...awsEnv } });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

function setOutcome(definition: object): void {
  boto(`sfn.update_state_machine(stateMachineArn="arn:aws:states:${REGION}:123456789012:stateMachine:${STATE_MACHINE}", definition=${JSON.stringify(JSON.stringify(definition))})`);
}

function executions(): { name: string; status: string }[] {
  return JSON.parse(
    boto(`print(json.dumps([{"name": e["name"], "status": e["status"]} for e in sfn.list_executions(stateMachineArn="arn:aws:states:${REGION}:123456789012:stateMachine:${STATE_MACHINE}")["executions"]]))`),
  ) as { name: string; status: string }[];
}

function runSmokeTest(extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', [SCRIPT], {
      cwd: repo,
      env: {
        ...process.env,
        ...awsEnv,
        SETTING_INPUT_BUCKET_NAME: INPUT,
        SETTING_OUTPUT_BUCKET_NAME: OUTPUT,
        SETTING_QUALITY_ESTIMATION_SGM_ENDPOINT_NAME: ENDPOINT,
        SMOKE_STATE_MACHINE: STATE_MACHINE,
        SMOKE_POLL_SECONDS: '0.2',
        SMOKE_TIMEOUT_SECONDS: '30',
        ...extra,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the smoke test against the deployed sample', () => {
  it('passes when the execution SUCCEEDS with a score per record: the sample went in under a unique key, one execution ran', async () => {
    setOutcome(definitions.succeeded);
    const run = await runSmokeTest();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`endpoint ${ENDPOINT} is InService`);
    expect(run.stdout).toContain('the analysis output has a score for each of the 7 records');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('smoke test passed');

    const [execution, ...more] = executions();
    expect(more).toStrictEqual([]);
    expect(execution).toMatchObject({ name: expect.stringMatching(/^mtpipe-smoke-\d{8}T\d{6}Z-[0-9a-f]{8}$/), status: 'SUCCEEDED' });
    const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: INPUT }));
    expect(Contents?.map((object) => object.Key)).toStrictEqual([`mtpipe-smoke/${execution!.name}/sample_test.json`]);

    // a second run uses a name and key of its own
    const again = await runSmokeTest();
    expect(again.code).toBe(0);
    expect(new Set(executions().map((e) => e.name)).size).toBe(2);
  });

  it('fails non-zero, with the error and cause, when the execution FAILS', async () => {
    setOutcome(definitions.failed);
    const run = await runSmokeTest();
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('smoke test FAILED: the execution ended FAILED (States.TaskFailed: quality estimation returned statusCode 500)');
  });

  it('stops the execution and fails non-zero at its deadline (the workflow waits for a callback without a timeout)', async () => {
    setOutcome(definitions.running);
    const run = await runSmokeTest({ SMOKE_TIMEOUT_SECONDS: '1' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('smoke test FAILED: the execution was still RUNNING after 1 s: stopped it');
    expect(executions().map((e) => e.status)).toStrictEqual(['ABORTED']);
  });

  it('fails non-zero when the endpoint does not exist, naming it', async () => {
    const run = await runSmokeTest({ SETTING_QUALITY_ESTIMATION_SGM_ENDPOINT_NAME: 'no-such-endpoint' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^smoke test FAILED: .*DescribeEndpoint.*no-such-endpoint/);
    expect(executions()).toStrictEqual([]);
  });
});
