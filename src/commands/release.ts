import { followDeployment, shiftMinutes, startDeployment, type FollowOptions } from '../aws/codedeploy-deployment.js';
import { isApplicationNotFound, isDeploymentGroupNotFound } from '../aws/errors.js';
import { createAlias, findAlias, functionNameOf, publishVersion, readFunction, type AliasState } from '../aws/lambda-alias.js';
import { discoverSolution, lookupFunction, stackNotFound, type SolutionResources } from '../aws/solution-discovery.js';
import { refuseSharedAccounts, resolveTargets } from '../aws/targets.js';
import { codedeployApplicationName, deploymentGroupName } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Target } from '../engine/types.js';
import { AwsError, MtpipeError, UserInputError } from '../errors.js';
import { configuredHooks, LIVE_ALIAS, renderAppSpec, type HookFunctions } from '../templates/appspec.js';
import type { CommandSession } from './session.js';

/** Beyond the time the deployment config takes to shift traffic: hooks, baking, CodeDeploy's own pace. */
const TIMEOUT_MARGIN_MINUTES = 15;

/** What release needs of a session. */
export type ReleaseSession = CommandSession<'info'>;

export interface ReleaseRequest {
  /** logical id (e.g. TranslationPromptGeneratorCDK) or physical name or ARN */
  function: string;
  /** minutes to follow the deployment; default: the shift time of the deployment config plus 15 */
  timeoutMinutes?: number;
}

export interface ReleaseDeps extends Pick<FollowOptions, 'sleep' | 'now' | 'pollIntervalMs'> {
  /** injected by tests: the environment's Target instead of resolving credentials */
  target?: Target;
}

export type ReleaseOutcome = 'would-release' | 'alias-created' | 'already-live' | 'succeeded' | 'rolled-back' | 'failed' | 'stopped';

export interface ReleaseResult {
  env: string;
  function: string;
  logicalId?: string;
  alias: string;
  application: string;
  deploymentGroup: string;
  deploymentConfig: string;
  dryRun: boolean;
  outcome: ReleaseOutcome;
  /** the version live pointed at before */
  fromVersion?: string;
  /** the version published for this release (unknown in a dry run) */
  toVersion?: string;
  deploymentId?: string;
  /** the version live points at when release returns */
  liveVersion?: string;
  error?: { code?: string; message?: string };
  rollback?: { deploymentId?: string; message?: string };
}

/** A deployment that failed or stopped: CodeDeploy rolled the alias back (exit 1). */
export class ReleaseFailedError extends MtpipeError {
  constructor(readonly result: ReleaseResult) {
    super('release_failed', releaseNotes(result).join('\n'), {
      hint: `see the deployment: aws deploy get-deployment --deployment-id ${result.deploymentId ?? '<id>'}; fix the function and release again`,
    });
  }
}

/** Which environment: --env, or the only one configured. Checked before any AWS call. */
export function releaseEnvironment(config: Config, env: string | undefined): string {
  const known = Object.keys(config.environments);
  if (env !== undefined) return env;
  if (known.length === 1) return known[0]!;
  throw new UserInputError([`release needs --env: which of ${known.join(', ')}?`]);
}

export function validateRelease(request: ReleaseRequest): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_:.-]{1,170}$/.test(request.function)) problems.push(`<function>: "${request.function}" is not a function name, logical id or ARN`);
  if (request.timeoutMinutes !== undefined && (!Number.isInteger(request.timeoutMinutes) || request.timeoutMinutes < 1)) {
    problems.push('--timeout: must be a whole number of minutes, at least 1');
  }
  if (problems.length > 0) throw new UserInputError(problems);
}

/**
 * `mtpipe release <function> --env <env>`: publish a version, then let CodeDeploy shift the `live`
 * alias to it (canary/linear/all-at-once as the environment's deployment group says) and follow it.
 */
export async function release(session: ReleaseSession, request: ReleaseRequest, deps: ReleaseDeps = {}): Promise<ReleaseResult> {
  const config = session.draft.config;
  validateRelease(request);
  const env = releaseEnvironment(config, session.options.env);
  if (deps.target) return releaseIn(deps.target, config, request, session, deps);
  const targets = await resolveTargets(config, [env], session.aws, { dryRun: session.options.dryRun });
  try {
    if (targets.offline) {
      throw new MtpipeError('no_credentials', 'release reads the function and its alias: it needs AWS credentials, also with --dry-run', {
        exitCode: 2,
        hint: 'configure credentials (aws configure, aws sso login, AWS_PROFILE or --profile)',
      });
    }
    // another environment's live aliases would move: refused in a dry run too (release plans nothing to show it in)
    refuseSharedAccounts(targets);
    return await releaseIn(targets.environments[0]!, config, request, session, deps);
  } finally {
    targets.shared.clients.destroy();
    for (const target of targets.environments) target.clients.destroy();
  }
}

