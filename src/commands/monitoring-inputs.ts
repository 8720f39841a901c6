/**
 * What setup-monitoring knows of each environment before it plans: the deployed solution as discovery
 * finds it, and the configuration of each of its functions. Shared by the step's parts (alerts,
 * alarms, dashboards, tracing), each of which turns it into resources.
 */
import { discoverSolution, solutionResources, type SolutionResources } from '../aws/solution-discovery.js';
import { readFunctionConfiguration, type FunctionConfiguration } from '../aws/lambda-function.js';
import type { Targets } from '../aws/targets.js';
import type { Config } from '../config/schema.js';
import type { Change, Desired, ResourceResult, Target } from '../engine/types.js';
import { environmentParameters } from './set-params.js';
import type { StepOutputs } from './step.js';

/** The setting that names the solution's notification topics (<name>-success, <name>-error). */
export const TOPIC_SETTING = 'quality_estimation_sgm_topic_name';

export interface MonitoredEnvironment {
  target: Target;
  /** functions, state machines, Glue jobs, endpoint; `notDeployed` lists stacks not there (yet) */
  solution: SolutionResources;
  /** the configuration of each of solution.functions that exists, in the same order */
  functions: FunctionConfiguration[];
  /** the solution's error topic (<quality_estimation_sgm_topic_name>-error), when the setting is there */
  errorTopic?: string;
  /** false in an offline plan and before the step prepares: nothing was read, only configured names are known */
  read: boolean;
}

export interface MonitoringInputs {
  environments: MonitoredEnvironment[];
}

/** One part of setup-monitoring: pure, from the prepared inputs to resources and outputs. */
export interface MonitoringPart {
  desired(inputs: MonitoringInputs, config: Config, targets: Targets): Desired[];
  outputs?(inputs: MonitoringInputs, config: Config, targets: Targets, results: ResourceResult[] | undefined, changes: Change[]): StepOutputs;
}

/**
 * One environment before anything is read (offline, and before setup-monitoring prepares): only the
 * names mtpipe.yaml gives are known, and no stack counts as deployed.
 */
export function unreadEnvironment(config: Config, target: Target): MonitoredEnvironment {
  return { target, solution: { ...solutionResources(config, target, []), notDeployed: [...config.solution.stacks] }, functions: [], ...errorTopicOf(config, target), read: false };
}

/** Reads one environment: its stacks (once per run, shared with create-deploy), then its functions. */
export async function monitoredEnvironment(config: Config, target: Target): Promise<MonitoredEnvironment> {
  if (target.offline) return unreadEnvironment(config, target);
  const solution = await discoverSolution(target, config);
  const found = await Promise.all(solution.functions.map((fn) => readFunctionConfiguration(target, fn.name)));
  return { target, solution, functions: found.filter((fn): fn is FunctionConfiguration => fn !== undefined), ...errorTopicOf(config, target), read: true };
}

function errorTopicOf(config: Config, target: Target): { errorTopic?: string } {
  const topic = environmentParameters(config, target)[TOPIC_SETTING];
  return topic ? { errorTopic: `${topic}-error` } : {};
}
