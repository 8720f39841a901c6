import { cloudwatchAlarm } from '../aws/cloudwatch-alarm.js';
import { codedeployApplication } from '../aws/codedeploy-application.js';
import { codedeployDeploymentGroup } from '../aws/codedeploy-deployment-group.js';
import { coveredAfterDeploy, discoveredSoFar, solutionStack, type SolutionFunction } from '../aws/solution-discovery.js';
import { SHARED, type Targets } from '../aws/targets.js';
import { codedeployApplicationName, deploymentAlarmNames, deploymentGroupName, roleArn, roleNames } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Desired, Target } from '../engine/types.js';
import { configuredHooks } from '../templates/appspec.js';
import { environmentPlace, roleReference } from './security-roles.js';
import { resourceId, standardTags, type Step } from './step.js';

/** The managed policy CodeDeploy's Lambda role gets lets it invoke only hook functions named like this. */
const HOOK_PREFIX = 'CodeDeployHook_';

/**
 * Reads of the solution's stacks in each environment, as plan entries (ListStackResources once per
 * stack and run). Any step that needs the solution's resources adds these; the same ids merge.
 */
export function solutionStackReads(config: Config, environments: Target[]): Desired[] {
  // offline nothing can be read: the outputs say what is covered once the stacks are deployed
  return environments.filter((target) => !target.offline).flatMap((target) =>
    config.solution.stacks.map((name) => ({
      id: resourceId(target.name, solutionStack.kind, name),
      kind: solutionStack,
      target,
      spec: { name },
    })),
  );
}

const placeKey = (place: { account: string; region: string }) => `${place.account}/${place.region}`;

/**
 * The application's name has no environment in it: environments that share an account and region
 * (allowSharedAccount) share one application. It is then a shared resource, shown and tagged as
 * `shared` whichever environments are selected; an application of one environment belongs to it.
 */
function applicationOwners(config: Config, targets: Targets): Map<string, { target: Target; id: string; first: Target }> {
  const owners = new Map<string, { target: Target; id: string; first: Target }>();
  const configured = Object.keys(config.environments);
  const application = codedeployApplicationName(config.project);
  for (const target of targets.environments) {
    const key = placeKey(target);
    if (owners.has(key)) continue;
    const sharing = configured.filter((env) => placeKey(environmentPlace(config, targets, env)) === key).length > 1;
    const owner = sharing ? { ...target, name: SHARED } : target;
    // two shared applications (in two accounts or regions) need two ids
    const idName = sharing && key !== placeKey(targets.shared) ? `${SHARED}@${key}` : owner.name;
    owners.set(key, { target: owner, id: resourceId(idName, codedeployApplication.kind, application), first: target });
  }
  return owners;
}

export const createDeploy: Step<Record<string, never>> = {
  name: 'create-deploy',
  services: () => ['codedeploy', 'cloudwatch', 'cloudformation', 'iam'],

  // Everything comes from mtpipe.yaml (environments.<env>.deploymentConfig has a default): nothing to ask.
  async resolve() {
    return {};
  },

  desired(_inputs, config, targets) {
    const { environments } = targets;
    const application = codedeployApplicationName(config.project);
    const owners = applicationOwners(config, targets);
    const perEnvironment = environments.flatMap((target): Desired[] => {
      const owner = owners.get(placeKey(target))!;
      const applicationId = owner.id;
      // the CodeDeploy role as setup-security creates it in the environment's account
      const role = roleReference(target, roleNames.codedeploy(config.project, target.name));
      const group = deploymentGroupName(config.project, target.name);
      return [
        role,
        ...(owner.first === target
          ? [{ id: applicationId, kind: codedeployApplication, target: owner.target, spec: { name: application, tags: standardTags(config.project, owner.target.name) } }]
          : []),
        {
          id: resourceId(target.name, codedeployDeploymentGroup.kind, group),
          kind: codedeployDeploymentGroup,
          target,
          spec: {
            applicationName: application,
            name: group,
            deploymentConfigName: config.environments[target.name]!.deploymentConfig,
            serviceRoleArn: roleArn(target.partition, target.account, roleNames.codedeploy(config.project, target.name)),
            alarms: deploymentAlarmNames(config.project, target.name),
            tags: standardTags(config.project, target.name),
          },
          dependsOn: [applicationId, role.id],
          // CodeDeploy names only alarms that exist: when setup-monitoring is in the same run (bootstrap),
          // its release alarms are created first; create-deploy alone names those that exist
          after: deploymentAlarmNames(config.project, target.name).map((name) => resourceId(target.name, cloudwatchAlarm.kind, name)),
        },
      ];
    });
    return [...perEnvironment, ...solutionStackReads(config, environments)];
  },

  outputs(_inputs, config, { environments }) {
    const application = codedeployApplicationName(config.project);
    const hooks = Object.values(configuredHooks(config));
    const data: Record<string, unknown> = {};
    const notes: string[] = [];
    const actions: string[] = [];
    const withoutFunctions: string[] = [];
    for (const target of environments) {
      const group = deploymentGroupName(config.project, target.name);
      const deploymentConfig = config.environments[target.name]!.deploymentConfig;
      const alarms = deploymentAlarmNames(config.project, target.name);
      // the stacks were read in plan time (nothing is read offline: configured names only)
      const { functions, notDeployed } = discoveredSoFar(target, config);
      data[target.name] = { application, deploymentGroup: group, deploymentConfig, alarms, functions, ...(notDeployed ? { notDeployed } : {}) };
      notes.push(`${target.name}: CodeDeploy application ${application}, deployment group ${group} (${deploymentConfig}); rolls back on failure or on alarm ${alarms.join(', ')}.`);
      if (functions.length > 0) notes.push(`  functions: ${functions.map(describeFunction).join(', ')}`);
      else if (notDeployed) notes.push('  no Lambda functions known yet');
      if (notDeployed) notes.push(`  stack(s) ${notDeployed.join(', ')} not deployed in ${target.name} yet: ${coveredAfterDeploy(config)}.`);
      else if (functions.length === 0) withoutFunctions.push(target.name);
    }
    if (withoutFunctions.length > 0) {
      actions.push(`${withoutFunctions.join(', ')}: no Lambda functions known to release: set solution.stacks (discovery) or solution.lambdaFunctions in mtpipe.yaml`);
    }
    if (environments.length > 0) notes.push(`Release a function: mtpipe release <function> --env <env> (shifts its "live" alias through CodeDeploy).`);
    const unreachable = hooks.filter((name) => !name.startsWith(HOOK_PREFIX));
    if (unreachable.length > 0) {
      actions.push(`Warning: hook function(s) ${unreachable.join(', ')} do not start with ${HOOK_PREFIX}: AWSCodeDeployRoleForLambda may invoke only ${HOOK_PREFIX}* functions.`);
    }
    return { data, notes, actions };
  },
};

function describeFunction(fn: SolutionFunction): string {
  return fn.logicalId && fn.logicalId !== fn.name ? `${fn.logicalId} → ${fn.name}` : fn.name;
}
