import type { PolicyDocument, PolicyStatement } from '../aws/iam-policy.js';
import type { TrustPolicyDocument } from '../aws/iam-role.js';
import {
  assumeEnvironmentRole,
  codeBuildBase,
  environmentReads,
  renderStatements,
  type CodeBuildInputs,
  type EnvironmentReadInputs,
  type Place,
} from './policies.js';
import { renderTemplate } from './render.js';

/**
 * Policies of the smoke test and of the roles mtpipe makes in an environment's own account (see
 * src/commands/environment-roles.ts), rendered from src/templates/policies/.
 */
/** What the smoke test (scripts/mtpipe-smoke-test.py) touches in one environment. */
export interface SmokeTestResources {
  place: Place;
  inputBucket: string;
  outputBucket: string;
  endpoint: string;
  /** name or ARN */
  stateMachine: string;
  /** the smoke test's callerId: its input keys and the workflow's output start with it */
  prefix: string;
}

/**
 * integration-test running the smoke test: its parameters (not the token), and exactly the calls the
 * script makes: describe the endpoint, put the sample under its prefix, start, describe and stop
 * executions of the one state machine, list and read the analysis output under its prefix.
 */
export function smokeTestPolicy(input: { build: CodeBuildInputs; reads: EnvironmentReadInputs; smokeTest: SmokeTestResources; environmentRoleArn?: string }): PolicyDocument {
  return codeBuildBase(input.build, [
    ...environmentReads(input.reads),
    // in another account the build assumes the environment's tester role, which holds these rights
    ...(input.environmentRoleArn ? assumeEnvironmentRole(input.environmentRoleArn) : smokeTestStatements(input.smokeTest)),
  ]);
}

/** The smoke test's calls, on the resources of one environment. */
export function smokeTestStatements(smokeTest: SmokeTestResources): PolicyStatement[] {
  const { place, inputBucket, outputBucket, endpoint, stateMachine, prefix } = smokeTest;
  const { partition, region, account } = place;
  const stateMachineArn = stateMachine.startsWith('arn:') ? stateMachine : `arn:${partition}:states:${region}:${account}:stateMachine:${stateMachine}`;
  return renderStatements('policies/statements/smoke-test.json', {
    // SageMaker ARNs carry the endpoint name in lower case
    endpointArn: `arn:${partition}:sagemaker:${region}:${account}:endpoint/${endpoint.toLowerCase()}`,
    inputObjectArn: `arn:${partition}:s3:::${inputBucket}/${prefix}/*`,
    stateMachineArn,
    executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:*`,
    outputBucketArn: `arn:${partition}:s3:::${outputBucket}`,
    outputPrefix: `${prefix}/*`,
    outputObjectArn: `arn:${partition}:s3:::${outputBucket}/${prefix}/*`,
  });
}

/** Trust policy of a role in an environment account that exactly one build role of the tool account assumes. */
export function buildRoleTrustPolicy(buildRoleArn: string): TrustPolicyDocument {
  return renderTemplate('policies/trust-build-role.json', { buildRoleArn }) as TrustPolicyDocument;
}

/**
 * The deployer role in an environment account (assumed by that environment's cdk-deploy build): it may
 * assume the environment's CDK bootstrap roles, which do the deployment, and read the bootstrap version.
 */
export function environmentDeployerPolicy(input: { place: Place; bootstrapRolePattern: string; qualifier: string }): PolicyDocument {
  const { partition, region, account } = input.place;
  return {
    Version: '2012-10-17',
    Statement: [
      ...renderStatements('policies/statements/cdk-bootstrap-roles.json', { bootstrapRoles: input.bootstrapRolePattern }),
      ...renderStatements('policies/statements/cdk-bootstrap-version.json', {
        bootstrapVersionParameter: `arn:${partition}:ssm:${region}:${account}:parameter/cdk-bootstrap/${input.qualifier}/version`,
      }),
    ],
  };
}

/** The tester role in an environment account (assumed by that environment's integration-test build): what the tests may do there. */
export function environmentTesterPolicy(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}