async function releaseIn(target: Target, config: Config, request: ReleaseRequest, session: ReleaseSession, deps: ReleaseDeps): Promise<ReleaseResult> {
  const { reporter } = session;
  const solution = await aws(`reading the solution's stacks in ${target.name}`, () => discoverSolution(target, config));
  const found = lookupFunction(solution, request.function);
  if (!found && solution.notDeployed) throw stackNotFound(target, solution.notDeployed);
  const name = found?.name ?? functionNameOf(request.function);
  const deploymentConfig = config.environments[target.name]!.deploymentConfig;
  const base = {
    env: target.name,
    function: name,
    ...(found?.logicalId ? { logicalId: found.logicalId } : {}),
    alias: LIVE_ALIAS,
    application: codedeployApplicationName(config.project),
    deploymentGroup: deploymentGroupName(config.project, target.name),
    deploymentConfig,
    dryRun: session.options.dryRun,
  };

  const fn = await aws(`reading Lambda function ${name} in ${target.name}`, () => readFunction(target, name));
  if (!fn) {
    const known = solution.functions.map((f) => f.logicalId ?? f.name);
    throw new MtpipeError('function_not_found', `no Lambda function "${name}" in ${target.name} (account ${target.account}, ${target.region})`, {
      exitCode: 2,
      hint: known.length > 0 ? `known functions: ${known.join(', ')}` : 'name a deployed function, or set solution.stacks / solution.lambdaFunctions in mtpipe.yaml',
    });
  }
  const alias = await aws(`reading alias ${LIVE_ALIAS} of ${name}`, () => findAlias(target, name, LIVE_ALIAS));
  checkAlias(alias, name);
  if (session.options.dryRun) {
    return { ...base, outcome: 'would-release', ...(alias ? { fromVersion: alias.version, liveVersion: alias.version } : {}) };
  }

  reporter.info(`publishing a version of ${name} (${target.name})…`);
  const version = await aws(`publishing a version of ${name}`, () => publishVersion(target, name, retryDeps(deps)));
  if (!alias) {
    await aws(`creating alias ${LIVE_ALIAS} of ${name}`, () => createAlias(target, name, LIVE_ALIAS, version));
    return { ...base, outcome: 'alias-created', toVersion: version, liveVersion: version };
  }
  if (alias.version === version) return { ...base, outcome: 'already-live', fromVersion: version, toVersion: version, liveVersion: version };

  const appSpec = renderAppSpec({ functionName: name, currentVersion: alias.version, targetVersion: version, hooks: hookNames(config, solution) });
  const deploymentId = await aws(
    `starting a CodeDeploy deployment of ${name} in ${target.name}`,
    () =>
      startDeployment(target, {
        applicationName: base.application,
        deploymentGroupName: base.deploymentGroup,
        appSpec,
        description: `mtpipe release ${name}: ${LIVE_ALIAS} ${alias.version} -> ${version}`,
      }),
    (error) => (isDeploymentGroupNotFound(error) || isApplicationNotFound(error) ? 'run `mtpipe create-deploy` first' : undefined),
  );
  reporter.info(`deployment ${deploymentId}: shifting ${name}:${LIVE_ALIAS} from version ${alias.version} to ${version} (${deploymentConfig})`);
  const started = { ...base, fromVersion: alias.version, toVersion: version, deploymentId };

  const timeoutMinutes = request.timeoutMinutes ?? shiftMinutes(deploymentConfig) + TIMEOUT_MARGIN_MINUTES;
  const followed = await aws(`following deployment ${deploymentId}`, () =>
    followDeployment(target, deploymentId, { ...deps, timeoutMs: timeoutMinutes * 60_000, onStatus: (status) => reporter.info(`deployment ${deploymentId}: ${status}`) }),
  );
  if (!followed.finished) {
    throw new MtpipeError('release_timeout', `deployment ${deploymentId} did not finish within ${timeoutMinutes} minutes (last status: ${followed.info?.status ?? 'unknown'})`, {
      hint: `it goes on in AWS: aws deploy get-deployment --deployment-id ${deploymentId} (or release with a longer --timeout)`,
    });
  }
  const { status, errorInformation, rollbackInfo } = followed.info;
  if (status === 'Succeeded') return { ...started, outcome: 'succeeded', liveVersion: version };

  const after = await aws(`reading alias ${LIVE_ALIAS} of ${name}`, () => findAlias(target, name, LIVE_ALIAS));
  throw new ReleaseFailedError({
    ...started,
    outcome: rollbackInfo?.rollbackDeploymentId || after?.version === alias.version ? 'rolled-back' : status === 'Stopped' ? 'stopped' : 'failed',
    ...(after ? { liveVersion: after.version } : {}),
    ...(errorInformation ? { error: { ...(errorInformation.code ? { code: errorInformation.code } : {}), ...(errorInformation.message ? { message: errorInformation.message } : {}) } } : {}),
    ...(rollbackInfo
      ? { rollback: { ...(rollbackInfo.rollbackDeploymentId ? { deploymentId: rollbackInfo.rollbackDeploymentId } : {}), ...(rollbackInfo.rollbackMessage ? { message: rollbackInfo.rollbackMessage } : {}) } }
      : {}),
  });
}

