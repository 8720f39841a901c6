import { ssmParameter, type ParameterSpec } from '../aws/ssm-parameter.js';
import { secretsManagerSecret, type SecretSpec } from '../aws/secretsmanager-secret.js';
import { interpolate } from '../config/interpolate.js';
import { hfTokenSecretName } from '../config/resource-names.js';
import { SSM_STANDARD_VALUE_MAX } from '../config/names.js';
import { partition } from '../config/partition.js';
import { HF_TOKEN_PARAMETER, type Config } from '../config/schema.js';
import type { Desired, ResourceKind, Target } from '../engine/types.js';
import { UserInputError } from '../errors.js';
import { TerminalPrompter } from '../ui/prompter.js';
import { readStdin } from '../ui/stdin.js';
import { resourceId, standardTags, type ResolveContext, type Step } from './step.js';

export const HF_TOKEN_ENV = 'HF_TOKEN';

export interface SetParamsInputs {
  /** undefined: not given this run; an existing stored token is kept */
  hfToken: string | undefined;
}

export function parameterPath(project: string, env: string, name: string): string {
  return `/${project}/${env}/${name}`;
}

/**
 * The solution's settings for one environment: top-level `parameters` with the environment's own on top,
 * ${account}, ${region} and ${dnsSuffix} filled with the environment's (where the solution is deployed).
 */
export function environmentParameters(config: Config, environment: Target): Record<string, string> {
  const merged = { ...config.parameters, ...config.environments[environment.name]?.parameters };
  const values = {
    project: config.project,
    env: environment.name,
    account: environment.account,
    region: environment.region,
    dnsSuffix: partition(environment.region).dnsSuffix,
  };
  return Object.fromEntries(Object.entries(merged).map(([name, value]) => [name, interpolate(value, values)]));
}

/** The Hugging Face token: HF_TOKEN, then --hf-token-stdin, then a masked prompt. Never a flag value. */
export function resolveHfToken(context: ResolveContext): Promise<string | undefined> {
  return context.once('hfToken', () => askHfToken(context));
}

/**
 * The token's sources that can be checked without asking anybody or calling AWS (HF_TOKEN): a step's
 * `validate`. Throws UserInputError naming the variable when it is set but empty, blank or malformed.
 */
export function validateHfTokenSource(): void {
  const fromEnv = process.env[HF_TOKEN_ENV];
  if (fromEnv === undefined) return;
  if (fromEnv.trim() === '') {
    throw new UserInputError([`${HF_TOKEN_ENV}: is set but ${fromEnv === '' ? 'empty' : 'only whitespace'}`], {
      hint: `set ${HF_TOKEN_ENV} to the token, or unset it (unset ${HF_TOKEN_ENV}) to keep the stored one`,
    });
  }
  checkedToken(fromEnv, HF_TOKEN_ENV);
}

async function askHfToken(context: ResolveContext): Promise<string | undefined> {
  const { flags, prompter } = context;
  const fromEnv = process.env[HF_TOKEN_ENV];
  if (fromEnv !== undefined) {
    validateHfTokenSource();
    return fromEnv;
  }
  const source = { what: 'Hugging Face token', envVar: HF_TOKEN_ENV, flag: '--hf-token-stdin' };
  if (flags.hfTokenStdin) {
    if (process.stdin.isTTY) {
      // stdin is the terminal itself: typing there would show the token; ask with a masked prompt instead
      const masked = prompter.interactive ? prompter : new TerminalPrompter();
      const typed = await masked.secret({ name: 'hfToken', message: 'Hugging Face token', source });
      return checkedToken(typed ?? '', '--hf-token-stdin');
    }
    const fromStdin = await readStdin();
    if (fromStdin === '') throw new UserInputError(['--hf-token-stdin: standard input was empty']);
    return checkedToken(fromStdin, '--hf-token-stdin');
  }
  if (!prompter.interactive) {
    // nobody to ask: a token nobody stored yet shows as blocked in the plan (the kind's check)
    return undefined;
  }
  const stored = await storedTokens(context);
  const missing = stored.filter((s) => !s.stored).map((s) => s.env);
  // stored everywhere: nothing to ask (a new token comes from HF_TOKEN or --hf-token-stdin)
  if (!context.targets.offline && missing.length === 0) return undefined;
  const names = (envs: string[]) => envs.join(', ');
  // on a dry run nothing is written: the token is never required, the plan shows what lacks one
  const required = !context.targets.offline && missing.length > 0 && !context.dryRun;
  const message = context.targets.offline
    ? 'Hugging Face token (offline: whether one is stored cannot be checked; leave empty to plan without it)'
    : required
        ? `Hugging Face token (required: none is stored for ${names(missing)})`
        : `Hugging Face token (none is stored for ${names(missing)}; leave empty to plan without it)`;
  const typed = await prompter.secret({
    name: 'hfToken',
    message,
    optional: !required,
    source,
  });
  return typed === undefined ? undefined : checkedToken(typed, 'the Hugging Face token');
}

