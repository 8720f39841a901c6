/**
 * mtpipe's rule in the registry's shared replication configuration: merged into what is read, others'
 * rules kept in order, updated in place, removed alone, ECR's limits respected, no write when equal.
 */
import { DescribeRegistryCommand, ECRClient, PutReplicationConfigurationCommand, type ReplicationRule } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ecrReplicationRule, type EcrReplicationSpec } from '../../../src/aws/ecr-replication.js';
import { testTarget, TEST_ACCOUNT } from '../../support/target.js';
import { sent } from './mock-sdk.js';

const ecrMock = mockClient(ECRClient);
beforeEach(() => ecrMock.reset());

const REPOSITORY = 'mt-pipeline-qe';
const spec: EcrReplicationSpec = { repository: REPOSITORY, account: TEST_ACCOUNT, regions: ['eu-west-1', 'ap-southeast-2'] };
const filter = (name: string) => ({ filter: name, filterType: 'PREFIX_MATCH' as const });
const to = (...regions: string[]) => regions.map((region) => ({ region, registryId: TEST_ACCOUNT }));
/** someone else's rules: another team's prefix, a copy of everything to a backup account, our name among other filters */
const TEAM: ReplicationRule = { destinations: to('ap-south-1'), repositoryFilters: [filter('team-a')] };
const BACKUP: ReplicationRule = { destinations: [{ region: 'us-east-1', registryId: '999999999999' }] };
const MIXED: ReplicationRule = { destinations: to('eu-central-1'), repositoryFilters: [filter(REPOSITORY), filter('other')] };
const OURS: ReplicationRule = { destinations: to('ap-southeast-2', 'eu-west-1'), repositoryFilters: [filter(REPOSITORY)] };
const OLD: ReplicationRule = { destinations: to('eu-west-1'), repositoryFilters: [filter(REPOSITORY)] };

const registry = (rules: ReplicationRule[]) => ecrMock.on(DescribeRegistryCommand).resolves({ registryId: TEST_ACCOUNT, replicationConfiguration: { rules } });
const put = (rules: ReplicationRule[]) => ['PutReplicationConfigurationCommand', { replicationConfiguration: { rules } }];
const read = ['DescribeRegistryCommand', {}];