/** CodeDeploy shifts an alias between two published versions; anything else fails mid-way. */
function checkAlias(alias: AliasState | undefined, name: string): void {
  if (!alias) return;
  if (!/^\d+$/.test(alias.version)) {
    throw new MtpipeError('alias_not_shiftable', `alias ${LIVE_ALIAS} of ${name} points at ${alias.version}, not a published version`, {
      hint: `point it at a version first: aws lambda update-alias --function-name ${name} --name ${LIVE_ALIAS} --function-version <n>`,
    });
  }
  if (alias.weightedVersions.length > 0) {
    throw new MtpipeError('alias_shifting', `alias ${LIVE_ALIAS} of ${name} already splits traffic with version ${alias.weightedVersions.join(', ')}: a deployment is under way`, {
      hint: 'wait for it to finish (aws deploy list-deployments), then release again',
    });
  }
}

/** Hook functions from mtpipe.yaml, given as logical ids or physical names. */
function hookNames(config: Config, solution: SolutionResources): HookFunctions {
  const resolve = (name: string) => lookupFunction(solution, name)?.name ?? functionNameOf(name);
  return Object.fromEntries(Object.entries(configuredHooks(config)).map(([event, name]) => [event, resolve(name)]));
}

function retryDeps(deps: ReleaseDeps) {
  return { ...(deps.sleep ? { sleep: deps.sleep } : {}), ...(deps.now ? { now: deps.now } : {}) };
}

async function aws<T>(doing: string, call: () => Promise<T>, hintFor: (error: unknown) => string | undefined = () => undefined): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MtpipeError) throw error;
    throw new AwsError(doing, error, hintFor(error));
  }
}

/** Human lines for a release result (stdout). */
export function releaseNotes(result: ReleaseResult): string[] {
  const fn = `${result.function}:${result.alias}`;
  const where = `${result.env}, group ${result.deploymentGroup}, ${result.deploymentConfig}`;
  switch (result.outcome) {
    case 'would-release':
      return [
        `Dry run: nothing published. Would publish a version of ${result.function} and ` +
          (result.fromVersion ? `shift ${fn} from version ${result.fromVersion} through CodeDeploy (${where}).` : `create ${fn} pointing at it (no alias yet: nothing to shift from).`),
      ];
    case 'alias-created':
      return [`${fn} did not exist: created it at version ${result.toVersion}. The next release shifts traffic through CodeDeploy.`];
    case 'already-live':
      return [`${fn} already points at version ${result.toVersion} (nothing changed since it was published): no deployment.`];
    case 'succeeded':
      return [`Released ${result.function} version ${result.toVersion}: ${fn} moved from version ${result.fromVersion} (deployment ${result.deploymentId}, ${where}).`];
    default: {
      const lines = [`Release of ${result.function} version ${result.toVersion} ${result.outcome === 'stopped' ? 'stopped' : 'failed'} (deployment ${result.deploymentId}, ${where}).`];
      if (result.error) lines.push(`  error: ${[result.error.code, result.error.message].filter(Boolean).join(': ')}`);
      if (result.rollback) lines.push(`  rollback: ${[result.rollback.deploymentId, result.rollback.message].filter(Boolean).join(': ')}`);
      if (result.liveVersion) lines.push(`  ${fn} points at version ${result.liveVersion}${result.liveVersion === result.fromVersion ? ' again (rolled back)' : ''}.`);
      return lines;
    }
  }
}
