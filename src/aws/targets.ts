import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Config } from '../config/schema.js';
import { partition } from '../config/partition.js';
import type { Target } from '../engine/types.js';
import { AwsError, describeCause, MtpipeError } from '../errors.js';
import { assumedRoleCredentials, baseCredentials, ClientFactory, type AwsSettings } from './clients.js';
import { isConnectionFailure, isMissingCredentials } from './errors.js';
import { preloadSdk, sdk, type SdkService } from './sdk.js';

export const SHARED = 'shared';
/** Shown in ARNs of an offline plan, where no account can be asked. */
export const UNKNOWN_ACCOUNT = '<account-id>';

export interface Targets {
  /** the tool account and main region: repository, builds, pipeline and their roles */
  shared: Target;
  /** each selected environment in its own account and region: what is deployed there (CodeDeploy, alarms) */
  environments: Target[];
  /**
   * each selected environment's resources that live with the builds, in the tool account and main
   * region (its SSM parameters: CodeBuild's `parameter-store:` reads only its own account and region)
   */
  environmentsInToolAccount: Target[];
  offline: boolean;
  /** configured environments that resolve to one account without `allowSharedAccount` (see sharedAccountProblems) */
  accountClashes?: AccountClash[];
}

/** Two configured environments in one account; `second` (the later in mtpipe.yaml) does not allow it. */
export interface AccountClash {
  first: string;
  second: string;
  /** the account, or UNKNOWN_ACCOUNT in an offline plan (both default to the credentials' account) */
  account: string;
}

/** The credentials and who they belong to, in the main region: asked once per run, before anything else of AWS. */
export interface Connection {
  base: AwsCredentialIdentityProvider;
  sharedClients: ClientFactory;
  /** the caller's account; UNKNOWN_ACCOUNT when offline */
  sharedAccount: string;
  offline: boolean;
}

/**
 * Asks STS who the credentials are (GetCallerIdentity in `region`). Without any credentials, a dry
 * run becomes offline; anything else is an error. `preload`: the SDK packages the run will use,
 * loaded while STS answers (their loading is CPU the run would otherwise spend after STS, one package
 * at a time as its first call needs it, delaying every read behind it).
 */
export async function connect(region: string, settings: AwsSettings, options: { dryRun: boolean; preload?: readonly SdkService[] }): Promise<Connection> {
  const base = await baseCredentials(settings);
  const sharedClients = new ClientFactory(region, settings, base);
  try {
    // the credentials first: without any, the offline plan needs no SDK service package (not even STS's)
    await base();
    preloadSdk(options.preload ?? []);
    return { base, sharedClients, sharedAccount: await callerAccount(sharedClients), offline: false };
  } catch (error) {
    const endpoint = customEndpoint(settings);
    if (endpoint && isConnectionFailure(error)) {
      throw new MtpipeError('endpoint_unreachable', `cannot reach the endpoint ${endpoint.url} (${endpoint.source}): ${describeCause(error)}`, {
        cause: error,
        exitCode: 2,
        hint: 'start the emulator there, or correct the URL (host and port)',
      });
    }
    if (!isMissingCredentials(error)) throw new AwsError('asking STS which account the credentials belong to', error);
    if (!options.dryRun) {
      throw new MtpipeError('no_credentials', 'no AWS credentials found', {
        cause: error,
        exitCode: 2,
        hint: 'configure credentials (aws configure, aws sso login, AWS_PROFILE or --profile), or run with --dry-run for an offline plan',
      });
    }
    return { base, sharedClients, sharedAccount: UNKNOWN_ACCOUNT, offline: true };
  }
}

/**
 * One Target per selected environment plus the shared one. Asks STS who the credentials are (unless
 * `connection` has), and stops before anything is written when they reach another account than the
 * configuration names. Without any credentials, a dry run becomes an offline plan; anything else is an error.
 */
export async function resolveTargets(
  config: Config,
  envNames: string[],
  settings: AwsSettings,
  options: { dryRun: boolean },
  connection?: Connection,
): Promise<Targets> {
  const { base, sharedClients, sharedAccount, offline } = connection ?? (await connect(config.region, settings, options));

  const target = (name: string, region: string, account: string, clients: ClientFactory): Target => ({
    name,
    region,
    account,
    partition: partition(region).name,
    clients,
    offline,
  });

  const environments = await Promise.all(
    envNames.map(async (name) => {
      const env = config.environments[name]!;
      const region = env.region ?? config.region;
      if (offline) return target(name, region, env.account ?? UNKNOWN_ACCOUNT, sharedClients);
      const credentials: AwsCredentialIdentityProvider = env.roleArn
        ? await assumedRoleCredentials(env.roleArn, region, settings, base)
        : base;
      const clients = region === config.region && !env.roleArn ? sharedClients : new ClientFactory(region, settings, credentials);
      // the same credentials in another region reach the same account: STS is asked again only through a role
      const account = env.roleArn ? await reach(clients, name, env.roleArn) : sharedAccount;
      if (env.account && env.account !== account) {
        throw new MtpipeError('wrong_account', `environment ${name}: the credentials reach account ${account}, but environments.${name}.account is ${env.account}`, {
          exitCode: 2,
          hint: env.roleArn
            ? `check environments.${name}.roleArn: it must be a role in account ${env.account}`
            : `use credentials for account ${env.account} (--profile), or set environments.${name}.roleArn to a role there`,
        });
      }
      return target(name, region, account, clients);
    }),
  );
  const environmentsInToolAccount = envNames.map((name) => target(name, config.region, sharedAccount, sharedClients));
  return {
    shared: target(SHARED, config.region, sharedAccount, sharedClients),
    environments,
    environmentsInToolAccount,
    offline,
    accountClashes: accountClashes(config, environments, sharedAccount),
  };
}

