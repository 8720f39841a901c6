/** Reads of the solution's Lambda functions (CDK-managed: mtpipe never creates them). */
import type { Target } from '../engine/types.js';
import { isLambdaNotFound, unlessAbsent } from './errors.js';
import { sdk } from './sdk.js';

/** What monitoring needs of a function: its limits, its role and its tracing. */
export interface FunctionConfiguration {
  name: string;
  arn: string;
  /** seconds (Lambda Timeout) */
  timeoutSeconds: number;
  /** execution role ARN */
  roleArn: string | undefined;
  /** Active or PassThrough */
  tracingMode: string | undefined;
  /** Successful, InProgress or Failed: a change must wait for InProgress to end (Lambda LastUpdateStatus) */
  lastUpdateStatus: string | undefined;
}

// One GetFunctionConfiguration per function and run, however many parts of a step ask.
const reads = new WeakMap<Target, Map<string, Promise<FunctionConfiguration | undefined>>>();

/** Undefined when the function does not exist; other errors propagate. Cached per target (one run). */
export function readFunctionConfiguration(target: Target, name: string): Promise<FunctionConfiguration | undefined> {
  const byName = reads.get(target) ?? new Map<string, Promise<FunctionConfiguration | undefined>>();
  reads.set(target, byName);
  let read = byName.get(name);
  if (!read) {
    read = sdk.lambda().then(({ LambdaClient, GetFunctionConfigurationCommand }) =>
      unlessAbsent(target.clients.get(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: name })), isLambdaNotFound),
    ).then(
      (found) =>
        found && {
          name: found.FunctionName ?? name,
          arn: found.FunctionArn ?? '',
          timeoutSeconds: found.Timeout ?? 3,
          roleArn: found.Role,
          tracingMode: found.TracingConfig?.Mode,
          lastUpdateStatus: found.LastUpdateStatus,
        },
    );
    read.catch(() => byName.delete(name));
    byName.set(name, read);
  }
  return read;
}

/** Forgets what was read of a function (after mtpipe changed it, the next read must ask again). */
export function forgetFunctionConfiguration(target: Target, name: string): void {
  reads.get(target)?.delete(name);
}
