import { describe, expect, it } from 'vitest';
import type { ProjectSpec } from '../../../src/aws/codebuild-project.js';
import type { Targets } from '../../../src/aws/targets.js';
import { createBuilds } from '../../../src/commands/create-builds.js';
import { roleId, securityRoles } from '../../../src/commands/security-roles.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import type { Desired } from '../../../src/engine/types.js';
import { renderBuildspecs } from '../../../src/templates/buildspecs.js';
import { testTarget } from '../../support/target.js';

const TOOL = '123456789012';
function targets(): Targets {
  const shared = testTarget();
  return {
    shared,
    // dev in its own account and region, prod in the tool account
    environments: [testTarget({ name: 'dev', account: '111111111111', region: 'eu-west-1' }), testTarget({ name: 'prod' })],
    environmentsInToolAccount: [testTarget({ name: 'dev' }), testTarget({ name: 'prod' })],
    offline: false,
  };
}

function config(overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse({ ...defaultConfig('us-east-1'), ...overrides });
}

const desired = (cfg = config()) => createBuilds.desired({}, cfg, targets());
const byId = (items: Desired[]) => new Map(items.map((item) => [item.id, item]));
const projectSpec = (items: Desired[], id: string) => byId(items).get(id)!.spec as ProjectSpec;

describe('createBuilds.desired', () => {
  it('wants the bucket, and per project its role (a reference), its log group and the project, each in its target', () => {
    const items = desired();
    expect(items.map((item) => [item.id, item.kind.kind, item.target.name, item.kind.isReference ?? false])).toEqual([
      [`shared/s3:bucket/mt-pipeline-artifacts-${TOOL}-us-east-1`, 's3:bucket', 'shared', false],
      ['shared/iam:role/mt-pipeline-build', 'iam:role', 'shared', true],
      ['shared/logs:log-group//aws/codebuild/mt-pipeline-build-and-test', 'logs:log-group', 'shared', false],
      ['shared/codebuild:project/mt-pipeline-build-and-test', 'codebuild:project', 'shared', false],
      ['dev/iam:role/mt-pipeline-deploy-dev', 'iam:role', 'dev', true],
      ['dev/logs:log-group//aws/codebuild/mt-pipeline-cdk-deploy-dev', 'logs:log-group', 'dev', false],
      ['dev/codebuild:project/mt-pipeline-cdk-deploy-dev', 'codebuild:project', 'dev', false],
      ['dev/iam:role/mt-pipeline-itest-dev', 'iam:role', 'dev', true],
      ['dev/logs:log-group//aws/codebuild/mt-pipeline-integration-test-dev', 'logs:log-group', 'dev', false],
      ['dev/codebuild:project/mt-pipeline-integration-test-dev', 'codebuild:project', 'dev', false],
      ['prod/iam:role/mt-pipeline-deploy-prod', 'iam:role', 'prod', true],
      ['prod/logs:log-group//aws/codebuild/mt-pipeline-cdk-deploy-prod', 'logs:log-group', 'prod', false],
      ['prod/codebuild:project/mt-pipeline-cdk-deploy-prod', 'codebuild:project', 'prod', false],
      ['prod/iam:role/mt-pipeline-itest-prod', 'iam:role', 'prod', true],
      ['prod/logs:log-group//aws/codebuild/mt-pipeline-integration-test-prod', 'logs:log-group', 'prod', false],
      ['prod/codebuild:project/mt-pipeline-integration-test-prod', 'codebuild:project', 'prod', false],
    ]);
    // every build resource lives in the tool account and main region
    for (const item of items) expect([item.target.account, item.target.region]).toEqual([TOOL, 'us-east-1']);
  });

  it('refers to each role with the id setup-security gives it, so that bootstrap keeps the real role', () => {
    const references = desired().filter((item) => item.kind.isReference).map((item) => item.id);
    const owned = new Set(securityRoles(config(), targets()).map((role) => roleId(role.target, role.spec.name)));
    expect(references).toHaveLength(5);
    for (const id of references) expect(owned, id).toContain(id);
  });

  it('makes each project wait for its role and the bucket', () => {
    const items = desired();
    expect(byId(items).get('dev/codebuild:project/mt-pipeline-cdk-deploy-dev')!.dependsOn).toEqual([
      'dev/iam:role/mt-pipeline-deploy-dev',
      `shared/s3:bucket/mt-pipeline-artifacts-${TOOL}-us-east-1`,
    ]);
  });

  it('gives only build-and-test privileged mode', () => {
    const privileged = desired()
      .filter((item) => item.kind.kind === 'codebuild:project')
      .filter((item) => (item.spec as ProjectSpec).privilegedMode)
      .map((item) => (item.spec as ProjectSpec).name);
    expect(privileged).toEqual(['mt-pipeline-build-and-test']);
  });

  it('the test build of an environment in another account takes the tester role there, whatever the test command', () => {
    const variables = (cfg: Config) => projectSpec(desired(cfg), 'dev/codebuild:project/mt-pipeline-integration-test-dev').environmentVariables;
    expect(variables(config())).toMatchObject({ MTPIPE_ENVIRONMENT_ROLE_ARN: 'arn:aws:iam::111111111111:role/mtpipe/mt-pipeline-tester-dev' });
    expect(variables(config({ builds: { integrationTestCommand: 'pytest' } }))).toMatchObject({
      MTPIPE_ENVIRONMENT_ROLE_ARN: 'arn:aws:iam::111111111111:role/mtpipe/mt-pipeline-tester-dev',
    });
  });

  it("sets a per-environment project's role, buildspec, cache, logs, limits and the environment it acts on", () => {
    const cfg = config({ builds: { timeoutMinutes: 90, computeType: 'BUILD_GENERAL1_LARGE' } });
    expect(projectSpec(desired(cfg), 'dev/codebuild:project/mt-pipeline-cdk-deploy-dev')).toStrictEqual({
      name: 'mt-pipeline-cdk-deploy-dev',
      description: 'mtpipe (mt-pipeline): cdk deploy --all to dev',
      buildspec: renderBuildspecs(cfg, 'dev')['buildspec-deploy.yml'],
      image: 'aws/codebuild/standard:7.0',
      computeType: 'BUILD_GENERAL1_LARGE',
      privilegedMode: false,
      environmentVariables: {
        MTPIPE_ENV: 'dev',
        CDK_DEPLOY_ACCOUNT: '111111111111',
        CDK_DEPLOY_REGION: 'eu-west-1',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        // dev is another account: the build deploys through the role mtpipe made there
        MTPIPE_ENVIRONMENT_ROLE_ARN: 'arn:aws:iam::111111111111:role/mtpipe/mt-pipeline-deployer-dev',
      },
      serviceRoleArn: `arn:aws:iam::${TOOL}:role/mtpipe/mt-pipeline-deploy-dev`,
      timeoutInMinutes: 90,
      queuedTimeoutInMinutes: 480,
      cacheLocation: `mt-pipeline-artifacts-${TOOL}-us-east-1/cache/mt-pipeline-cdk-deploy-dev`,
      logGroupName: '/aws/codebuild/mt-pipeline-cdk-deploy-dev',
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'dev' },
    });
    expect(projectSpec(desired(cfg), 'prod/codebuild:project/mt-pipeline-integration-test-prod').buildspec).toBe(renderBuildspecs(cfg, 'prod')['buildspec-test.yml']);
    expect(projectSpec(desired(cfg), 'shared/codebuild:project/mt-pipeline-build-and-test')).toMatchObject({
      buildspec: renderBuildspecs(cfg, 'dev')['buildspec.yml'],
      environmentVariables: {},
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' },
    });
  });

  it('uses builds.artifactBucket, the retention settings and the tags for bucket and log groups', () => {
    const items = desired(config({ builds: { artifactBucket: 'my-artifacts', artifactRetentionDays: 90, logRetentionDays: 14 } }));
    expect(items[0]!.spec).toStrictEqual({ name: 'my-artifacts', partition: 'aws', retentionDays: 90, tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' } });
    expect(byId(items).get('prod/logs:log-group//aws/codebuild/mt-pipeline-cdk-deploy-prod')!.spec).toStrictEqual({
      name: '/aws/codebuild/mt-pipeline-cdk-deploy-prod',
      retentionDays: 14,
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'prod' },
    });
    expect(projectSpec(items, 'shared/codebuild:project/mt-pipeline-build-and-test').cacheLocation).toBe('my-artifacts/cache/mt-pipeline-build-and-test');
  });

  it('names the projects and the bucket in its outputs', () => {
    const out = createBuilds.outputs!({}, config(), targets(), undefined, []);
    expect(out.data).toEqual({
      artifactBucket: `mt-pipeline-artifacts-${TOOL}-us-east-1`,
      projects: [
        'mt-pipeline-build-and-test',
        'mt-pipeline-cdk-deploy-dev',
        'mt-pipeline-integration-test-dev',
        'mt-pipeline-cdk-deploy-prod',
        'mt-pipeline-integration-test-prod',
      ],
    });
    expect(out.notes[0]).toContain(`Artifact bucket mt-pipeline-artifacts-${TOOL}-us-east-1`);
  });
});
