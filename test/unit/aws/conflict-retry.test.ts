import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsCall } from '../../../src/aws/call-log.js';
import { ClientFactory } from '../../../src/aws/clients.js';
import { backoffDelay, CONFLICT_RETRY, formatRetry, type RetryNote } from '../../../src/aws/conflict-retry.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** An HTTP stand-in for AWS: per operation, a queue of error answers; then success. */
interface Answer {
  status: number;
  contentType: string;
  body: string;
}
const queued = new Map<string, Answer[]>();
const received: string[] = [];
let server: Server;
let url: string;

const json = (type: string, status = 400): Answer => ({
  status,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify({ __type: type, message: `${type} (test)` }),
});
const queryXml = (code: string, status: number): Answer => ({
  status,
  contentType: 'text/xml',
  body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} (test)</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
});
const s3Xml = (code: string, status: number): Answer => ({
  status,
  contentType: 'application/xml',
  body: `<Error><Code>${code}</Code><Message>${code} (test)</Message><RequestId>r</RequestId></Error>`,
});
const SUCCESS: Record<string, Answer> = {
  PutParameter: { status: 200, contentType: 'application/x-amz-json-1.1', body: '{"Version":1,"Tier":"Standard"}' },
  GetParameters: { status: 200, contentType: 'application/x-amz-json-1.1', body: '{"Parameters":[],"InvalidParameters":[]}' },
  PutRetentionPolicy: { status: 200, contentType: 'application/x-amz-json-1.1', body: '{}' },
  CreateRole: {
    status: 200,
    contentType: 'text/xml',
    body: '<CreateRoleResponse><CreateRoleResult><Role><RoleName>r</RoleName><Arn>arn:aws:iam::123456789012:role/r</Arn></Role></CreateRoleResult></CreateRoleResponse>',
  },
  PutBucketPolicy: { status: 204, contentType: 'application/xml', body: '' },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const operation =
        typeof target === 'string' ? target.split('.').pop()! : (/Action=(\w+)/.exec(body)?.[1] ?? (req.url?.includes('policy') ? 'PutBucketPolicy' : '?'));
      received.push(operation);
      const answer = queued.get(operation)?.shift() ?? SUCCESS[operation]!;
      res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let sleeps: number[];
let notes: RetryNote[];
let calls: AwsCall[];
let factory: ClientFactory;

beforeEach(() => {
  queued.clear();
  received.length = 0;
  sleeps = [];
  notes = [];
  calls = [];
  factory = new ClientFactory(
    'us-east-1',
    {
      endpointUrl: url,
      maxAttempts: 1,
      retryMode: 'standard',
      observers: [(call) => calls.push(call)],
      // the largest wait full jitter allows, minus a hair: every wait sits at its bound
      conflictRetry: { ...CONFLICT_RETRY, random: () => 0.9999, sleep: async (ms) => sleeps.push(ms) },
      onRetry: (note) => notes.push(note),
    },
    async () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }),
  );
});

describe('backoffDelay: capped exponential backoff with full jitter', () => {
  it('draws each wait uniformly below min(20 s, 1 s × 2^(retry-1))', () => {
    const at = (random: number) => [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, { ...CONFLICT_RETRY, random: () => random }));
    expect(at(0)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(at(0.5)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(at(0.9999)).toEqual([999, 1999, 3999, 7999, 15_998, 19_998, 19_998]);
  });

  it('allows 6 attempts, so at most 31 s of waiting', () => {
    expect(CONFLICT_RETRY).toEqual({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 20_000 });
  });
});

describe('every client retries the conflicts the SDK does not', () => {
  it('SSM PutParameter after TooManyUpdates (the set-params burst), each attempt observed, each retry told', async () => {
    queued.set('PutParameter', [json('TooManyUpdates'), json('TooManyUpdates')]);
    const ssm = factory.get(SSMClient);
    await expect(ssm.send(new PutParameterCommand({ Name: '/mt/dev/x', Value: 'v', Type: 'String' }))).resolves.toMatchObject({ Version: 1 });
    expect(received).toEqual(['PutParameter', 'PutParameter', 'PutParameter']);
    expect(sleeps).toEqual([999, 1999]);
    expect(calls.map((call) => [call.operation, call.error])).toEqual([
      ['PutParameter', 'TooManyUpdates'],
      ['PutParameter', 'TooManyUpdates'],
      ['PutParameter', undefined],
    ]);
    expect(notes.map(formatRetry)).toEqual([
      'retrying SSM PutParameter after TooManyUpdates (attempt 2 of 6, waited 1.0 s)',
      'retrying SSM PutParameter after TooManyUpdates (attempt 3 of 6, waited 2.0 s)',
    ]);
  });

  it('gives up after 6 attempts and throws the last error', async () => {
    queued.set('PutParameter', Array.from({ length: 10 }, () => json('TooManyUpdates')));
    const error = await factory
      .get(SSMClient)
      .send(new PutParameterCommand({ Name: '/mt/dev/x', Value: 'v', Type: 'String' }))
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('TooManyUpdates');
    expect(received).toHaveLength(6);
    expect(sleeps).toEqual([999, 1999, 3999, 7999, 15_998]);
  });

  it.each([
    ['IAM ConcurrentModification (HTTP 409)', () => factory.get(IAMClient).send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: '{}' })), 'CreateRole', queryXml('ConcurrentModification', 409), 'ConcurrentModificationException'],
    ['S3 OperationAborted (HTTP 409)', () => factory.get(S3Client).send(new PutBucketPolicyCommand({ Bucket: 'b', Policy: '{}' })), 'PutBucketPolicy', s3Xml('OperationAborted', 409), 'OperationAborted'],
    ['CloudWatch Logs OperationAbortedException', () => factory.get(CloudWatchLogsClient).send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 30 })), 'PutRetentionPolicy', json('OperationAbortedException'), 'OperationAbortedException'],
    ['ConcurrentModificationException (CodePipeline, EventBridge)', () => factory.get(CloudWatchLogsClient).send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 30 })), 'PutRetentionPolicy', json('ConcurrentModificationException'), 'ConcurrentModificationException'],
  ])('%s, as the SDK parses it', async (_label, send, operation, answer, name) => {
    queued.set(operation, [answer]);
    await expect(send()).resolves.toBeDefined();
    expect(received).toEqual([operation, operation]);
    expect(notes).toEqual([expect.objectContaining({ operation, error: name, attempt: 2 })]);
  });

  it('does not retry other errors', async () => {
    queued.set('PutParameter', [json('ParameterAlreadyExists')]);
    const error = await factory
      .get(SSMClient)
      .send(new PutParameterCommand({ Name: '/mt/dev/x', Value: 'v', Type: 'String' }))
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('ParameterAlreadyExists');
    expect(received).toEqual(['PutParameter']);
    expect(sleeps).toEqual([]);
  });

  it('leaves reads alone', async () => {
    queued.set('GetParameters', [json('TooManyUpdates')]);
    await expect(factory.get(SSMClient).send(new GetParametersCommand({ Names: ['x'] }))).rejects.toThrow();
    expect(received).toEqual(['GetParameters']);
  });
});
