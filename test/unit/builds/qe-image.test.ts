/** The quality-estimation image step: one repository per region some environment is in, and the replication rule after them. */
import { ECRClient } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { ecrReplicationRule } from '../../../src/aws/ecr-replication.js';
import { ecrRepository, type EcrRepositorySpec } from '../../../src/aws/ecr-repository.js';
import { sharedIn, type Targets } from '../../../src/aws/targets.js';
import { qeImage } from '../../../src/commands/qe-image.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget, TEST_ACCOUNT } from '../../support/target.js';

const STAGING = '111111111111';
const PROD = '210987654321';

function targets(): Targets {
  const shared = testTarget({ name: 'shared' });
  return { shared, environments: [testTarget({ name: 'dev' })], environmentsInToolAccount: [testTarget({ name: 'dev' })], offline: false };
}

const config = (environments: Record<string, unknown>) => configSchema.parse({ ...defaultConfig('us-east-1'), environments });

describe('qe-image', () => {
  it('puts the repository in every region an environment is in, pulled by that region\'s other accounts, and the rule after the replicas', async () => {
    const t = targets();
    const desired = qeImage.desired(
      {},
      config({
        dev: {},
        staging: { account: STAGING, allowSharedAccount: true },
        prod: { account: PROD, region: 'eu-west-1' },
        // in the tool account: its own IAM lets it pull, no policy statement
        demo: { region: 'eu-west-1', allowSharedAccount: true },
        apac: { account: PROD, region: 'ap-southeast-2', allowSharedAccount: true },
      }),
      t,
    );
    const repositories = desired.filter((item) => item.kind === ecrRepository);
    expect(repositories.map((item) => [item.id, item.target.region, item.target.account, (item.spec as EcrRepositorySpec).pullAccounts])).toStrictEqual([
      ['shared/ecr:repository/mt-pipeline-qe', 'us-east-1', TEST_ACCOUNT, [STAGING]],
      ['shared@eu-west-1/ecr:repository/mt-pipeline-qe', 'eu-west-1', TEST_ACCOUNT, [PROD]],
      ['shared@ap-southeast-2/ecr:repository/mt-pipeline-qe', 'ap-southeast-2', TEST_ACCOUNT, [PROD]],
    ]);
    expect(repositories[0]!.target).toBe(t.shared);
    // one target per region, with clients of that region
    expect(repositories[1]!.target).toBe(sharedIn(t.shared, 'eu-west-1'));
    expect(await repositories[2]!.target.clients.get(ECRClient).config.region()).toBe('ap-southeast-2');
    const [rule] = desired.filter((item) => item.kind === ecrReplicationRule);
    expect(rule).toMatchObject({
      target: t.shared,
      spec: { repository: 'mt-pipeline-qe', account: TEST_ACCOUNT, regions: ['eu-west-1', 'ap-southeast-2'] },
      dependsOn: ['shared@eu-west-1/ecr:repository/mt-pipeline-qe', 'shared@ap-southeast-2/ecr:repository/mt-pipeline-qe'],
    });
    expect(qeImage.pruneScopes!({}, config({ dev: {} }), t)).toStrictEqual([{ kind: ecrReplicationRule, target: t.shared, scope: 'mt-pipeline-qe' }]);
  });

  it('with every environment in the tool region: one repository, no rule', () => {
    const desired = qeImage.desired({}, config({ dev: {}, prod: { account: PROD } }), targets());
    expect(desired.map((item) => item.id)).toStrictEqual(['shared/ecr:repository/mt-pipeline-qe']);
  });

  it('says where the image is replicated, instead of a warning', () => {
    const out = qeImage.outputs!({}, config({ dev: {}, prod: { account: PROD, region: 'eu-west-1' } }), targets(), undefined, []);
    expect(out.notes.join('\n')).toContain("The image is replicated to eu-west-1 (prod) by the registry's replication rule for mt-pipeline-qe in us-east-1");
    expect(out.notes.join('\n')).not.toMatch(/Warning|does not set up replication/);
    expect(out.data).toStrictEqual({ repository: 'mt-pipeline-qe', region: 'us-east-1', replicatedTo: [{ env: 'prod', region: 'eu-west-1' }] });
  });
});

describe('sharedIn', () => {
  it('is the shared target in its own region, and one target per other region with the same account and credentials', async () => {
    const shared = testTarget({ name: 'shared' });
    expect(sharedIn(shared, 'us-east-1')).toBe(shared);
    const eu = sharedIn(shared, 'eu-west-1');
    expect(eu).toBe(sharedIn(shared, 'eu-west-1'));
    expect(eu).toMatchObject({ name: 'shared', account: shared.account, region: 'eu-west-1', partition: 'aws', offline: false });
    expect(await eu.clients.get(ECRClient).config.region()).toBe('eu-west-1');
    expect(sharedIn(shared, 'cn-north-1').partition).toBe('aws-cn');
  });
});
