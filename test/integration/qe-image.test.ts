/**
 * The quality-estimation image repository against moto: created with its settings, a second run writes
 * nothing; an environment in another region gets the same repository in its region and the registry's
 * replication rule, next to the rules of others.
 */
import {
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  ListTagsForResourceCommand,
  PutReplicationConfigurationCommand,
} from '@aws-sdk/client-ecr';
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
const OTHER_REGION = 'eu-west-1';
const client = (region: string) => new ECRClient({ endpoint: moto, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
const ecr = client(REGION);
const ecrElsewhere = client(OTHER_REGION);
afterAll(() => {
  ecr.destroy();
  ecrElsewhere.destroy();
});
const OTHER = '210987654321';
const REPOSITORY = 'mt-pipeline-qe';
/** a rule of someone else's in the shared registry configuration */
const THEIRS = { destinations: [{ region: 'ap-south-1', registryId: ACCOUNT }], repositoryFilters: [{ filter: 'team-a', filterType: 'PREFIX_MATCH' as const }] };
const OURS = { destinations: [{ region: OTHER_REGION, registryId: ACCOUNT }], repositoryFilters: [{ filter: REPOSITORY, filterType: 'PREFIX_MATCH' as const }] };

beforeEach(async () => {
  await resetMoto(moto);
});

async function configWith(lines: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mtpipe-qe-'));
  const config = join(dir, 'mtpipe.yaml');
  await writeFile(config, [...lines, ''].join('\n'));
  return config;
}

const pullPrincipals = async (ecrClient: ECRClient) => {
  const { policyText } = await ecrClient.send(new GetRepositoryPolicyCommand({ repositoryName: REPOSITORY }));
  return (JSON.parse(policyText!) as { Statement: { Sid: string; Principal: { AWS: string | string[] } }[] }).Statement.map((s) => [s.Sid, [s.Principal.AWS].flat()]);
};

describe('the quality-estimation image repository', () => {
  it('is created in the tool account with scan on push, immutable tags, a lifecycle rule, tags and pull rights for the accounts of its region; a second run writes nothing', async () => {
    // staging: another account, in the tool region
    const config = await configWith(['environments:', '  dev: {}', '  staging:', `    account: "${OTHER}"`]);
    const run = () => runInProcess('create-builds', [qeImage], moto, { options: { config, env: 'dev' } });

    const first = await run();
    expect(first.error).toBeUndefined();
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [REPOSITORY] }));
    expect(repositories?.[0]).toMatchObject({ imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: 'IMMUTABLE' });
    const lifecycle = JSON.parse((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: REPOSITORY }))).lifecyclePolicyText!) as { rules: unknown[] };
    expect(lifecycle.rules).toMatchObject([{ selection: { countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } }]);
    expect(await pullPrincipals(ecr)).toStrictEqual([['MtpipeEnvironmentsPull', [`arn:aws:iam::${OTHER}:root`]]]);
    const { tags } = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repositories![0]!.repositoryArn }));
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'mtpipe:project', Value: 'mt-pipeline' }]));
    expect(repositories![0]!.repositoryArn).toBe(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${REPOSITORY}`);
    // every environment in the tool region: no replication rule
    expect((await ecr.send(new DescribeRegistryCommand({}))).replicationConfiguration?.rules ?? []).toStrictEqual([]);

    const second = await run();
    expect(second.error).toBeUndefined();
    expect(second.writes).toStrictEqual([]);
    expect(validateCalls([...first.calls, ...second.calls]).violations).toStrictEqual([]);
  });

  it('for an environment in another region: the repository there too, pulled by that region\'s accounts, and the registry rule next to others\' rules; a second run writes nothing; the rule goes when no environment is elsewhere', async () => {
    await ecr.send(new PutReplicationConfigurationCommand({ replicationConfiguration: { rules: [THEIRS] } }));
    const config = await configWith(['environments:', '  dev: {}', '  prod:', `    account: "${OTHER}"`, `    region: ${OTHER_REGION}`]);
    const run = (file = config) => runInProcess('create-builds', [qeImage], moto, { options: { config: file, env: 'dev', yes: true } });

    const first = await run();
    expect(first.error).toBeUndefined();
    const [replica] = (await ecrElsewhere.send(new DescribeRepositoriesCommand({ repositoryNames: [REPOSITORY] }))).repositories!;
    expect(replica).toMatchObject({
      repositoryArn: `arn:aws:ecr:${OTHER_REGION}:${ACCOUNT}:repository/${REPOSITORY}`,
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE',
    });
    expect(await pullPrincipals(ecrElsewhere)).toStrictEqual([['MtpipeEnvironmentsPull', [`arn:aws:iam::${OTHER}:root`]]]);
    const lifecycle = JSON.parse((await ecrElsewhere.send(new GetLifecyclePolicyCommand({ repositoryName: REPOSITORY }))).lifecyclePolicyText!) as { rules: unknown[] };
    expect(lifecycle.rules).toMatchObject([{ selection: { countNumber: 30 } }]);
    const { tags } = await ecrElsewhere.send(new ListTagsForResourceCommand({ resourceArn: replica!.repositoryArn }));
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'mtpipe:project', Value: 'mt-pipeline' }]));
    // the tool region's repository: no environment of another account there, so no pull statement
    await expect(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: REPOSITORY }))).rejects.toMatchObject({ name: 'RepositoryPolicyNotFoundException' });
    // the replica exists before the rule that fills it
    const order = first.writes.map((call) => `${call.operation} ${call.region}`);
    expect(order.indexOf('PutReplicationConfiguration us-east-1')).toBeGreaterThan(order.indexOf(`CreateRepository ${OTHER_REGION}`));
    expect((await ecr.send(new DescribeRegistryCommand({}))).replicationConfiguration).toStrictEqual({ rules: [THEIRS, OURS] });
    expect(first.stdout).toContain(`The image is replicated to ${OTHER_REGION} (prod)`);
    expect(first.stdout).not.toContain('Warning');

    const second = await run();
    expect(second.error).toBeUndefined();
    expect(second.writes).toStrictEqual([]);

    // prod comes back to the tool region: only mtpipe's rule goes
    const back = await configWith(['environments:', '  dev: {}', '  prod:', `    account: "${OTHER}"`]);
    const third = await run(back);
    expect(third.error).toBeUndefined();
    expect(third.writes.filter((call) => call.operation === 'PutReplicationConfiguration')).toHaveLength(1);
    expect((await ecr.send(new DescribeRegistryCommand({}))).replicationConfiguration).toStrictEqual({ rules: [THEIRS] });
    expect(validateCalls([...first.calls, ...second.calls, ...third.calls]).violations).toStrictEqual([]);
  });
});
