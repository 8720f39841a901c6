/** Reads of the solution's Lambda functions (CDK-managed: mtpipe never creates them). */
import type { Target } from '../engine/types.js';
import { isLambdaNotFound, unlessAbsent } from './errors.js';
import { readOnce, runMemo } from './run-reads.js';
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

const FUNCTION_READS = 'lambda:function';

/**
 * Undefined when the function does not exist; other errors propagate. One GetFunctionConfiguration per
 * function and run (run-reads.ts), however many parts of a step ask.
 */
export function readFunctionConfiguration(target: Target, name: string): Promise<FunctionConfiguration | undefined> {
  return readOnce(target, FUNCTION_READS, name, async () => {
    const { LambdaClient, GetFunctionConfigurationCommand } = await sdk.lambda();
    const found = await unlessAbsent(target.clients.get(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: name })), isLambdaNotFound);
    return (
      found && {
        name: found.FunctionName ?? name,
        arn: found.FunctionArn ?? '',
        timeoutSeconds: found.Timeout ?? 3,
        roleArn: found.Role,
        tracingMode: found.TracingConfig?.Mode,
        lastUpdateStatus: found.LastUpdateStatus,
      }
    );
  });
}

/** Forgets what was read of a function (after mtpipe changed it, the next read must ask again). */
export function forgetFunctionConfiguration(target: Target, name: string): void {
  runMemo(target, FUNCTION_READS).delete(name);
}
