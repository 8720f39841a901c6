import { z } from 'zod';
import { derivedProblems } from './repository.js';
import { longestRoleName, pipelineNames } from './resource-names.js';
import { notificationsSchema, pipelineSchema, sourceSchema } from './pipeline-schema.js';
import { AWS_ACCOUNT, IAM_ROLE_ARN, names, SSM_STANDARD_VALUE_MAX, type NameRule } from './names.js';
import { partition, regionProblem } from './partition.js';
import { buildsSchema, solutionSchema } from './builds-schema.js';
import { monitoringSchema } from './monitoring-schema.js';

export { BUILD_IMAGES, LOG_RETENTION_DAYS, SAMPLE_STACKS, SAMPLE_STATE_MACHINE } from './builds-schema.js';

/** EventBridge rule names: 1-64 characters (PutRule Name). */
const EVENTBRIDGE_RULE_NAME_MAX = 64;

function named(rule: NameRule) {
  return z
    .string()
    .min(rule.min, { message: `must be ${rule.rule}` })
    .max(rule.max, { message: `must be ${rule.rule}` })
    .regex(rule.pattern, { message: `must be ${rule.rule}` });
}

/** A region the SDK's partition data knows; an unknown one is named with the nearest known ones. */
const region = z.string({ message: 'must be an AWS region such as eu-west-1' }).superRefine((value, ctx) => {
  const problem = regionProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** KMS KeyId forms (KMS API reference, KeyId): key id (multi-Region mrk-…), key ARN, alias name, alias ARN. */
const KMS_KEY_ID =
  /^(?:(?:mrk-[0-9a-f]{32})|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|alias\/[a-zA-Z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/(?:mrk-[0-9a-f]{32}|[0-9a-f-]{36})|alias\/[a-zA-Z0-9/_-]{1,250}))$/;

export const SOLUTION_PARAMETERS = [
  'input_bucket_name',
  'output_bucket_name',
  'quality_estimation_sgm_model_name',
  'quality_estimation_sgm_endpoint_name',
  'quality_estimation_sgm_image_uri',
  'quality_estimation_sgm_topic_name',
] as const;

/** The one secret setting of the solution; its value never comes from the file. */
export const HF_TOKEN_PARAMETER = 'hugging_face_token';

/** Placeholders a parameter value may use; filled per environment when the value is written. */
/** `dnsSuffix` is the region's partition's (amazonaws.com, amazonaws.com.cn in China): for host names. */
export const VALUE_PLACEHOLDERS = ['project', 'env', 'account', 'region', 'dnsSuffix'] as const;

const parameterValue = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(SSM_STANDARD_VALUE_MAX, { message: `must be at most ${SSM_STANDARD_VALUE_MAX} characters (SSM Standard tier)` })
  .superRefine((value, ctx) => {
    for (const [, placeholder] of value.matchAll(/\$\{([^}]*)\}/g)) {
      if (!(VALUE_PLACEHOLDERS as readonly string[]).includes(placeholder ?? '')) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder \${${placeholder}}: use ${VALUE_PLACEHOLDERS.map((p) => '${' + p + '}').join(', ')}`,
        });
      }
    }
  });

const parameterMap = z
  .record(named(names.ssmParameterName), parameterValue)
  .superRefine((map, ctx) => {
    if (HF_TOKEN_PARAMETER in map) {
      ctx.addIssue({
        code: 'custom',
        path: [HF_TOKEN_PARAMETER],
        message: 'the Hugging Face token never goes in mtpipe.yaml: set HF_TOKEN or use --hf-token-stdin',
      });
    }
  });

export const DEPLOYMENT_CONFIGS = [
  'CodeDeployDefault.LambdaAllAtOnce',
  'CodeDeployDefault.LambdaCanary10Percent5Minutes',
  'CodeDeployDefault.LambdaCanary10Percent10Minutes',
  'CodeDeployDefault.LambdaCanary10Percent15Minutes',
  'CodeDeployDefault.LambdaCanary10Percent30Minutes',
  'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
  'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes',
  'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes',
  'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes',
] as const;

/**
 * A 12-digit account id. Unquoted in YAML it is a number: taken as it is when it has 12 digits; with
 * fewer, YAML has dropped leading zeros (012345678901 reads as 12345678901), so it must be quoted.
 */
const accountId = z.union([z.string(), z.number()], { message: 'must be a 12-digit AWS account id' }).transform((value, ctx) => {
  const text = String(value);
  if (AWS_ACCOUNT.test(text)) return text;
  const lostZeros = typeof value === 'number' && Number.isInteger(value) && value > 0 && text.length < 12;
  ctx.addIssue({
    code: 'custom',
    message: lostZeros
      ? `is the number ${text}: write the account id in quotes (e.g. "${text.padStart(12, '0')}"), as YAML drops the leading zeros of a bare number`
      : 'must be a 12-digit AWS account id',
  });
  return z.NEVER;
});
export type DeploymentConfig = (typeof DEPLOYMENT_CONFIGS)[number];
const DEPLOYMENT_CONFIG_PREFIX = 'CodeDeployDefault.';
/** The README's spelling, without the prefix; both are accepted and the prefixed one is used. */
const shortName = (name: string) => name.slice(DEPLOYMENT_CONFIG_PREFIX.length);

const environmentSchema = z.strictObject({
  account: accountId.optional(),
  region: region.optional(),
  roleArn: z.string().regex(IAM_ROLE_ARN, { message: 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)' }).optional(),
  /** unset: true for prod only (see byNameDefaults) */
  approval: z.boolean({ message: 'must be true or false' }).optional(),
  /** unset: canary for prod, all at once otherwise (see byNameDefaults) */
  deploymentConfig: z
    .enum([...DEPLOYMENT_CONFIGS, ...DEPLOYMENT_CONFIGS.map(shortName)] as [DeploymentConfig, ...string[]], {
      message: `must be one of ${DEPLOYMENT_CONFIGS.map(shortName).join(', ')} (with or without the prefix ${DEPLOYMENT_CONFIG_PREFIX})`,
    })
    .transform((name): DeploymentConfig => (name.startsWith(DEPLOYMENT_CONFIG_PREFIX) ? name : `${DEPLOYMENT_CONFIG_PREFIX}${name}`) as DeploymentConfig)
    .optional(),
  parameters: parameterMap.default({}),
  /** apply confirmations default to No when a plan changes it; unset: true for prod only (see isProtected) */
  protected: z.boolean({ message: 'must be true or false' }).optional(),
  /** this environment may share its account with an earlier one (only for solutions without fixed resource names) */
  allowSharedAccount: z.boolean({ message: 'must be true or false' }).default(false),
  /** the branch this environment's pipeline builds (pipeline.layout per-environment); default repository.branch */
  /** addresses alerted of this environment's alarms instead of notifications.alerts */
  alerts: z.array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: 'must be an email address' })).max(100, { message: 'must name at most 100 addresses' }).optional(),
  branch: z.string().regex(/^[\w.\-/]{1,256}$/, { message: 'must be a branch name (letters, digits, ".", "_", "-", "/")' }).optional(),
});


export const configSchema = z
  .strictObject({
    project: named(names.project).describe('prefix of every resource name'),
    region,
    repository: z.strictObject({
      name: named(names.codecommitRepository),
      description: z.string().max(1000, { message: 'must be at most 1000 characters' }).default(''),
      branch: z
        .string()
        .regex(/^[\w.\-/]{1,256}$/, { message: 'must be a branch name (letters, digits, ".", "_", "-", "/")' })
        .default('main'),
      approvals: z
        .number({ message: 'must be a number' })
        .int({ message: 'must be a whole number' })
        .min(1, { message: 'must be at least 1' })
        .max(10, { message: 'must be at most 10' })
        .default(1),
      approvers: z
        .array(z.string().regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/, { message: 'must be an IAM or STS ARN' }))
        .max(25, { message: 'must name at most 25 approvers' })
        .default([]),
    }),
    parameters: parameterMap.refine((map) => SOLUTION_PARAMETERS.every((key) => key in map), {
      message: `must set all of ${SOLUTION_PARAMETERS.join(', ')}`,
    }),
    secrets: z
      .strictObject({
        huggingFaceToken: z
          .strictObject({
            store: z.enum(['ssm', 'secretsmanager'], { message: 'must be ssm or secretsmanager' }).default('ssm'),
            kmsKeyId: z
              .string()
              .regex(KMS_KEY_ID, { message: 'must be a KMS key id, key ARN, alias name (alias/…) or alias ARN' })
              .optional(),
          })
          .default({ store: 'ssm' }),
      })
      .default({ huggingFaceToken: { store: 'ssm' } }),
    builds: buildsSchema.default(() => buildsSchema.parse({})),
    cdk: z
      .strictObject({
        qualifier: z.string().regex(/^[a-z0-9]{1,10}$/, { message: 'must be 1-10 lower-case letters or digits (cdk bootstrap --qualifier)' }).default('hnb659fds'),
        /** more CDK context for cdk deploy, written into the deploy buildspec as it is: never a secret; may be empty */
        context: z
          .record(
            z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'must be a context key: letters, digits, "_", ".", ":" and "-"' }),
            z.string().max(1000, { message: 'must be at most 1000 characters' }),
          )
          .default({}),
      })
      .default({ qualifier: 'hnb659fds', context: {} }),
    solution: solutionSchema.default(() => solutionSchema.parse({})),
    pipeline: pipelineSchema.default({ executionMode: 'SUPERSEDED', layout: 'single' }),
    notifications: notificationsSchema.default({ approvers: [], alerts: [], encryption: 'kms' }),
    monitoring: monitoringSchema,
    source: sourceSchema.default({ provider: 'codecommit', connectionProvider: 'GitHub' }),
    environments: z
      .record(named(names.environment), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, { message: 'must name at least one environment' })
      .transform(byNameDefaults),
  })
  .superRefine((config, ctx) => {
    const { branch, approvals, approvers } = config.repository;
    for (const problem of derivedProblems(config.project, branch, approvals, approvers)) {
      ctx.addIssue({ code: 'custom', path: problem.key.split('.'), message: problem.message });
    }
    const settings = new Set([HF_TOKEN_PARAMETER, ...Object.keys(config.parameters), ...Object.values(config.environments).flatMap((env) => Object.keys(env.parameters))]);
    for (const key of Object.keys(config.cdk.context).filter((key) => settings.has(key))) {
      ctx.addIssue({ code: 'custom', path: ['cdk', 'context', key], message: `is also a solution setting (parameters.${key}): give it in one place` });
    }
    for (const problem of environmentPlaceProblems(config.region, config.environments)) {
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
    if (config.source.provider === 'codecommit' && config.pipeline.layout === 'per-environment') {
      for (const env of Object.keys(config.environments)) {
        const rule = pipelineNames.triggerRule(pipelineNames.perEnvironment(config.project, env));
        if (rule.length > EVENTBRIDGE_RULE_NAME_MAX) {
          ctx.addIssue({ code: 'custom', path: ['environments', env], message: `name too long for the per-environment layout: the EventBridge rule "${rule}" would have ${rule.length} characters (at most ${EVENTBRIDGE_RULE_NAME_MAX})` });
        }
      }
    }
    const longest = longestRoleName(config.project, Object.keys(config.environments));
    if (longest.length > 64) {
      ctx.addIssue({
        code: 'custom',
        path: ['project'],
        message: `too long with these environment names: the IAM role name "${longest}" would have ${longest.length} characters (at most 64)`,
      });
    }
  })
  .describe('mtpipe configuration (mtpipe.yaml)');

/**
 * What AWS would refuse only when deploying: an environment in another partition than the tool region
 * (credentials and roles do not cross partitions), a roleArn of another partition, or of another
 * account than `account`.
 */
function environmentPlaceProblems(toolRegion: string, environments: Record<string, { account?: string | undefined; region?: string | undefined; roleArn?: string | undefined }>) {
  const problems: { path: string[]; message: string }[] = [];
  const toolPartition = partition(toolRegion).name;
  for (const [name, env] of Object.entries(environments)) {
    const envPartition = partition(env.region ?? toolRegion).name;
    if (envPartition !== toolPartition) {
      problems.push({ path: ['environments', name, 'region'], message: `is in partition ${envPartition}, but region ${toolRegion} is in ${toolPartition}: an environment must be in the partition of the tool region` });
    }
    const role = env.roleArn ? /^arn:([^:]+):iam::(\d{12}):/.exec(env.roleArn) : null;
    if (role && role[1] !== envPartition) {
      problems.push({ path: ['environments', name, 'roleArn'], message: `is in partition ${role[1]}, but the environment's region is in ${envPartition}` });
    }
    if (role && env.account && role[2] !== env.account) {
      problems.push({ path: ['environments', name, 'roleArn'], message: `is a role in account ${role[2]}, but environments.${name}.account is ${env.account}` });
    }
  }
  return problems;
}

export type Config = z.output<typeof configSchema>;

/**
 * What an environment leaves unset defaults by its name, also when mtpipe.yaml gives the environments
 * (which replaces the built-in set): `prod` gets a manual approval and a canary deployment, as it gets
 * `protected`; every other environment neither.
 */
function byNameDefaults<E extends { approval?: boolean | undefined; deploymentConfig?: DeploymentConfig | undefined }>(
  environments: Record<string, E>,
): Record<string, E & { approval: boolean; deploymentConfig: DeploymentConfig }> {
  return Object.fromEntries(
    Object.entries(environments).map(([name, env]) => {
      const prod = name === 'prod';
      const deploymentConfig: DeploymentConfig = env.deploymentConfig ?? (prod ? 'CodeDeployDefault.LambdaCanary10Percent5Minutes' : 'CodeDeployDefault.LambdaAllAtOnce');
      return [name, { ...env, approval: env.approval ?? prod, deploymentConfig }];
    }),
  );
}

/** `environments.<name>.protected`, or, when unset, whether the environment is `prod`. */
export function isProtected(config: Config, envName: string): boolean {
  return config.environments[envName]?.protected ?? envName === 'prod';
}
export type EnvironmentConfig = Config['environments'][string];
