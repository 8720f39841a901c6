import { UserInputError } from '../errors.js';
import { regionProblem } from './partition.js';

/**
 * Checks of what the user gave the AWS SDK (flags and AWS_* variables) that AWS would otherwise reject
 * only later, after calls were made: each is a UserInputError naming the flag or variable, before any call.
 */
export interface AwsInputs {
  profile?: string;
  endpointUrl?: string;
}

type Env = Record<string, string | undefined>;

/** The profile the SDK will use and where it was named, or undefined for the default chain. */
export function selectedProfile(inputs: AwsInputs, env: Env = process.env): { name: string; source: string } | undefined {
  if (inputs.profile !== undefined) return { name: inputs.profile, source: '--profile' };
  if (env.AWS_PROFILE) return { name: env.AWS_PROFILE, source: 'AWS_PROFILE' };
  return undefined;
}

/**
 * Every problem with the endpoint, profile and retry settings, all at once.
 * Returns the one line to show about which credentials are used, when the SDK would otherwise
 * warn (several lines) that a profile and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are both set.
 * @throws UserInputError listing every problem
 */
export async function checkAwsInputs(inputs: AwsInputs, env: Env = process.env): Promise<{ notice?: string }> {
  const problems = [...endpointProblems(inputs, env), ...retryProblems(env)];
  const profile = selectedProfile(inputs, env);
  if (profile) problems.push(...(await profileProblems(profile, inputs, env)));
  if (problems.length > 0) throw new UserInputError(problems);
  if (profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { notice: `credentials: profile "${profile.name}" (${profile.source}); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set too and not used` };
  }
  return {};
}

/** A region from outside mtpipe.yaml and the flags (AWS_REGION, the profile), checked against the partition data. */
export function checkedRegion(region: string, source: string): string {
  const problem = regionProblem(region);
  if (problem) throw new UserInputError([`${source}: ${problem}`]);
  return region;
}

/** An http(s) URL with a host, as every SDK client needs for `endpoint`. */
export function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL: give http(s)://host[:port], e.g. http://127.0.0.1:5000`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${value}" must start with http:// or https://`;
  if (!url.hostname) return `"${value}" has no host name`;
  return undefined;
}

const ENDPOINT_ENV = /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/;

function endpointProblems(inputs: AwsInputs, env: Env): string[] {
  if (inputs.endpointUrl !== undefined) {
    // the flag wins over every AWS_ENDPOINT_URL* variable: those are not read then
    const problem = urlProblem(inputs.endpointUrl);
    return problem ? [`--endpoint-url: ${problem}`] : [];
  }
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return [];
  return Object.entries(env)
    .filter(([name, value]) => ENDPOINT_ENV.test(name) && value)
    .flatMap(([name, value]) => {
      const problem = urlProblem(value!);
      return problem ? [`${name}: ${problem}`] : [];
    });
}

function retryProblems(env: Env): string[] {
  const problems: string[] = [];
  const attempts = env.AWS_MAX_ATTEMPTS;
  if (attempts !== undefined && attempts !== '' && !/^[1-9]\d{0,2}$/.test(attempts.trim())) {
    problems.push('AWS_MAX_ATTEMPTS: must be a whole number from 1 to 999 (attempts per call, the first included)');
  }
  const mode = env.AWS_RETRY_MODE;
  if (mode !== undefined && mode !== '' && mode !== 'standard' && mode !== 'adaptive') {
    problems.push(`AWS_RETRY_MODE: must be standard or adaptive, not "${mode}"`);
  }
  return problems;
}

/**
 * A named profile must exist in the shared config or credentials file (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials); its region and
 * endpoint_url, when set, are checked like the flags.
 */
async function profileProblems(profile: { name: string; source: string }, inputs: AwsInputs, env: Env): Promise<string[]> {
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
    ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ignoreCache: true,
  });
  const isProfile = (key: string) => !key.startsWith('sso-session.') && !key.startsWith('services.');
  const known = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)].filter(isProfile))].sort();
  if (!known.includes(profile.name)) {
    const files = `${env.AWS_CONFIG_FILE ?? '~/.aws/config'} or ${env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials'}`;
    return [`${profile.source}: no profile "${profile.name}" in ${files} (${known.length > 0 ? `profiles there: ${known.join(', ')}` : 'there are no profiles'})`];
  }
  const problems: string[] = [];
  const settings = configFile[profile.name] ?? {};
  const where = `profile "${profile.name}" in ${env.AWS_CONFIG_FILE ?? '~/.aws/config'}`;
  const endpoint = settings.endpoint_url;
  if (endpoint && inputs.endpointUrl === undefined && env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') {
    const problem = urlProblem(endpoint);
    if (problem) problems.push(`endpoint_url of ${where}: ${problem}`);
  }
  return problems;
}

/** The region a profile sets, and where that is said, for messages. */
export function profileRegionSource(profile: string | undefined, env: Env = process.env): string {
  return `region of profile "${profile ?? env.AWS_PROFILE ?? 'default'}" in ${env.AWS_CONFIG_FILE ?? '~/.aws/config'}`;
}