/**
 * Every configured environment's account, selected or not (an unselected one's resources would collide
 * just the same): the resolved one when selected, else `account`, else the account of `roleArn`, else
 * the credentials' own. An environment that shares its account with an earlier one must say
 * `allowSharedAccount: true`: the solution's stacks use fixed names (its IAM roles, state machine, Glue
 * job), so two environments in one account, even in two regions, overwrite each other.
 */
export function accountClashes(config: Config, selected: Target[], callerAccount: string): AccountClash[] {
  const accountOf = (name: string): string => {
    const env = config.environments[name]!;
    const target = selected.find((t) => t.name === name);
    if (target && target.account !== UNKNOWN_ACCOUNT) return target.account;
    return env.account ?? roleAccount(env.roleArn) ?? callerAccount;
  };
  const names = Object.keys(config.environments);
  const clashes: AccountClash[] = [];
  names.forEach((second, index) => {
    if (config.environments[second]!.allowSharedAccount) return;
    const account = accountOf(second);
    const first = names.slice(0, index).find((name) => accountOf(name) === account);
    if (first) clashes.push({ first, second, account });
  });
  return clashes;
}

/** What is wrong with a clash, and the two ways out. */
export function describeClash({ first, second, account }: AccountClash): { problem: string; fix: string } {
  const where = account === UNKNOWN_ACCOUNT ? "the credentials' account" : `account ${account}`;
  return {
    problem: `environments ${first} and ${second} both resolve to ${where}: the solution's stacks use fixed resource names, so deploying or releasing ${second} would overwrite ${first}`,
    fix: `give environments.${second}.account (and environments.${second}.roleArn to reach it) for a separate account, or set environments.${second}.allowSharedAccount: true if the solution has no fixed names`,
  };
}

/** Plan lines for the clashes (a dry run shows them and exits 0). */
export function sharedAccountProblems(clashes: AccountClash[]): string[] {
  return clashes.map((clash) => {
    const { problem, fix } = describeClash(clash);
    return `${problem}; ${fix}`;
  });
}

/** Before any write: two environments in one account are refused unless the configuration allows it (exit 2). */
export function refuseSharedAccounts(targets: Pick<Targets, 'accountClashes'>): void {
  const described = (targets.accountClashes ?? []).map(describeClash);
  if (described.length === 0) return;
  throw new MtpipeError('shared_account', described.map((d) => d.problem).join('\n'), {
    exitCode: 2,
    hint: `${described.map((d) => d.fix).join('; ')}. Nothing was written.`,
  });
}

function roleAccount(roleArn: string | undefined): string | undefined {
  return roleArn ? /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] : undefined;
}

async function reach(clients: ClientFactory, envName: string, roleArn: string | undefined): Promise<string> {
  try {
    return await callerAccount(clients);
  } catch (error) {
    throw new AwsError(
      roleArn ? `environment ${envName}: assuming role ${roleArn}` : `environment ${envName}: asking STS for the account`,
      error,
      roleArn ? 'the role must trust the account you run mtpipe from (sts:AssumeRole)' : undefined,
    );
  }
}

async function callerAccount(clients: ClientFactory): Promise<string> {
  const { STSClient, GetCallerIdentityCommand } = await sdk.sts();
  const { Account } = await clients.get(STSClient).send(new GetCallerIdentityCommand({}));
  if (!Account) throw new Error('STS returned no account');
  return Account;
}

/** The endpoint STS is called at when it is not AWS's own, and where it was set. */
function customEndpoint(settings: AwsSettings): { url: string; source: string } | undefined {
  if (settings.endpointUrl) return { url: settings.endpointUrl, source: '--endpoint-url' };
  for (const name of ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL']) {
    const url = process.env[name];
    if (url && process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') return { url, source: name };
  }
  return undefined;
}

const sharedInRegion = new WeakMap<Target, Map<string, Target>>();

/**
 * The tool account in `region`: the shared target's account and credentials, another region (the
 * shared target itself for its own region). One object per region and shared target, so that the
 * engine, which groups reads by target, sees one place; its clients are destroyed with the shared ones.
 */
export function sharedIn(shared: Target, region: string): Target {
  if (region === shared.region) return shared;
  const byRegion = sharedInRegion.get(shared) ?? new Map<string, Target>();
  sharedInRegion.set(shared, byRegion);
  let target = byRegion.get(region);
  if (!target) {
    target = { ...shared, region, partition: partition(region).name, clients: shared.clients.inRegion(region) };
    byRegion.set(region, target);
  }
  return target;
}
