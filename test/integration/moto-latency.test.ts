import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMoto, type Moto } from '../support/moto.js';

/**
 * The latency layer of the emulator launcher (test/support/moto_ext_latency.py), which the apply
 * benchmark (bench/apply.js) counts calls with: every AWS request is delayed and counted by service and
 * operation; POST reads and resets the counts. Without MOTO_LATENCY_MS nothing of it is there.
 */
const LATENCY_MS = 5;
let moto: Moto;

beforeAll(async () => {
  moto = await startMoto({ latencyMs: LATENCY_MS });
});
afterAll(async () => moto?.stop());

interface Counted {
  calls: Record<string, number>;
  total: number;
  delayedMs: number;
  cpuMs: number;
}

async function calls(url: string, method: 'GET' | 'POST' = 'GET'): Promise<Counted> {
  const response = await fetch(`${url}/_mtpipe/calls`, { method });
  expect(response.status).toBe(200);
  return (await response.json()) as Counted;
}

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describe('moto with MOTO_LATENCY_MS', () => {
  it('counts every AWS request by service and operation, delays each, and resets the counts on POST', async () => {
    const ssm = new SSMClient({ region: 'us-east-1', endpoint: moto.url, credentials, maxAttempts: 1 });
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, credentials, forcePathStyle: true, maxAttempts: 1 });
    await calls(moto.url, 'POST');

    await ssm.send(new PutParameterCommand({ Name: '/bench/a', Value: 'x', Type: 'String' }));
    const started = performance.now();
    await ssm.send(new GetParameterCommand({ Name: '/bench/a' }));
    const elapsed = performance.now() - started;
    await ssm.send(new GetParameterCommand({ Name: '/bench/a' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'mtpipe-bench-latency' }));
    await s3.send(new HeadBucketCommand({ Bucket: 'mtpipe-bench-latency' }));

    // two requests at once are delayed side by side (one round)
    await Promise.all([ssm.send(new GetParameterCommand({ Name: '/bench/a' })), ssm.send(new GetParameterCommand({ Name: '/bench/a' }))]);

    expect(elapsed).toBeGreaterThanOrEqual(LATENCY_MS);
    const counted = await calls(moto.url, 'POST');
    expect(counted).toMatchObject({
      calls: { 'ssm.PutParameter': 1, 'ssm.GetParameter': 4, 's3.CreateBucket': 1, 's3.Get': 1 },
      total: 7,
    });
    // six rounds one after another, each delayed at least LATENCY_MS
    expect(counted.delayedMs).toBeGreaterThanOrEqual(6 * LATENCY_MS);
    // moto's own CPU time for the seven requests (the first of a service also loads moto's backend)
    expect(counted.cpuMs).toBeGreaterThan(0);
    expect(await calls(moto.url)).toEqual({ calls: {}, total: 0, delayedMs: 0, cpuMs: 0 });
  });
});

describe('moto without MOTO_LATENCY_MS', () => {
  it('has no call counter', async () => {
    const response = await fetch(`${inject('motoUrl')}/_mtpipe/calls`);
    expect(response.headers.get('content-type') ?? '').not.toBe('application/json');
    expect(await response.text()).not.toContain('"total"');
  });
});
