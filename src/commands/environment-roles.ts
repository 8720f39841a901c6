import { IAM_PATH, roleArn, roleNames } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Target } from '../engine/types.js';
import type { PolicyStatement } from '../aws/iam-policy.js';
import { buildRoleTrustPolicy, environmentDeployerPolicy, environmentTesterPolicy } from '../templates/environment-policies.js';
import { iamRole } from '../aws/iam-role.js';
import type { SecurityRole } from './security-roles.js';
import { accountGlobalTags, resourceId } from './step.js';

/** As the service roles: no person assumes these. */
const MAX_SESSION_SECONDS = 3600;

/**
 * The roles in an environment's own account, for an environment that is not in the tool account.
 * The sample's stacks pin no account: `cdk deploy` deploys where its credentials are, so the deploy
 * build first assumes the deployer role there (trusting only that environment's cdk-deploy role; it
 * may assume the environment's CDK bootstrap roles), and the test build the tester role (trusting
 * only its integration-test role; the smoke test's rights, or with builds.integrationTestCommand those
 * on the solution resources known by name).
 */
export function environmentRoles(input: {
  config: Config;
  /** the environment, in its own account and region */
  deployed: Target;
  /** the environment's resources in the tool account (its build roles) */
  inTool: Target;
  bootstrapRolePattern: string;
  /** what the environment's tests may do there */
  testerStatements: PolicyStatement[];
}): SecurityRole[] {
  const { config, deployed, inTool, bootstrapRolePattern, testerStatements } = input;
  const { project } = config;
  const env = deployed.name;
  const spec = (name: string, buildRole: string, what: string) => ({
    name,
    path: IAM_PATH,
    trustPolicy: buildRoleTrustPolicy(roleArn(inTool.partition, inTool.account, buildRole)),
    description: `mtpipe (${project}): ${what}`,
    maxSessionDuration: MAX_SESSION_SECONDS,
    // IAM names are account-wide: the plan refuses a role that serves another region of the project
    tags: accountGlobalTags(project, env, config.region),
  });
  return [
    {
      key: 'deployer',
      env,
      target: deployed,
      spec: spec(roleNames.environmentDeployer(project, env), roleNames.cdkDeploy(project, env), `assumed by the cdk-deploy build of ${env} to deploy into this account`),
      dependsOn: [resourceId(inTool.name, iamRole.kind, roleNames.cdkDeploy(project, env))],
      policy: environmentDeployerPolicy({
        place: { partition: deployed.partition, account: deployed.account, region: deployed.region },
        bootstrapRolePattern,
        qualifier: config.cdk.qualifier,
      }),
      managedPolicyArns: [],
    },
    {
      key: 'tester',
      env,
      target: deployed,
      spec: spec(roleNames.environmentTester(project, env), roleNames.integrationTest(project, env), `assumed by the integration-test build of ${env} to test it`),
      dependsOn: [resourceId(inTool.name, iamRole.kind, roleNames.integrationTest(project, env))],
      policy: environmentTesterPolicy(testerStatements),
      managedPolicyArns: [],
    },
  ];
}