/**
 * Whether each selected environment has a token stored where the configuration keeps it (SSM
 * SecureString or Secrets Manager secret with a current value), read before the plan.
 * The resource kind's own check decides: a token is missing exactly when the plan would block on it.
 */
async function storedTokens(context: ResolveContext): Promise<{ env: string; stored: boolean }[]> {
  const { config } = context.draft;
  return Promise.all(
    context.targets.environmentsInToolAccount.map(async (target) => {
      const home = tokenHome(config, target);
      const current = await context.read(home);
      return { env: target.name, stored: home.kind.check?.(current, home.spec) === undefined };
    }),
  );
}

/** Where an environment's token lives, as a resource with no new value. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function tokenHome(config: Config, target: Target): Desired<any, any> {
  if (config.secrets.huggingFaceToken.store === 'ssm') {
    const spec: ParameterSpec = { name: parameterPath(config.project, target.name, HF_TOKEN_PARAMETER), type: 'SecureString', value: undefined, tags: {} };
    return { id: resourceId(target.name, ssmParameter.kind, spec.name), kind: ssmParameter, target, spec };
  }
  const spec: SecretSpec = { name: hfTokenSecretName(config.project, target.name), value: undefined, tags: {} };
  return { id: resourceId(target.name, secretsManagerSecret.kind, spec.name), kind: secretsManagerSecret, target, spec };
}

/** The rule is named, never the value. */
function checkedToken(token: string, source: string): string {
  if (token.trim() === '') throw new UserInputError([`${source}: the token is empty or only whitespace`]);
  if (token.trim() !== token) throw new UserInputError([`${source}: the token begins or ends with whitespace (Hugging Face tokens have none)`]);
  if (token.length > SSM_STANDARD_VALUE_MAX) {
    throw new UserInputError([`${source}: the token must be at most ${SSM_STANDARD_VALUE_MAX} characters (SSM Standard tier)`]);
  }
  if (/[\r\n]/.test(token)) throw new UserInputError([`${source}: the token must be one line`]);
  return token;
}

export const setParams: Step<SetParamsInputs> = {
  name: 'set-params',
  services: (config) => (config.secrets.huggingFaceToken.store === 'ssm' ? ['ssm'] : ['ssm', 'secretsmanager']),

  validate(config) {
    if (config.secrets.huggingFaceToken.store === 'ssm') validateHfTokenSource();
  },

  async resolve(context) {
    const inSsm = context.draft.config.secrets.huggingFaceToken.store === 'ssm';
    return { hfToken: inSsm ? await resolveHfToken(context) : undefined };
  },

  // Parameters live with the builds that read them (tool account, main region), one path per environment.
  desired(inputs, config, { environments, environmentsInToolAccount }) {
    const kmsKeyId = config.secrets.huggingFaceToken.kmsKeyId;
    return environmentsInToolAccount.flatMap((target, index): Desired[] => {
      const tags = standardTags(config.project, target.name);
      const plain = Object.entries(environmentParameters(config, environments[index]!)).map(
        ([name, value]): ParameterSpec => ({ name: parameterPath(config.project, target.name, name), type: 'String', value, tags }),
      );
      const token: ParameterSpec = {
        name: parameterPath(config.project, target.name, HF_TOKEN_PARAMETER),
        type: 'SecureString',
        value: inputs.hfToken,
        ...(kmsKeyId ? { keyId: kmsKeyId } : {}),
        tags,
      };
      // With secrets.huggingFaceToken.store: secretsmanager the token lives in Secrets Manager (setup-security);
      // a SecureString mtpipe wrote earlier is then pruned.
      const specs = config.secrets.huggingFaceToken.store === 'ssm' ? [...plain, token] : plain;
      return specs.map((spec) => ({
        id: resourceId(target.name, ssmParameter.kind, spec.name),
        kind: ssmParameter,
        target,
        spec,
      }));
    });
  },

  pruneScopes(_inputs, config, { environmentsInToolAccount }) {
    // parameters mtpipe wrote under /<project>/<env>/ that the configuration no longer names are deleted
    return environmentsInToolAccount.map((target) => ({ kind: ssmParameter as ResourceKind<unknown, unknown>, target, scope: `/${config.project}/${target.name}/` }));
  },

  outputs(_inputs, config, { environmentsInToolAccount }) {
    const paths = Object.fromEntries(environmentsInToolAccount.map((t) => [t.name, `/${config.project}/${t.name}/`]));
    return {
      data: { parameterPaths: paths },
      notes: environmentsInToolAccount.map((t) => `Parameters of ${t.name}: ${paths[t.name]} (${t.region}); ${HF_TOKEN_PARAMETER} is a SecureString.`),
    };
  },
};
