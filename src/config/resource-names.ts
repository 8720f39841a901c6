import type { Config } from './schema.js';

/**
 * Every AWS name mtpipe derives from the configuration, in one place: steps that create a resource
 * and steps that refer to it use the same function. IAM role names are at most 64 characters.
 */
export const IAM_PATH = '/mtpipe/';

export const projectNames = {
  buildAndTest: (project: string) => `${project}-build-and-test`,
  cdkDeploy: (project: string, env: string) => `${project}-cdk-deploy-${env}`,
  integrationTest: (project: string, env: string) => `${project}-integration-test-${env}`,
};

export const roleNames = {
  pipeline: (project: string) => `${project}-pipeline`,
  buildAndTest: (project: string) => `${project}-build`,
  cdkDeploy: (project: string, env: string) => `${project}-deploy-${env}`,
  integrationTest: (project: string, env: string) => `${project}-itest-${env}`,
  codedeploy: (project: string, env: string) => `${project}-codedeploy-${env}`,
  startPipeline: (project: string) => `${project}-events`,
  /** in an environment's own account, when it is not the tool account: assumed by its deploy and test builds */
  environmentDeployer: (project: string, env: string) => `${project}-deployer-${env}`,
  environmentTester: (project: string, env: string) => `${project}-tester-${env}`,
};

/** Longest role name the settings can produce; checked by the schema against IAM's 64. */
export function longestRoleName(project: string, envs: string[]): string {
  const candidates = [roleNames.pipeline(project), roleNames.buildAndTest(project), roleNames.startPipeline(project)];
  for (const env of envs) {
    candidates.push(roleNames.cdkDeploy(project, env), roleNames.integrationTest(project, env), roleNames.codedeploy(project, env));
  }
  return candidates.reduce((a, b) => (b.length > a.length ? b : a), '');
}

export function artifactBucketName(config: Config, account: string, region: string): string {
  return config.builds.artifactBucket ?? `${config.project}-artifacts-${account}-${region}`;
}

export const logGroupName = (codebuildProject: string) => `/aws/codebuild/${codebuildProject}`;
export const codedeployApplicationName = (project: string) => `${project}-lambda`;
export const deploymentGroupName = (project: string, env: string) => `${project}-${env}`;
export const hfTokenSecretName = (project: string, env: string) => `${project}/${env}/hugging-face-token`;
export const qeImageRepositoryName = (config: Config) => config.builds.qeImageRepository ?? `${config.project}-qe`;

export function roleArn(partition: string, account: string, name: string, path: string = IAM_PATH): string {
  return `arn:${partition}:iam::${account}:role${path}${name}`;
}

export const pipelineName = (project: string) => `${project}-pipeline`;
export const approvalTopicName = (project: string) => `${project}-approvals`;
/** CDK bootstrap roles of an environment (cdk bootstrap --qualifier): deploy, file-publishing, image-publishing, lookup */
export const cdkBootstrapRolePattern = (partition: string, qualifier: string, account: string, region: string) =>
  `arn:${partition}:iam::${account}:role/cdk-${qualifier}-*-role-${account}-${region}`;
export const reportGroupPrefix = (project: string) => `${project}-`;

/** Alarms that stop a release and roll it back; setup-monitoring creates them with these names. */
export const alarmNames = {
  lambdaErrors: (project: string, env: string) => `${project}-${env}-lambda-errors`,
  executionsFailed: (project: string, env: string) => `${project}-${env}-executions-failed`,
};
/** the alarms of a deployment group (CodeDeploy takes at most 10) */
export const deploymentAlarmNames = (project: string, env: string) => [alarmNames.lambdaErrors(project, env), alarmNames.executionsFailed(project, env)];

/** Names of setup-monitoring's resources. */
export const monitoringNames = {
  /** SNS topic each environment's alarms notify (in the environment's account and region) */
  alertsTopic: (project: string, env: string) => `${project}-${env}-alerts`,
  /** customer KMS key of the alerts topic: CloudWatch and EventBridge may use it */
  alertsKeyAlias: (project: string, env: string) => `alias/${project}-${env}-alerts`,
  /** alarm names are <project>-<env>-<what> (tool account: <project>-pipeline-<what>) */
  alarm: (project: string, env: string, what: string) => `${project}-${env}-${what}`,
  healthDashboard: (project: string, env: string) => `${project}-${env}-health`,
  qualityDashboard: (project: string, env: string) => `${project}-${env}-quality`,
  pipelineDashboard: (project: string) => `${project}-pipeline`,
  /** X-Ray group of an environment's workflow */
  xrayGroup: (project: string, env: string) => `${project}-${env}-workflow`,
  /** EventBridge rule sending the Glue job's failed runs to the alerts topic */
  glueJobFailedRule: (project: string, env: string) => `${project}-${env}-glue-job-failed`,
};

/** Names of create-pipeline's resources. */
export const pipelineNames = {
  /** per-environment layout: one pipeline per environment */
  perEnvironment: (project: string, env: string) => `${project}-${env}-pipeline`,
  /** EventBridge rule that starts a pipeline on a push (CodeCommit source only) */
  triggerRule: (pipeline: string) => `${pipeline}-trigger`,
  failureRule: (project: string) => `${project}-pipeline-failed`,
  alertTopic: (project: string) => `${project}-pipeline-alerts`,
  /** customer KMS key of the notification topics (EventBridge cannot use the AWS managed SNS key) */
  notificationKeyAlias: (project: string) => `alias/${project}-notifications`,
  /** CodeConnections connection names are 1-32 characters; the project name is at most 30 */
  connection: (project: string) => project,
};

/** The pipelines of a configuration, with the environments each deploys to and the branch it builds. */
export function pipelinesOf(config: Config, envs: string[] = Object.keys(config.environments)): { name: string; envs: string[]; branch: string }[] {
  if (config.pipeline.layout === 'per-environment') {
    return envs.map((env) => ({
      name: pipelineNames.perEnvironment(config.project, env),
      envs: [env],
      branch: config.environments[env]!.branch ?? config.repository.branch,
    }));
  }
  return [{ name: pipelineName(config.project), envs: Object.keys(config.environments), branch: config.repository.branch }];
}
