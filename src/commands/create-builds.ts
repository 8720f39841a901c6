import { codebuildProject, type ProjectSpec } from '../aws/codebuild-project.js';
import { logGroup } from '../aws/log-group.js';
import { s3Bucket } from '../aws/s3-bucket.js';
import {
  artifactBucketName,
  logGroupName,
  projectNames,
  qeImageRepositoryName,
  roleArn,
  roleNames,
} from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Desired, Target } from '../engine/types.js';
import { renderBuildAndTestBuildspec, renderBuildspecs } from '../templates/buildspecs.js';
import { roleReference } from './security-roles.js';
import { resourceId, standardTags, type Step } from './step.js';

/** CodeBuild's own default: how long a build may wait for capacity before it is dropped. */
export const QUEUED_TIMEOUT_MINUTES = 480;

interface ProjectPlan {
  target: Target;
  name: string;
  role: string;
  description: string;
  buildspec: string;
  privilegedMode: boolean;
  environmentVariables: Record<string, string>;
}

/** The CodeBuild projects of the selected environments, with their role and rendered buildspec. */
export function plannedProjects(config: Config, shared: Target, environments: Target[], environmentsInToolAccount: Target[]): ProjectPlan[] {
  const { project, builds } = config;
  const buildAndTest: ProjectPlan = {
    target: shared,
    name: projectNames.buildAndTest(project),
    role: roleNames.buildAndTest(project),
    description: `mtpipe (${project}): unit tests, cdk synth and the quality-estimation image`,
    buildspec: renderBuildAndTestBuildspec({ image: builds.image, python: builds.python, nodejs: builds.nodejs, qeImageRepository: qeImageRepositoryName(config) }),
    // the SageMaker image is built with Docker here, and only here
    privilegedMode: true,
    environmentVariables: {},
  };
  const perEnvironment = environmentsInToolAccount.flatMap((target, index): ProjectPlan[] => {
    const deployed = environments[index]!;
    const buildspecs = renderBuildspecs(config, target.name);
    // Where the solution is deployed. AWS_REGION / AWS_DEFAULT_REGION steer the CDK CLI, environment-agnostic
    // stacks and the tests; CDK_DEPLOY_ACCOUNT / _REGION are the CDK guide's names for an app that pins its
    // stacks' env (the CLI overwrites CDK_DEFAULT_ACCOUNT with the credentials' own account).
    const where = {
      MTPIPE_ENV: target.name,
      CDK_DEPLOY_ACCOUNT: deployed.account,
      CDK_DEPLOY_REGION: deployed.region,
      AWS_REGION: deployed.region,
      AWS_DEFAULT_REGION: deployed.region,
    };
    // an environment in another account: the builds take the role mtpipe made there (environment-roles.ts)
    const viaRole = (name: string): Record<string, string> =>
      deployed.account === shared.account ? {} : { MTPIPE_ENVIRONMENT_ROLE_ARN: roleArn(deployed.partition, deployed.account, name) };
    const testerRole = viaRole(roleNames.environmentTester(project, target.name));
    return [
      {
        target,
        name: projectNames.cdkDeploy(project, target.name),
        role: roleNames.cdkDeploy(project, target.name),
        description: `mtpipe (${project}): cdk deploy --all to ${target.name}`,
        buildspec: buildspecs['buildspec-deploy.yml'],
        privilegedMode: false,
        environmentVariables: { ...where, ...viaRole(roleNames.environmentDeployer(project, target.name)) },
      },
      {
        target,
        name: projectNames.integrationTest(project, target.name),
        role: roleNames.integrationTest(project, target.name),
        description: `mtpipe (${project}): integration tests against ${target.name}`,
        buildspec: buildspecs['buildspec-test.yml'],
        privilegedMode: false,
        environmentVariables: { ...where, ...testerRole },
      },
    ];
  });
  return [buildAndTest, ...perEnvironment];
}

export const createBuilds: Step<Record<string, never>> = {
  name: 'create-builds',
  services: () => ['codebuild', 'logs', 's3', 'iam'],

  // every input has a default in the configuration: nothing to ask
  async resolve() {
    return {};
  },

  desired(_inputs, config, { shared, environments, environmentsInToolAccount }) {
    const { builds } = config;
    const bucket = artifactBucketName(config, shared.account, shared.region);
    const bucketId = resourceId(shared.name, s3Bucket.kind, bucket);
    const items: Desired[] = [
      {
        id: bucketId,
        kind: s3Bucket,
        target: shared,
        spec: { name: bucket, partition: shared.partition, retentionDays: builds.artifactRetentionDays, tags: standardTags(config.project, shared.name) },
      },
    ];
    for (const planned of plannedProjects(config, shared, environments, environmentsInToolAccount)) {
      const { target, name, role } = planned;
      const tags = standardTags(config.project, target.name);
      const logs = logGroupName(name);
      // the role of each project is created by setup-security; it is read, never written, here
      const roleRef = roleReference(target, role);
      const spec: ProjectSpec = {
        name,
        description: planned.description,
        buildspec: planned.buildspec,
        image: builds.image,
        computeType: builds.computeType,
        privilegedMode: planned.privilegedMode,
        environmentVariables: planned.environmentVariables,
        serviceRoleArn: roleArn(target.partition, target.account, role),
        timeoutInMinutes: builds.timeoutMinutes,
        queuedTimeoutInMinutes: QUEUED_TIMEOUT_MINUTES,
        cacheLocation: `${bucket}/cache/${name}`,
        logGroupName: logs,
        tags,
      };
      items.push(
        roleRef,
        { id: resourceId(target.name, logGroup.kind, logs), kind: logGroup, target, spec: { name: logs, retentionDays: builds.logRetentionDays, tags } },
        // the role must exist first (created by setup-security, or earlier in the same bootstrap run); the bucket holds the cache
        { id: resourceId(target.name, codebuildProject.kind, name), kind: codebuildProject, target, spec, dependsOn: [roleRef.id, bucketId] },
      );
    }
    return items;
  },

  outputs(_inputs, config, { shared, environmentsInToolAccount }) {
    const bucket = artifactBucketName(config, shared.account, shared.region);
    const projects = [
      projectNames.buildAndTest(config.project),
      ...environmentsInToolAccount.flatMap((t) => [projectNames.cdkDeploy(config.project, t.name), projectNames.integrationTest(config.project, t.name)]),
    ];
    const { builds } = config;
    return {
      data: { artifactBucket: bucket, projects },
      notes: [
        `Artifact bucket ${bucket}: versioned, encrypted, public access blocked, TLS only; artifacts expire after ${builds.artifactRetentionDays} days.`,
        `CodeBuild projects (${builds.image}, logs kept ${builds.logRetentionDays} days): ${projects.join(', ')}.`,
      ],
    };
  },
};
