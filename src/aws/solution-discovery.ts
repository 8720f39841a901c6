import { sdk } from './sdk.js';
import { partition } from '../config/partition.js';
import { interpolate } from '../config/interpolate.js';
import type { Config } from '../config/schema.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { MtpipeError } from '../errors.js';
import { isStackNotFound } from './errors.js';
import { readOnce } from './run-reads.js';

/** One resource of a deployed stack (nested stacks included). */
export interface StackResource {
  /** the stack that holds it (a nested stack's own name) */
  stack: string;
  logicalId: string;
  physicalId: string;
  type: string;
}

interface Found {
  /** physical name */
  name: string;
  /** CloudFormation logical id, when discovered or given as logical id → name */
  logicalId?: string;
  stack?: string;
}

export type SolutionFunction = Found;
export type SolutionGlueJob = Found;
export interface SolutionStateMachine extends Found {
  arn: string;
}

/** The deployed solution's resources in one environment: what releases and monitoring act on. */
export interface SolutionResources {
  functions: SolutionFunction[];
  stateMachines: SolutionStateMachine[];
  glueJobs: SolutionGlueJob[];
  sagemakerEndpoint?: string;
  /** solution.stacks that do not exist (yet) in the environment: what they hold is covered once they are deployed */
  notDeployed?: string[];
}

/** The setting that names the SageMaker endpoint (the sample's CDK context key). */
export const ENDPOINT_SETTING = 'quality_estimation_sgm_endpoint_name';

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const MAX_NESTING = 5;
/** Resources that are gone or never came to be are not part of the solution. */
const ABSENT = /^(DELETE_COMPLETE|CREATE_FAILED)$/;

/**
 * Lambda functions the CDK adds for its own custom resources (bucket auto-delete, log retention,
 * bucket notifications, AwsCustomResource, provider frameworks): never released or monitored.
 */
const CDK_FRAMEWORK_FUNCTION = [
  /CustomResourceProviderHandler[0-9A-F]{8}$/,
  /^CustomCDKBucketDeployment[0-9A-F]{32}/,
  /^LogRetention[0-9a-f]{32}$/,
  /^BucketNotificationsHandler[0-9a-f]{32}$/,
  /^AWS[0-9a-f]{32}$/,
  /framework(onEvent|onTimeout|isComplete)[0-9A-F]{8}$/,
];

export const isCdkFrameworkFunction = (logicalId: string) => CDK_FRAMEWORK_FUNCTION.some((pattern) => pattern.test(logicalId));

/**
 * A CDK NestedStack is the resource `<id>NestedStack<id>NestedStackResource<hash>`: part of the app.
 * Any other nested stack comes from a transform or the Serverless Application Repository (the
 * secret-rotation function of a HostedRotation is one) and holds no resource of the solution.
 */
const CDK_NESTED_STACK = /NestedStackResource[0-9A-F]{8}$/;
export const isCdkNestedStack = (logicalId: string) => CDK_NESTED_STACK.test(logicalId);

const settled = new WeakMap<Target, Map<string, StackResource[] | undefined>>();

/**
 * The stack's resources with those of its nested stacks; undefined when the stack does not exist. One
 * read per stack, account and region in a run, however many steps and environments ask: dev and prod in
 * one account read the same stacks.
 */
export function readStack(target: Target, stackName: string): Promise<StackResource[] | undefined> {
  return readOnce(target, 'cloudformation:stack', stackName, () => listResources(target, stackName, stackName, 0)).then((resources) => {
    const done = settled.get(target) ?? new Map<string, StackResource[] | undefined>();
    settled.set(target, done.set(stackName, resources));
    return resources;
  });
}

