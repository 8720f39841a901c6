import { describe, expect, it } from 'vitest';
import { cloneUrls } from '../../../src/aws/codecommit-repository.js';
import { environmentParameters } from '../../../src/commands/set-params.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import { cdkDeployPolicy } from '../../../src/templates/policies.js';
import { testTarget } from '../../support/target.js';
import { isKnownRegion, knownRegions, nearestRegions, partition, regionProblem } from '../../../src/config/partition.js';

describe('partition data (the SDK endpoint rules)', () => {
  it('gives the partition name and DNS suffix of a region', () => {
    expect(partition('cn-north-1')).toEqual({ name: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', description: 'China (Beijing)' });
    expect(partition('us-gov-west-1')).toMatchObject({ name: 'aws-us-gov', dnsSuffix: 'amazonaws.com' });
    expect(partition('eu-west-1')).toMatchObject({ name: 'aws', dnsSuffix: 'amazonaws.com' });
  });

  it('knows real regions, not made-up ones nor pseudo-regions', () => {
    for (const region of ['us-east-1', 'eu-west-1', 'cn-northwest-1', 'us-gov-east-1', 'ap-southeast-2']) expect(isKnownRegion(region), region).toBe(true);
    for (const region of ['xx-foo-1', 'eu-west-99', 'aws-global', 'us-east-1 ', 'US-EAST-1']) expect(isKnownRegion(region), region).toBe(false);
  });

  it('lists the regions the data holds: every partition, each one known', () => {
    const regions = knownRegions();
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-central-1', 'cn-north-1', 'us-gov-west-1']));
    expect(regions.length).toBeGreaterThan(30);
    expect(regions.every(isKnownRegion)).toBe(true);
    expect(regions).not.toContain('aws-global');
  });

  it('names an unknown region and the nearest known ones', () => {
    expect(nearestRegions('eu-wset-1')[0]).toBe('eu-west-1');
    expect(nearestRegions('us-esat-1')[0]).toBe('us-east-1');
    expect(regionProblem('eu-wset-1')).toMatch(/^unknown region "eu-wset-1" \(nearest known: eu-west-1, /);
    expect(regionProblem('notaregion')).toMatch(/^"notaregion" is not an AWS region \(nearest known: /);
    expect(regionProblem('eu-west-1')).toBeUndefined();
  });
});

describe('hosts follow the partition', () => {
  it('the CodeCommit clone URLs of a China region end in amazonaws.com.cn', () => {
    expect(cloneUrls('cn-north-1', 'repo')).toEqual({
      https: 'https://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/repo',
      ssh: 'ssh://git-codecommit.cn-north-1.amazonaws.com.cn/v1/repos/repo',
      grc: 'codecommit::cn-north-1://repo',
    });
    expect(cloneUrls('eu-west-1', 'repo').https).toBe('https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/repo');
  });

  it('the default image URI of the quality-estimation model uses the environment region\'s domain', () => {
    const config = configSchema.parse(defaultConfig('cn-north-1'));
    const uri = (region: string) => environmentParameters(config, testTarget({ name: 'dev', region, account: '111111111111' })).quality_estimation_sgm_image_uri;
    expect(uri('cn-north-1')).toBe('111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn/mt-pipeline-qe:latest');
    expect(uri('eu-west-1')).toBe('111111111111.dkr.ecr.eu-west-1.amazonaws.com/mt-pipeline-qe:latest');
  });

  it('kms:ViaService of a customer key names the service host of the partition', () => {
    const place = { partition: 'aws-cn', account: '111111111111', region: 'cn-northwest-1' };
    const policy = cdkDeployPolicy({
      build: { place, logGroupName: '/aws/codebuild/p', reportGroupPrefix: 'p', artifactBucket: 'b' },
      reads: { place, project: 'p', env: 'dev', token: { reads: true, parameter: 'hugging_face_token', kmsKey: { keyArn: 'arn:aws-cn:kms:cn-northwest-1:111111111111:key/k' } } },
      bootstrapRolePattern: 'arn:aws-cn:iam::111111111111:role/cdk-*',
    });
    expect(JSON.stringify(policy)).toContain('"kms:ViaService":"ssm.cn-northwest-1.amazonaws.com.cn"');
  });
});
