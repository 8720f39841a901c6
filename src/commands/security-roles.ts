/** The service roles setup-security owns: where each lives, whom it trusts, what it may do. */
import { projectArn } from '../aws/codebuild-project.js';
import { repositoryArn } from '../aws/codecommit-repository.js';
import { repositoryArn as ecrRepositoryArn } from '../aws/ecr-repository.js';
import type { PolicyDocument } from '../aws/iam-policy.js';
import { iamRole, type RoleSpec } from '../aws/iam-role.js';
import type { Targets } from '../aws/targets.js';
import {
  approvalTopicName,
  artifactBucketName,
  cdkBootstrapRolePattern,
  hfTokenSecretName,
  IAM_PATH,
  logGroupName,
  pipelineNames,
  pipelinesOf,
  projectNames,
  qeImageRepositoryName,
  reportGroupPrefix,
  roleArn,
  roleNames,
} from '../config/resource-names.js';
import { HF_TOKEN_PARAMETER, SAMPLE_STATE_MACHINE, type Config } from '../config/schema.js';
import { SMOKE_TEST_CALLER_ID } from '../templates/buildspecs.js';
import { existing } from '../engine/reference.js';
import type { Desired, Target } from '../engine/types.js';
import {
  buildAndTestPolicy,
  cdkDeployPolicy,
  codePipelinePolicy,
  customerKey,
  integrationTestPolicy,
  serviceTrustPolicy,
  solutionAccessStatements,
  startPipelinePolicy,
  type CodeBuildInputs,
  type EnvironmentReadInputs,
  type Place,
  type TrustedService,
} from '../templates/policies.js';
import { smokeTestPolicy, smokeTestStatements } from '../templates/environment-policies.js';
import { environmentRoles } from './environment-roles.js';
import { environmentParameters } from './set-params.js';
import { accountGlobalTags, resourceId } from './step.js';
import { topicArn } from '../config/arns.js';

/** Name of every role's inline policy (the role's own name says what it is for). */
export const INLINE_POLICY_NAME = 'mtpipe-least-privilege';
/** IAM's shortest session: no role here is assumed by a person. */
const MAX_SESSION_SECONDS = 3600;

/** One service role mtpipe owns, with where it lives and what it may do. */
export interface SecurityRole {
  /** stable key in outputs: pipeline, events, build-and-test, cdk-deploy, integration-test, codedeploy */
  key: string;
  /** the environment it serves, for per-environment roles */
  env?: string;
  target: Target;
  spec: RoleSpec;
  policy?: PolicyDocument;
  managedPolicyArns: string[];
  /** roles its trust policy names: IAM refuses a principal that does not exist yet */
  dependsOn?: string[];
}

/** Resource id of a role, as other steps refer to it (engine/reference.ts `existing(iamRole, 'setup-security')`). */
export function roleId(target: Target, name: string): string {
  return resourceId(target.name, iamRole.kind, name);
}

/** Other steps read the roles setup-security creates, never write them. */
const setupSecurityRole = existing(iamRole, 'setup-security');

/**
 * A role setup-security creates, as another step refers to it. A reference reads the role by name
 * only: the other fields are setup-security's and are not compared.
 */
export function roleReference(target: Target, name: string): Desired {
  const spec: RoleSpec = { name, path: IAM_PATH, trustPolicy: { Version: '2012-10-17', Statement: [] }, description: '', maxSessionDuration: 3600, tags: {} };
  return { id: roleId(target, name), kind: setupSecurityRole, target, spec };
}

/**
 * Account and region of an environment, also for environments this run does not act on (--env):
 * shared resources such as the pipeline role serve them all. Without `account`, an environment is in
 * the account of its roleArn, or else in the tool account (resolveTargets checks this with STS).
 */
export function environmentPlace(config: Config, targets: Targets, env: string): Place {
  const selected = targets.environments.find((target) => target.name === env);
  if (selected) return { partition: selected.partition, account: selected.account, region: selected.region };
  const settings = config.environments[env]!;
  const account = settings.account ?? /^arn:[^:]+:iam::(\d{12}):/.exec(settings.roleArn ?? '')?.[1] ?? targets.shared.account;
  return { partition: targets.shared.partition, account, region: settings.region ?? config.region };
}

