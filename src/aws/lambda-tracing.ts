/**
 * X-Ray tracing of a Lambda function that CDK made (the solution's). Only the function's TracingConfig
 * is managed here, nothing else of the function.
 *
 * Ownership: the function is CloudFormation's and carries no mtpipe tag, and it never will (tagging it
 * would be one more change beside CloudFormation). This kind therefore models the *setting*, not the
 * function: it has no tags (`tagsOf` absent), so the plan's tag rule (changed only with --adopt) does
 * not apply to it, as for every sub-resource setting mtpipe owns on its own (an IAM policy attachment).
 * The function itself is never created, deleted or otherwise changed. Changing it beside CloudFormation
 * is drift: a later `cdk deploy` sets the tracing back to what the stack says, and the next run of
 * setup-monitoring repairs it.
 */
import { sdk } from './sdk.js';
import { compareField, fieldsToCreate } from '../engine/diff.js';
import { IAM_PROPAGATION_WAIT, retryWhile } from '../engine/retry.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { isLambdaTracingNotPermitted, isLambdaUpdateInProgress } from './errors.js';
import { rolePolicyAttachment } from './iam-role.js';
import { FUNCTION_UPDATE_TIMEOUT_MS } from './lambda-alias.js';
import { forgetFunctionConfiguration, readFunctionConfiguration } from './lambda-function.js';

export interface FunctionTracingSpec {
  functionName: string;
  mode: 'Active';
  /**
   * The role's attachment (kind iam:role-policy-attachment, by name) that lets it write traces. When this
   * run created it, Lambda's refusal for missing X-Ray rights is retried while IAM propagates.
   */
  permission?: string;
}

export interface FunctionTracing {
  arn: string;
  /** Active or PassThrough (Lambda's default when never set) */
  mode: string;
  /** Successful, InProgress or Failed */
  lastUpdateStatus: string | undefined;
}

/** How long and how often a change waits for the function's previous update to finish. */
export interface UpdateWait {
  /** ms for each wait (before the change, and after it); default FUNCTION_UPDATE_TIMEOUT_MS */
  timeoutMs?: number;
  /** ms between two reads of LastUpdateStatus; default 1000 */
  pollMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
}

const IN_PROGRESS = 'InProgress';

async function current(target: Target, spec: FunctionTracingSpec): Promise<FunctionTracing | undefined> {
  const found = await readFunctionConfiguration(target, spec.functionName);
  return found && { arn: found.arn, mode: found.tracingMode ?? 'PassThrough', lastUpdateStatus: found.lastUpdateStatus };
}

/**
 * Reads the function until its LastUpdateStatus is no longer InProgress (a function being updated answers
 * every change with ResourceConflictException) and returns it (Successful or Failed). Throws at the deadline.
 */
export async function waitForFunctionUpdate(target: Target, name: string, wait: UpdateWait = {}): Promise<{ status: string | undefined; reason: string | undefined }> {
  const { GetFunctionConfigurationCommand, LambdaClient } = await sdk.lambda();
  const sleep = wait.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const now = wait.now ?? Date.now;
  const deadline = now() + (wait.timeoutMs ?? FUNCTION_UPDATE_TIMEOUT_MS);
  for (;;) {
    const found = await target.clients.get(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (found.LastUpdateStatus !== IN_PROGRESS) return { status: found.LastUpdateStatus, reason: found.LastUpdateStatusReason };
    if (now() + (wait.pollMs ?? 1000) > deadline) {
      throw new Error(`function ${name} was still being updated (LastUpdateStatus InProgress) after ${Math.round((wait.timeoutMs ?? FUNCTION_UPDATE_TIMEOUT_MS) / 1000)} s`);
    }
    await sleep(wait.pollMs ?? 1000);
  }
}

/** The kind, with its waits (tests pass a fake clock). */
export function functionTracingKind(wait: UpdateWait = {}): ResourceKind<FunctionTracingSpec, FunctionTracing> {
  return {
    kind: 'lambda:tracing',
    name: (spec) => spec.functionName,

    // the configuration setup-monitoring's preparation read (one GetFunctionConfiguration per function and run)
    find: (target, spec) => current(target, spec),
    // a batch from what was read already: the plan then reads these even while the role's permission,
    // which they depend on (for the order of the writes), is still to be created
    findMany: (target, specs) => Promise.all(specs.map((spec) => current(target, spec))),

    diff: (current, spec) => (current ? compareField('tracing', current.mode, spec.mode) : fieldsToCreate({ tracing: spec.mode })),

    check: (current, spec) => (current ? undefined : `Lambda function ${spec.functionName} does not exist (any more): deploy the solution (cdk deploy) and run again`),

    create: async (_target, spec) => {
      throw new Error(`internal: Lambda function ${spec.functionName} is the solution's (CDK); mtpipe only sets its tracing`);
    },

    async update(target, spec, current, _diffs, context) {
      const { LambdaClient, UpdateFunctionConfigurationCommand } = await sdk.lambda();
      const name = spec.functionName;
      // someone else's update, which may end either way: the tracing change is made after it regardless
      if (current.lastUpdateStatus === IN_PROGRESS) await waitForFunctionUpdate(target, name, wait);
      const permissionIsNew = spec.permission !== undefined && (context?.createdInThisRun(rolePolicyAttachment.kind, spec.permission) ?? false);
      // TracingConfig alone: every member sent would replace CDK's setting of it
      const answer = await retryWhile(
        () => target.clients.get(LambdaClient).send(new UpdateFunctionConfigurationCommand({ FunctionName: name, TracingConfig: { Mode: spec.mode } })),
        // an update someone else started since the plan read the function; the X-Ray policy attached moments ago
        (error) => isLambdaUpdateInProgress(error) || (permissionIsNew && isLambdaTracingNotPermitted(error)),
        {
          timeoutMs: wait.timeoutMs ?? FUNCTION_UPDATE_TIMEOUT_MS,
          ...(wait.sleep ? { sleep: wait.sleep } : {}),
          ...(wait.now ? { now: wait.now } : {}),
          onWait: (waitedMs) => context?.waiting(permissionIsNew ? IAM_PROPAGATION_WAIT : "waiting for the function's update to finish", waitedMs),
        },
      );
      forgetFunctionConfiguration(target, name);
      const after = answer.LastUpdateStatus === IN_PROGRESS ? await waitForFunctionUpdate(target, name, wait) : { status: answer.LastUpdateStatus, reason: answer.LastUpdateStatusReason };
      if (after.status === 'Failed') throw new Error(`Lambda could not apply the tracing change to ${name}: ${after.reason ?? 'no reason given'}`);
      return { arn: current.arn };
    },

    planNote: "a CDK-managed function, changed outside CloudFormation: a later `cdk deploy` resets its tracing (drift the next run repairs)",
    arnOf: (target, spec) => `arn:${target.partition}:lambda:${target.region}:${target.account}:function:${spec.functionName}`,
  };
}

export const lambdaTracing = functionTracingKind();
