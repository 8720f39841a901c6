/**
 * The solution's input and output buckets against moto: created per environment with the artifact
 * bucket's settings (no expiry), a second run writes nothing, someone else's bucket is left alone
 * and reported.
 */
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { solutionBuckets } from '../../src/commands/solution-buckets.js';
import { validateCalls } from '../support/api-models.js';
import { ACCOUNT, REGION } from '../support/aws-state.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const s3 = new S3Client({ endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, forcePathStyle: true, maxAttempts: 1 });
afterAll(() => s3.destroy());

const INPUT = `mt-pipeline-dev-input-${ACCOUNT}`;
const OUTPUT = `mt-pipeline-dev-output-${ACCOUNT}`;

beforeEach(async () => {
  await resetMoto(moto);
});

const run = (options: Record<string, unknown> = {}) => runInProcess('create-deploy', [solutionBuckets], moto, { options: { env: 'dev', ...options } });

describe('the solution buckets', () => {
  it('are created in the environment with public access blocked, encryption, versioning, TLS only and tags, and no expiry; a second run writes nothing', async () => {
    const first = await run();
    expect(first.error).toBeUndefined();
    expect(first.writes.filter((call) => call.operation === 'CreateBucket').map((call) => (call.input as { Bucket: string }).Bucket).sort()).toStrictEqual([INPUT, OUTPUT]);

    for (const Bucket of [INPUT, OUTPUT]) {
      expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration).toStrictEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
      expect((await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toMatchObject({ SSEAlgorithm: 'AES256' });
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status).toBe('Enabled');
      const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy!) as { Statement: { Sid: string; Condition: unknown }[] };
      expect(policy.Statement).toMatchObject([{ Sid: 'DenyInsecureTransport', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]);
      expect((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet).toEqual(
        expect.arrayContaining([
          { Key: 'mtpipe:project', Value: 'mt-pipeline' },
          { Key: 'mtpipe:env', Value: 'dev' },
        ]),
      );
      // the solution's data is not mtpipe's to expire
      await expect(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).rejects.toMatchObject({ name: 'NoSuchLifecycleConfiguration' });
    }
    expect(first.stdout).toContain(`dev: solution buckets ${INPUT}, ${OUTPUT} (account ${ACCOUNT}, us-east-1).`);

    const second = await run();
    expect(second.error).toBeUndefined();
    expect(second.writes).toStrictEqual([]);
    expect(validateCalls([...first.calls, ...second.calls]).violations).toStrictEqual([]);
  });

  it("leaves someone else's bucket alone, and says what it lacks", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: INPUT }));
    const result = await run();
    expect(result.error).toBeUndefined();
    expect(result.writes.every((call) => (call.input as { Bucket: string }).Bucket === OUTPUT)).toBe(true);
    expect(result.stdout).toMatch(
      new RegExp(`Warning: bucket ${INPUT} exists without the tag mtpipe:project=mt-pipeline: left as it is; it lacks what mtpipe would set: .*versioning.*policy`),
    );
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: INPUT }))).Status).toBeUndefined();
    expect((await run()).writes).toStrictEqual([]);
  });

  it('an environment in another region gets its buckets there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtpipe-buckets-'));
    const config = join(dir, 'mtpipe.yaml');
    await writeFile(config, ['environments:', '  dev:', '    region: eu-west-1', ''].join('\n'));
    const result = await run({ config });
    expect(result.error).toBeUndefined();
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: INPUT }))).LocationConstraint).toBe('eu-west-1');
  });

  it('an environment moved to another region: its bucket left in the old region is refused by name, not called unchanged', async () => {
    expect((await run()).error).toBeUndefined();
    const dir = await mkdtemp(join(tmpdir(), 'mtpipe-buckets-'));
    const config = join(dir, 'mtpipe.yaml');
    await writeFile(config, ['environments:', '  dev:', '    region: eu-west-1', ''].join('\n'));
    const moved = await run({ config });
    expect(String(moved.error)).toContain(`bucket ${INPUT} exists in us-east-1, not in this target's region (a bucket's region cannot change): choose another name, or delete it there first (parameters.input_bucket_name)`);
    expect(moved.writes).toEqual([]);
  });
});