async function listResources(target: Target, stackId: string, stackName: string, depth: number): Promise<StackResource[] | undefined> {
  const { CloudFormationClient, ListStackResourcesCommand } = await sdk.cloudformation();
  const client = target.clients.get(CloudFormationClient);
  const own: StackResource[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: nextToken }));
      for (const summary of page.StackResourceSummaries ?? []) {
        if (!summary.PhysicalResourceId || ABSENT.test(summary.ResourceStatus ?? '')) continue;
        own.push({ stack: stackName, logicalId: summary.LogicalResourceId ?? '', physicalId: summary.PhysicalResourceId, type: summary.ResourceType ?? '' });
      }
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    if (isStackNotFound(error)) return undefined;
    throw error;
  }
  if (depth >= MAX_NESTING) return own;
  const nested = await Promise.all(
    own
      .filter((resource) => resource.type === NESTED_STACK && isCdkNestedStack(resource.logicalId))
      // a nested stack's physical id is its stack ARN: arn:…:stack/<name>/<uuid>
      .map((resource) => listResources(target, resource.physicalId, resource.physicalId.split('/')[1] ?? resource.logicalId, depth + 1)),
  );
  return [...own, ...nested.flatMap((resources) => resources ?? [])];
}

/**
 * Reads config.solution.stacks in the environment (once per run) and merges what they hold with the
 * names config gives. Stacks that do not exist are listed in `notDeployed` (see stackNotFound).
 */
export async function discoverSolution(target: Target, config: Config): Promise<SolutionResources> {
  const stacks = config.solution.stacks;
  const read = await Promise.all(stacks.map((name) => readStack(target, name)));
  const missing = stacks.filter((_, index) => read[index] === undefined);
  return { ...solutionResources(config, target, read.flatMap((resources) => resources ?? [])), ...(missing.length > 0 ? { notDeployed: missing } : {}) };
}

export function stackNotFound(target: Target, stacks: string[]): MtpipeError {
  const names = stacks.map((name) => `"${name}"`).join(', ');
  return new MtpipeError('stack_not_found', `CloudFormation stack ${names} does not exist in environment ${target.name} (account ${target.account}, ${target.region})`, {
    hint: 'deploy the solution there first (cdk deploy), or correct solution.stacks in mtpipe.yaml (or name the resources in solution.lambdaFunctions, stateMachines, glueJobs, sagemakerEndpoint)',
  });
}

/** What the stacks read so far in this run hold (synchronous, for a step's outputs); config names win. */
export function discoveredSoFar(target: Target, config: Config): SolutionResources {
  const done = settled.get(target);
  const resources = config.solution.stacks.flatMap((name) => done?.get(name) ?? []);
  // never read (offline) counts as not deployed as well: nothing is known of them
  const missing = config.solution.stacks.filter((name) => done?.get(name) === undefined);
  return { ...solutionResources(config, target, resources), ...(missing.length > 0 ? { notDeployed: missing } : {}) };
}

/** The endpoint's name as the environment's setting gives it (the sample names its endpoint from context). */
export function configuredEndpointName(config: Config, target: Target): string | undefined {
  const value = config.environments[target.name]?.parameters[ENDPOINT_SETTING] ?? config.parameters[ENDPOINT_SETTING];
  return value === undefined ? undefined : interpolate(value, { project: config.project, env: target.name, account: target.account, region: target.region, dnsSuffix: partition(target.region).dnsSuffix });
}

/** What discovery will cover once the stacks are deployed, for a plan's notes. */
export function coveredAfterDeploy(config: Config): string {
  const kinds = [
    configuredFunctions(config).length === 0 ? 'Lambda functions' : undefined,
    config.solution.stateMachines.length === 0 ? 'state machines' : undefined,
    config.solution.glueJobs.length === 0 ? 'Glue jobs' : undefined,
  ].filter((kind): kind is string => kind !== undefined);
  return kinds.length > 0 ? `their ${kinds.join(', ')} are covered by the next run after the first deploy` : 'nothing more is read from them';
}

/** solution.lambdaFunctions: physical names, or logical id → physical name. */
export function configuredFunctions(config: Config): SolutionFunction[] {
  const given = config.solution.lambdaFunctions;
  return Array.isArray(given) ? given.map((name) => ({ name })) : Object.entries(given).map(([logicalId, name]) => ({ name, logicalId }));
}

