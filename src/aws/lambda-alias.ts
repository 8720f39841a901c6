import { sdk } from './sdk.js';
import { retryWhile, type RetryOptions } from '../engine/retry.js';
import type { Target } from '../engine/types.js';
import { alreadyExists, isLambdaNotFound, isLambdaUpdateInProgress } from './errors.js';

/** How long PublishVersion waits for a function update in progress to finish. */
export const FUNCTION_UPDATE_TIMEOUT_MS = 2 * 60 * 1000;

export interface FunctionState {
  name: string;
  /** the function's state (Pending, Active …) and the status of its last update */
  state?: string;
  lastUpdateStatus?: string;
}

export interface AliasState {
  version: string;
  /** versions that get a share of the traffic besides `version`: a shift is under way */
  weightedVersions: string[];
}

/** A function ARN (…:function:name[:qualifier]) becomes its name; a name stays as it is. */
export function functionNameOf(nameOrArn: string): string {
  const match = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:([^:]+)(:[^:]+)?$/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}

export async function readFunction(target: Target, name: string): Promise<FunctionState | undefined> {
  const { GetFunctionConfigurationCommand, LambdaClient } = await sdk.lambda();
  try {
    const config = await target.clients.get(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return { name: config.FunctionName ?? name, ...(config.State ? { state: config.State } : {}), ...(config.LastUpdateStatus ? { lastUpdateStatus: config.LastUpdateStatus } : {}) };
  } catch (error) {
    if (isLambdaNotFound(error)) return undefined;
    throw error;
  }
}

export async function findAlias(target: Target, functionName: string, alias: string): Promise<AliasState | undefined> {
  const { GetAliasCommand, LambdaClient } = await sdk.lambda();
  try {
    const found = await target.clients.get(LambdaClient).send(new GetAliasCommand({ FunctionName: functionName, Name: alias }));
    return {
      version: found.FunctionVersion ?? '',
      weightedVersions: Object.keys(found.RoutingConfig?.AdditionalVersionWeights ?? {}),
    };
  } catch (error) {
    if (isLambdaNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Publishes the function's current code and configuration as a version. Lambda returns the latest
 * version instead of a new one when nothing changed since it was published.
 */
export async function publishVersion(target: Target, functionName: string, retry: Partial<RetryOptions> = {}): Promise<string> {
  const { LambdaClient, PublishVersionCommand } = await sdk.lambda();
  const { Version } = await retryWhile(
    () => target.clients.get(LambdaClient).send(new PublishVersionCommand({ FunctionName: functionName })),
    // right after `cdk deploy` the function's last update may still be in progress
    isLambdaUpdateInProgress,
    { timeoutMs: FUNCTION_UPDATE_TIMEOUT_MS, ...retry },
  );
  if (!Version) throw new Error(`Lambda returned no version for ${functionName}`);
  return Version;
}

/**
 * Creates `alias` on `version`. When it exists already on that version (the SDK retried a CreateAlias
 * whose response was lost) that is done; on another version the error is thrown.
 */
export async function createAlias(target: Target, functionName: string, alias: string, version: string): Promise<void> {
  const { CreateAliasCommand, LambdaClient } = await sdk.lambda();
  try {
    await target.clients.get(LambdaClient).send(
      new CreateAliasCommand({
        FunctionName: functionName,
        Name: alias,
        FunctionVersion: version,
        Description: 'Shifted by CodeDeploy (mtpipe release)',
      }),
    );
  } catch (error) {
    if (!alreadyExists.lambdaAlias(error) || (await findAlias(target, functionName, alias))?.version !== version) throw error;
  }
}
