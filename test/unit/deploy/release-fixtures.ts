import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import type { ReleaseSession } from '../../../src/commands/release.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';
import { lambdaMock } from './mock-sdk.js';

/** Shared by the release tests: a prod environment in its own account, a function, a clock. */
export const FUNCTION = 'mt-translate-prompt';
export const target = testTarget({ name: 'prod', region: 'eu-west-1', account: '210987654321' });

/** A clock that moves only when release sleeps. */
export function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    deps: { target, now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)) },
  };
}

export function session(options: { dryRun?: boolean; env?: string; solution?: Record<string, unknown> } = {}) {
  const info: string[] = [];
  const config: Config = configSchema.parse({ ...defaultConfig('us-east-1'), solution: options.solution ?? { stacks: [], lambdaFunctions: { PromptGeneratorCDK: FUNCTION } } });
  const value: ReleaseSession = {
    options: { dryRun: options.dryRun ?? false, env: 'env' in options ? options.env : 'prod' },
    draft: { config },
    aws: { maxAttempts: 1, retryMode: 'standard', observers: [] },
    reporter: { info: (line) => void info.push(line) },
  };
  return { value, info };
}

export const notFound = (message: string) => new ResourceNotFoundException({ message, $metadata: {} });

/** The function exists; live points at `live` (or is missing); PublishVersion answers `published`. */
export function lambdaAccount(live: string | undefined, published = '4'): void {
  lambdaMock.on(GetFunctionConfigurationCommand).resolves({ FunctionName: FUNCTION, State: 'Active', LastUpdateStatus: 'Successful' });
  if (live === undefined) lambdaMock.on(GetAliasCommand).rejects(notFound(`Cannot find alias arn: arn:aws:lambda:eu-west-1:210987654321:function:${FUNCTION}:live`));
  else lambdaMock.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: live });
  lambdaMock.on(PublishVersionCommand).resolves({ FunctionName: FUNCTION, Version: published });
  lambdaMock.on(CreateAliasCommand).resolves({ Name: 'live', FunctionVersion: published });
}

