import { awsSettingsFromEnv, type AwsSettings } from '../aws/clients.js';
import { formatCall, type CallObserver } from '../aws/call-log.js';
import { formatRetry, type RetryNote } from '../aws/conflict-retry.js';
import { checkAwsInputs, checkedRegion, profileRegionSource } from '../config/aws-environment.js';
import { ConfigDraft } from '../config/draft.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_CONFIG_FILE, loadConfig, type LoadedConfig } from '../config/load.js';
import { UserInputError } from '../errors.js';
import { isInteractive, NonInteractivePrompter, TerminalPrompter, type Prompter } from '../ui/prompter.js';
import { ConsoleReporter, type Reporter } from '../ui/reporter.js';

/** Options every command takes (see `mtpipe --help`). */
export interface GlobalOptions {
  config?: string;
  env?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  debug: boolean;
  color: boolean;
  adopt: boolean;
  concurrency: number;
  /** list every resource and note, not only what changed and what needs action */
  verbose?: boolean;
}

export interface Session {
  options: GlobalOptions;
  loaded: LoadedConfig;
  draft: ConfigDraft;
  prompter: Prompter;
  reporter: Reporter;
  aws: AwsSettings;
  /** the command's config-setting flags (compared with mtpipe.yaml, kept there with --save) */
  flags: CommandFlags;
  /** the environments this run acts on (--env, or all) */
  envNames(): string[];
}

/**
 * What a command outside the plan/apply runner (render, release) needs of a session: the options that
 * shape it, the resolved configuration, AWS settings and a reporter. Tests pass a plain object.
 */
export interface CommandSession<R extends keyof Reporter = 'info' | 'warn'> {
  options: Pick<GlobalOptions, 'dryRun' | 'env'>;
  draft: { config: Config };
  aws: AwsSettings;
  reporter: Pick<Reporter, R>;
}

export interface SessionDeps {
  prompter?: Prompter;
  reporter?: Reporter;
  /** extra observers of AWS calls (tests count write calls with one) */
  observers?: CallObserver[];
}

export interface CommandFlags {
  /** flag values keyed by the dotted config key they set */
  overrides: Record<string, unknown>;
  flagFor: (key: string) => string | undefined;
}

export async function openSession(options: GlobalOptions, flags: CommandFlags, deps: SessionDeps = {}): Promise<Session> {
  const reporter = deps.reporter ?? new ConsoleReporter({ json: options.json, debug: options.debug, color: options.color, verbose: Boolean(options.verbose) });
  const { notice } = await checkAwsInputs({
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.endpointUrl !== undefined ? { endpointUrl: options.endpointUrl } : {}),
  });
  if (notice) reporter.info(notice);
  const loaded = await loadConfig({
    file: options.config ?? DEFAULT_CONFIG_FILE,
    fileRequired: options.config !== undefined,
    fallbackRegion: () => regionOfEnvironmentOrProfile(options.profile),
    overrides: { region: options.region, ...flags.overrides },
    flagFor: (key) => (key === 'region' ? '--region' : flags.flagFor(key)),
  });
  const known = Object.keys(loaded.config.environments);
  if (options.env !== undefined && !known.includes(options.env)) {
    throw new UserInputError([`--env: no environment "${options.env}" in the configuration (known: ${known.join(', ')})`]);
  }
  const prompter = deps.prompter ?? (isInteractive(options) ? new TerminalPrompter() : new NonInteractivePrompter());
  const observers: CallObserver[] = [...(deps.observers ?? [])];
  if (options.debug) observers.push((call) => reporter.debug(formatCall(call)));
  return {
    options,
    loaded,
    draft: new ConfigDraft(loaded, prompter),
    prompter,
    reporter,
    aws: {
      ...awsSettingsFromEnv(
        { ...(options.profile ? { profile: options.profile } : {}), ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}) },
        observers,
      ),
      ...(options.debug ? { onRetry: (note: RetryNote) => reporter.debug(formatRetry(note)) } : {}),
    },
    flags,
    envNames: () => (options.env ? [options.env] : Object.keys(loaded.config.environments)),
  };
}

/** AWS_REGION, AWS_DEFAULT_REGION, then the profile's region as the SDK reads it, then us-east-1. */
async function regionOfEnvironmentOrProfile(profile: string | undefined): Promise<string> {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = process.env[name];
    if (value) return checkedRegion(value, name);
  }
  let region: string | undefined;
  try {
    // what an SDK client's config.region() answers, without loading a service package for it
    const { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS, resolveRegionConfig } = await import('@smithy/core/config');
    const configured = loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, ...(profile ? { profile } : {}) });
    region = await resolveRegionConfig({ region: configured }).region();
  } catch {
    // no region configured anywhere
  }
  return region ? checkedRegion(region, profileRegionSource(profile)) : 'us-east-1';
}
