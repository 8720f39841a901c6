/** Which pipeline run, watch and approve act on, and the tool account's clients to reach it. */
import { resolveTargets } from '../aws/targets.js';
import { pipelinesOf } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Target } from '../engine/types.js';
import { UserInputError } from '../errors.js';
import type { CommandSession } from './session.js';

export interface SelectedPipeline {
  name: string;
  /** the environments it deploys to, in order */
  envs: string[];
}

/**
 * `pipeline.layout: single`: the one pipeline (through every environment; --env changes nothing).
 * `per-environment`: the pipeline of --env, or of the only environment; several without --env is bad
 * input (exit 2), checked before any AWS call.
 */
export function selectPipeline(config: Config, env: string | undefined, command: string): SelectedPipeline {
  if (config.pipeline.layout === 'single') return pipelinesOf(config)[0]!;
  const known = Object.keys(config.environments);
  if (env === undefined && known.length > 1) {
    throw new UserInputError([`${command} needs --env with pipeline.layout per-environment (one pipeline per environment): which of ${known.join(', ')}?`]);
  }
  const chosen = env ?? known[0]!;
  return pipelinesOf(config, [chosen])[0]!;
}

/** The tool account in the main region, where the pipelines are; `close` releases its clients. */
export async function openToolTarget(session: Pick<CommandSession, 'draft' | 'aws'>): Promise<{ target: Target; close: () => void }> {
  const targets = await resolveTargets(session.draft.config, [], session.aws, { dryRun: false });
  return { target: targets.shared, close: () => targets.shared.clients.destroy() };
}

/** `mtpipe <command>` as the user would type it again, with --env when the layout needs it. */
export function commandLine(config: Config, env: string | undefined, command: string): string {
  return `mtpipe ${command}${config.pipeline.layout === 'per-environment' && env ? ` --env ${env}` : ''}`;
}
