/** The quality-estimation image repository against moto: created with its settings, a second run writes nothing. */
import { DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand, GetRepositoryPolicyCommand, ListTagsForResourceCommand } from '@aws-sdk/client-ecr';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { qeImage } from '../../src/commands/qe-image.js';
import { validateCalls } from '../support/api-models.js';
import { ACCOUNT, REGION } from '../support/aws-state.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const ecr = new ECRClient({ endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
afterAll(() => ecr.destroy());
const OTHER = '210987654321';

beforeEach(async () => {
  await resetMoto(moto);
});

describe('the quality-estimation image repository', () => {
  it('is created in the tool account with scan on push, immutable tags, a lifecycle rule, tags and pull rights for the other accounts; a second run writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mtpipe-qe-'));
    const config = join(dir, 'mtpipe.yaml');
    await writeFile(config, ['environments:', '  dev: {}', '  prod:', `    account: "${OTHER}"`, '    region: eu-west-1', ''].join('\n'));
    const run = () => runInProcess('create-builds', [qeImage], moto, { options: { config, env: 'dev' } });

    const first = await run();
    expect(first.error).toBeUndefined();
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['mt-pipeline-qe'] }));
    expect(repositories?.[0]).toMatchObject({ imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: 'IMMUTABLE' });
    const lifecycle = JSON.parse((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'mt-pipeline-qe' }))).lifecyclePolicyText!) as { rules: unknown[] };
    expect(lifecycle.rules).toMatchObject([{ selection: { countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } }]);
    const policy = JSON.parse((await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: 'mt-pipeline-qe' }))).policyText!) as { Statement: unknown[] };
    expect(policy.Statement).toMatchObject([{ Sid: 'MtpipeEnvironmentsPull', Principal: { AWS: [`arn:aws:iam::${OTHER}:root`] } }]);
    const { tags } = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repositories![0]!.repositoryArn }));
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'mtpipe:project', Value: 'mt-pipeline' }]));
    // prod is in another region: the sample's SageMaker role cannot pull from here, and the run says so
    expect(first.stdout).toContain(`Warning: prod is in eu-west-1, the image repository in ${REGION}`);
    expect(repositories![0]!.repositoryArn).toBe(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/mt-pipeline-qe`);

    const second = await run();
    expect(second.error).toBeUndefined();
    expect(second.writes).toStrictEqual([]);
    expect(validateCalls([...first.calls, ...second.calls]).violations).toStrictEqual([]);
  });
});
