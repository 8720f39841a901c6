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
  /** false in an offline plan: nothing was read, only configured names are known */
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

/** Reads one environment: its stacks (once per run, shared with create-deploy), then its functions. */
export async function monitoredEnvironment(config: Config, target: Target): Promise<MonitoredEnvironment> {
  const topic = environmentParameters(config, target)[TOPIC_SETTING];
  const errorTopic = topic ? { errorTopic: `${topic}-error` } : {};
  if (target.offline) {
    return { target, solution: { ...solutionResources(config, target, []), notDeployed: [...config.solution.stacks] }, functions: [], ...errorTopic, read: false };
  }
  const solution = await discoverSolution(target, config);
  const found = await Promise.all(solution.functions.map((fn) => readFunctionConfiguration(target, fn.name)));
  return { target, solution, functions: found.filter((fn): fn is FunctionConfiguration => fn !== undefined), ...errorTopic, read: true };
}