const placeOf = (target: Target): Place => ({ partition: target.partition, account: target.account, region: target.region });

function describe(config: Config, what: string): string {
  return `mtpipe (${config.project}): ${what}`;
}

function role(config: Config, target: Target, name: string, service: TrustedService, what: string): RoleSpec {
  return {
    name,
    path: IAM_PATH,
    trustPolicy: serviceTrustPolicy(service, target.account),
    description: describe(config, what),
    maxSessionDuration: MAX_SESSION_SECONDS,
    tags: accountGlobalTags(config.project, target.name, config.region),
  };
}

const computed = new WeakMap<Config, WeakMap<Targets, SecurityRole[]>>();

/**
 * Every role of the selected environments (and the shared ones), with its policies. Rendered once per
 * configuration and targets: the plan and the outputs ask for the same roles (read-only).
 */
export function securityRoles(config: Config, targets: Targets): SecurityRole[] {
  const byTargets = computed.get(config) ?? new WeakMap<Targets, SecurityRole[]>();
  computed.set(config, byTargets);
  let roles = byTargets.get(targets);
  if (!roles) {
    roles = renderRoles(config, targets);
    byTargets.set(targets, roles);
  }
  return roles;
}

function renderRoles(config: Config, targets: Targets): SecurityRole[] {
  const { shared } = targets;
  const tool = placeOf(shared);
  const { project } = config;
  const envNames = Object.keys(config.environments);
  const artifactBucket = artifactBucketName(config, shared.account, shared.region);
  const build = (projectName: string): CodeBuildInputs => ({
    place: tool,
    logGroupName: logGroupName(projectName),
    reportGroupPrefix: reportGroupPrefix(projectName),
    artifactBucket,
  });

  const needsApproval = envNames.some((env) => config.environments[env]!.approval);

  const roles: SecurityRole[] = [
    {
      key: 'pipeline',
      target: shared,
      spec: role(config, shared, roleNames.pipeline(project), 'codepipeline', 'CodePipeline service role of the pipeline'),
      policy: codePipelinePolicy({
        place: tool,
        repositoryArn: repositoryArn(shared, config.repository.name),
        buildProjectArns: [
          projectArn(tool, projectNames.buildAndTest(project)),
          ...envNames.flatMap((env) => [projectArn(tool, projectNames.cdkDeploy(project, env)), projectArn(tool, projectNames.integrationTest(project, env))]),
        ],
        artifactBucket,
        ...(needsApproval ? { approvalTopicArn: topicArn(tool, approvalTopicName(project)) } : {}),
        ...(config.notifications.encryption === 'kms' ? { notificationKeyAlias: pipelineNames.notificationKeyAlias(project) } : {}),
        ...(config.source.provider === 'codeconnections' ? { connection: config.source.connectionArn ? { arn: config.source.connectionArn } : { project } } : {}),
      }),
      managedPolicyArns: [],
    },
    {
      key: 'events',
      target: shared,
      spec: role(config, shared, roleNames.startPipeline(project), 'events', 'lets the EventBridge rule start the pipeline on a push'),
      policy: startPipelinePolicy({ place: tool, pipelineNames: pipelinesOf(config).map((pipeline) => pipeline.name) }),
      managedPolicyArns: [],
    },
    {
      key: 'build-and-test',
      target: shared,
      spec: role(config, shared, roleNames.buildAndTest(project), 'codebuild', `CodeBuild role of ${projectNames.buildAndTest(project)}`),
      policy: buildAndTestPolicy({ build: build(projectNames.buildAndTest(project)), qeImageRepository: qeImageRepositoryName(config) }),
      managedPolicyArns: [],
    },
  ];

  const { store, kmsKeyId } = config.secrets.huggingFaceToken;
  const kmsKey = customerKey(kmsKeyId, tool);
  targets.environmentsInToolAccount.forEach((inTool, index) => {
    const env = inTool.name;
    const deployed = targets.environments[index]!;
    const reads = (readsToken: boolean): EnvironmentReadInputs => ({
      place: tool,
      project,
      env,
      token: {
        reads: readsToken,
        parameter: HF_TOKEN_PARAMETER,
        ...(store === 'secretsmanager' ? { secretName: hfTokenSecretName(project, env) } : {}),
        ...(kmsKey ? { kmsKey } : {}),
      },
    });
    const cdkProject = projectNames.cdkDeploy(project, env);
    const testProject = projectNames.integrationTest(project, env);
    const parameters = environmentParameters(config, deployed);
    const { solution } = config;
    const smokeTest = {
      place: placeOf(deployed),
      inputBucket: parameters.input_bucket_name!,
      outputBucket: parameters.output_bucket_name!,
      endpoint: solution.sagemakerEndpoint ?? parameters.quality_estimation_sgm_endpoint_name!,
      stateMachine: solution.stateMachines[0] ?? SAMPLE_STATE_MACHINE,
      prefix: SMOKE_TEST_CALLER_ID,
    };
    // an environment in another account is reached through roles mtpipe creates there (environment-roles.ts)
    const crossAccount = deployed.account !== shared.account;
    const bootstrapRolePattern = cdkBootstrapRolePattern(deployed.partition, config.cdk.qualifier, deployed.account, deployed.region);
    const solutionResources = {
      place: placeOf(deployed),
      buckets: [parameters.input_bucket_name, parameters.output_bucket_name].filter((name): name is string => Boolean(name)),
      endpoints: [solution.sagemakerEndpoint ?? parameters.quality_estimation_sgm_endpoint_name].filter((name): name is string => Boolean(name)),
      stateMachines: solution.stateMachines,
      functions: Array.isArray(solution.lambdaFunctions) ? solution.lambdaFunctions : Object.values(solution.lambdaFunctions),
      glueJobs: solution.glueJobs,
      stacks: solution.stacks,
    };
    const usesSmokeTest = config.builds.integrationTestCommand === undefined;
    if (crossAccount) {
      const testerStatements = usesSmokeTest ? smokeTestStatements(smokeTest) : solutionAccessStatements(solutionResources);
      roles.push(...environmentRoles({ config, deployed, inTool, bootstrapRolePattern, testerStatements }));
    }
    const environmentRole = (name: string) => (crossAccount ? { environmentRoleArn: roleArn(deployed.partition, deployed.account, name) } : {});
    roles.push(
      {
        key: 'cdk-deploy',
        env,
        target: inTool,
        spec: role(config, inTool, roleNames.cdkDeploy(project, env), 'codebuild', `CodeBuild role of ${cdkProject}`),
        policy: cdkDeployPolicy({
          build: build(cdkProject),
          reads: reads(true),
          bootstrapRolePattern,
          ...environmentRole(roleNames.environmentDeployer(project, env)),
          // the deploy waits until the image has been replicated to the environment's region (qe-image.ts)
          ...(deployed.region === shared.region
            ? {}
            : { qeImageReplicaArn: ecrRepositoryArn({ partition: tool.partition, region: deployed.region, account: tool.account }, qeImageRepositoryName(config)) }),
        }),
        managedPolicyArns: [],
      },
      {
        key: 'integration-test',
        env,
        target: inTool,
        spec: role(config, inTool, roleNames.integrationTest(project, env), 'codebuild', `CodeBuild role of ${testProject}`),
        policy: usesSmokeTest
          ? smokeTestPolicy({ build: build(testProject), reads: reads(false), smokeTest, ...environmentRole(roleNames.environmentTester(project, env)) })
          : integrationTestPolicy({ build: build(testProject), reads: reads(false), solution: solutionResources, ...environmentRole(roleNames.environmentTester(project, env)) }),
        managedPolicyArns: [],
      },
      {
        key: 'codedeploy',
        env,
        // in the environment's own account, next to its Lambda functions and deployment group
        target: deployed,
        spec: role(config, deployed, roleNames.codedeploy(project, env), 'codedeploy', `CodeDeploy role for the Lambda deployments of ${env}`),
        managedPolicyArns: [`arn:${deployed.partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda`],
      },
    );
  });
  return roles;
}