/** Pure: each kind of resource comes from config when config names any, otherwise from the stacks. */
export function solutionResources(config: Config, target: Target, resources: StackResource[]): SolutionResources {
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  const found = (resource: StackResource): Found => ({ name: resource.physicalId, logicalId: resource.logicalId, stack: resource.stack });
  const { stateMachines, glueJobs, sagemakerEndpoint } = config.solution;

  const configured = configuredFunctions(config);
  const discoveredFunctions = ofType('AWS::Lambda::Function')
    .filter((resource) => !isCdkFrameworkFunction(resource.logicalId))
    .map(found);

  const stateMachine = (found: Found): SolutionStateMachine => {
    // the physical id of AWS::StepFunctions::StateMachine is its ARN; config may give either
    if (found.name.startsWith('arn:')) return { ...found, name: found.name.split(':').at(-1) ?? found.name, arn: found.name };
    return { ...found, arn: `arn:${target.partition}:states:${target.region}:${target.account}:stateMachine:${found.name}` };
  };
  // SageMaker ARNs carry the endpoint name in lower case: a configured name keeps its spelling
  const endpoints = ofType('AWS::SageMaker::Endpoint').map((resource) => resource.physicalId.split('endpoint/').at(-1) ?? resource.physicalId);

  // the sample names its endpoint from context: the setting gives the name with its spelling
  const endpoint = sagemakerEndpoint ?? configuredEndpointName(config, target) ?? endpoints[0];
  return {
    functions: configured.length > 0 ? configured : discoveredFunctions,
    stateMachines: (stateMachines.length > 0 ? stateMachines.map((name) => ({ name })) : ofType('AWS::StepFunctions::StateMachine').map(found)).map(stateMachine),
    glueJobs: glueJobs.length > 0 ? glueJobs.map((name) => ({ name })) : ofType('AWS::Glue::Job').map(found),
    ...(endpoint ? { sagemakerEndpoint: endpoint } : {}),
  };
}

/** CDK logical ids are the construct id plus an 8-character hash: TranslationPromptGeneratorCDK4E8F1A2B. */
const CDK_HASH = /^[0-9A-F]{8}$/;

/**
 * A function named by its physical name, its logical id, or its construct id (the logical id without
 * CDK's hash, when exactly one function matches). Undefined when nothing matches: the caller may then
 * take the argument as a physical name the configuration does not list.
 */
export function lookupFunction(resources: SolutionResources, nameOrLogicalId: string): SolutionFunction | undefined {
  const exact =
    resources.functions.find((fn) => fn.name === nameOrLogicalId) ?? resources.functions.find((fn) => fn.logicalId === nameOrLogicalId);
  if (exact) return exact;
  const byConstructId = resources.functions.filter(
    (fn) => fn.logicalId?.startsWith(nameOrLogicalId) && CDK_HASH.test(fn.logicalId.slice(nameOrLogicalId.length)),
  );
  return byConstructId.length === 1 ? byConstructId[0] : undefined;
}

export interface StackSpec {
  name: string;
}

/**
 * A solution stack as a plan entry: read in plan time (ListStackResources), never written. A missing
 * stack blocks the plan with a hint. Several steps may read the same stack: as references they merge.
 */
export const solutionStack: ResourceKind<StackSpec, StackResource[]> = {
  kind: 'cloudformation:stack',
  name: (spec) => spec.name,
  // a stack not deployed yet is no problem: what it holds is covered by the run after the first deploy
  // (discoveredSoFar lists it in notDeployed); read as an empty stack, the plan has nothing to do
  find: async (target, spec) => (await readStack(target, spec.name)) ?? [],
  diff: () => [],
  create: async (_target, spec) => {
    throw new Error(`internal: mtpipe never creates the solution's stack ${spec.name}`);
  },
  update: async () => ({}),
  arnOf: () => undefined,
  isReference: true,
};