describe('ecrReplicationRule', () => {
  it('is absent while no rule filters exactly on the repository (a rule with other filters too is someone else\'s)', async () => {
    registry([TEAM, MIXED]);
    expect(await ecrReplicationRule.find(testTarget(), spec)).toBeUndefined();
    registry([TEAM, OLD]);
    expect(await ecrReplicationRule.find(testTarget(), spec)).toStrictEqual({ repository: REPOSITORY, registryId: TEST_ACCOUNT, rules: [TEAM, OLD] });
  });

  it('creates its rule after the others\' rules, which it sends back as read', async () => {
    registry([TEAM, BACKUP, MIXED]);
    await ecrReplicationRule.create(testTarget(), spec);
    expect(sent(ecrMock)).toStrictEqual([read, put([TEAM, BACKUP, MIXED, OURS])]);
  });

  it('updates its rule where it stands, and drops a copy of it', async () => {
    registry([TEAM, OLD, BACKUP, OLD]);
    const current = (await ecrReplicationRule.find(testTarget(), spec))!;
    expect(ecrReplicationRule.diff(current, spec)).toStrictEqual([
      { field: 'destinations', from: ['eu-west-1'], to: ['ap-southeast-2', 'eu-west-1'] },
      { field: 'rules', from: `2 rules filtering ${REPOSITORY}`, to: '1 rule' },
    ]);
    ecrMock.resetHistory();
    await ecrReplicationRule.update(testTarget(), spec, current, []);
    expect(sent(ecrMock)).toStrictEqual([read, put([TEAM, OURS, BACKUP])]);
  });

  it('finds nothing to change in its rule as ECR returns it (destinations in another order, no filters on others\' rules), and writes nothing then', async () => {
    const reordered: ReplicationRule = { destinations: to('eu-west-1', 'ap-southeast-2'), repositoryFilters: [filter(REPOSITORY)] };
    registry([BACKUP, reordered]);
    const current = (await ecrReplicationRule.find(testTarget(), spec))!;
    expect(ecrReplicationRule.diff(current, spec)).toStrictEqual([]);
    expect(ecrReplicationRule.check!(current, spec)).toBeUndefined();
    // a write that meets this state anyway (e.g. a create whose plan could not read) sends nothing
    ecrMock.resetHistory();
    await ecrReplicationRule.create(testTarget(), spec);
    expect(sent(ecrMock)).toStrictEqual([read]);
  });

  it('removes only its own rule when no environment is elsewhere any more', async () => {
    registry([TEAM, OURS, MIXED]);
    const [unwanted] = await ecrReplicationRule.listUnwanted!(testTarget(), REPOSITORY, 'mt-pipeline', () => false);
    expect(unwanted!.spec).toStrictEqual({ repository: REPOSITORY, account: TEST_ACCOUNT, regions: [] });
    ecrMock.resetHistory();
    await ecrReplicationRule.delete!(testTarget(), unwanted!.current, unwanted!.spec);
    expect(sent(ecrMock)).toStrictEqual([read, put([TEAM, MIXED])]);

    // the last rule: the configuration is left empty
    ecrMock.reset();
    registry([OURS]);
    await ecrReplicationRule.delete!(testTarget(), { repository: REPOSITORY, registryId: TEST_ACCOUNT, rules: [OURS] }, { repository: REPOSITORY, account: TEST_ACCOUNT, regions: [] });
    expect(sent(ecrMock)).toStrictEqual([read, put([])]);
  });

  it('lists nothing unwanted while its rule is wanted (no read), or when there is none', async () => {
    expect(await ecrReplicationRule.listUnwanted!(testTarget(), REPOSITORY, 'mt-pipeline', () => true)).toStrictEqual([]);
    expect(ecrMock.calls()).toHaveLength(0);
    registry([TEAM]);
    expect(await ecrReplicationRule.listUnwanted!(testTarget(), REPOSITORY, 'mt-pipeline', () => false)).toStrictEqual([]);
  });

  it("prefetches the registry's rules for the prune: the listing and a find of the run use that one DescribeRegistry", async () => {
    registry([TEAM, OURS]);
    const target = testTarget();
    await ecrReplicationRule.prefetchUnwanted!(target, REPOSITORY);
    const [unwanted] = await ecrReplicationRule.listUnwanted!(target, REPOSITORY, 'mt-pipeline', () => false);
    expect(unwanted!.current.rules).toStrictEqual([TEAM, OURS]);
    expect(await ecrReplicationRule.find(target, spec)).toMatchObject({ rules: [TEAM, OURS] });
    expect(sent(ecrMock)).toStrictEqual([read]);
  });

  it('respects ECR\'s limits: at most 10 rules and 25 unique destinations, refused in the plan and before any write', async () => {
    const others = Array.from({ length: 10 }, (_, index): ReplicationRule => ({ destinations: to('ap-south-1'), repositoryFilters: [filter(`team-${index}`)] }));
    registry(others);
    expect(ecrReplicationRule.check!({ repository: REPOSITORY, registryId: TEST_ACCOUNT, rules: others }, spec)).toMatch(/would hold 11 rules; ECR allows 10/);
    await expect(ecrReplicationRule.create(testTarget(), spec)).rejects.toThrow(/would hold 11 rules; ECR allows 10 .*\(registry 123456789012, us-east-1\)/);
    expect(ecrMock.commandCalls(PutReplicationConfigurationCommand)).toHaveLength(0);

    // replacing its own rule does not count twice: 9 others and its own is 10
    const nine = [...others.slice(0, 9), OLD];
    expect(ecrReplicationRule.check!({ repository: REPOSITORY, registryId: TEST_ACCOUNT, rules: nine }, spec)).toBeUndefined();

    const wide: ReplicationRule = { destinations: Array.from({ length: 24 }, (_, index) => ({ region: 'us-west-2', registryId: String(100000000000 + index) })) };
    expect(ecrReplicationRule.check!({ repository: REPOSITORY, registryId: TEST_ACCOUNT, rules: [wide] }, spec)).toMatch(/26 unique destinations across its rules; ECR allows 25/);
    expect(ecrReplicationRule.check!(undefined, { ...spec, regions: ['eu-west-1'] })).toBeUndefined();
  });

  it('shows what it would create', () => {
    expect(ecrReplicationRule.diff(undefined, spec)).toStrictEqual([
      { field: 'filter', to: `PREFIX_MATCH ${REPOSITORY}` },
      { field: 'destinations', to: ['ap-southeast-2', 'eu-west-1'] },
    ]);
  });
});
