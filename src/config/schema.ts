import { z } from 'zod';
import { derivedProblems } from './repository.js';
import { longestRoleName } from './resource-names.js';
import { AWS_ACCOUNT, AWS_REGION, IAM_ROLE_ARN, names, SSM_STANDARD_VALUE_MAX, type NameRule } from './names.js';

function named(rule: NameRule) {
  return z
    .string()
    .min(rule.min, { message: `must be ${rule.rule}` })
    .max(rule.max, { message: `must be ${rule.rule}` })
    .regex(rule.pattern, { message: `must be ${rule.rule}` });
}

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
export const VALUE_PLACEHOLDERS = ['project', 'env', 'account', 'region'] as const;

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

const environmentSchema = z.strictObject({
  account: z.string().regex(AWS_ACCOUNT, { message: 'must be a 12-digit AWS account id' }).optional(),
  region: z.string().regex(AWS_REGION, { message: 'must be an AWS region such as eu-west-1' }).optional(),
  roleArn: z.string().regex(IAM_ROLE_ARN, { message: 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)' }).optional(),
  approval: z.boolean().default(false),
  deploymentConfig: z.enum(DEPLOYMENT_CONFIGS, { message: `must be one of ${DEPLOYMENT_CONFIGS.join(', ')}` }).default(
    'CodeDeployDefault.LambdaAllAtOnce',
  ),
  parameters: parameterMap.default({}),
});

/** CodeBuild images mtpipe knows the runtimes of (aws/aws-codebuild-docker-images runtimes.yml). */
export const BUILD_IMAGES = {
  'aws/codebuild/standard:7.0': { nodejs: ['18', '20', '22', '24'], python: ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'] },
  'aws/codebuild/amazonlinux-x86_64-standard:5.0': { nodejs: ['18', '20', '22', '24'], python: ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'] },
  'aws/codebuild/standard:8.0': { nodejs: ['22', '24'], python: ['3.10', '3.11', '3.12', '3.13', '3.14'] },
} as const;

export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const buildsSchema = z
  .strictObject({
    /** default: <project>-artifacts-<account>-<region> */
    artifactBucket: z
      .string()
      .regex(/^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name: 3-63 lower-case letters, digits, "." and "-"' })
      .optional(),
    image: z.enum(Object.keys(BUILD_IMAGES) as [keyof typeof BUILD_IMAGES], { message: `must be one of ${Object.keys(BUILD_IMAGES).join(', ')}` }).default('aws/codebuild/standard:7.0'),
    python: z.string().regex(/^3\.\d{1,2}$/, { message: 'must be a Python version such as 3.13' }).default('3.13'),
    nodejs: z.string().regex(/^\d{2}$/, { message: 'must be a Node.js major version such as 22' }).default('22'),
    computeType: z.enum(['BUILD_GENERAL1_SMALL', 'BUILD_GENERAL1_MEDIUM', 'BUILD_GENERAL1_LARGE'], { message: 'must be BUILD_GENERAL1_SMALL, _MEDIUM or _LARGE' }).default('BUILD_GENERAL1_MEDIUM'),
    timeoutMinutes: z.number().int().min(5, { message: 'must be at least 5' }).max(2160, { message: 'must be at most 2160' }).default(60),
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), { message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(30),
    artifactRetentionDays: z.number().int().min(1, { message: 'must be at least 1' }).max(3650, { message: 'must be at most 3650' }).default(30),
    /** ECR repository the SageMaker quality-estimation image is pushed to */
    qeImageRepository: z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, { message: 'must be an ECR repository name' }).min(2).max(256).optional(),
    /** command that tests a deployed environment; default: the smoke test `mtpipe render` writes */
    integrationTestCommand: z.string().min(1, { message: 'must not be empty' }).optional(),
  })
  .superRefine((builds, ctx) => {
    const supported = BUILD_IMAGES[builds.image];
    if (!(supported.nodejs as readonly string[]).includes(builds.nodejs)) {
      ctx.addIssue({
        code: 'custom',
        path: ['nodejs'],
        message: `nodejs ${builds.nodejs} is not on ${builds.image} (it has ${supported.nodejs.join(', ')}); nodejs 12 exists only on the retired standard:5.0, which has no python 3.13: use nodejs 22`,
      });
    }
    if (!(supported.python as readonly string[]).includes(builds.python)) {
      ctx.addIssue({ code: 'custom', path: ['python'], message: `python ${builds.python} is not on ${builds.image} (it has ${supported.python.join(', ')})` });
    }
  });

/** The sample solution's stacks (deployment/app.py): discovery reads them unless solution.stacks says otherwise. */
export const SAMPLE_STACKS = ['DatabaseStack', 'SageMakerStack', 'WorkflowStack'] as const;
/** The sample's state machine (a fixed name in deployment/workflow_stack.py): the smoke test runs it. */
export const SAMPLE_STATE_MACHINE = 'BatchMachineTranslationStateMachineCDK';

const physicalNames = z.array(z.string().min(1).max(256)).default([]);

/** The deployed solution: where its functions, state machines, Glue jobs and endpoint are found. */
const solutionSchema = z.strictObject({
  /** CloudFormation stacks of the solution's CDK app; their resources are discovered (ListStackResources) */
  stacks: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { message: 'must be a CloudFormation stack name' })).default([...SAMPLE_STACKS]),
  /** physical names, or logical id → physical name; given names win over discovery */
  lambdaFunctions: z.union([physicalNames, z.record(z.string(), z.string().min(1).max(140))]).default([]),
  stateMachines: physicalNames,
  glueJobs: physicalNames,
  sagemakerEndpoint: z.string().min(1).max(63).optional(),
  /** CodeDeploy traffic hooks: physical names or logical ids of functions named CodeDeployHook_* */
  hooks: z
    .strictObject({
      beforeAllowTraffic: z.string().min(1).max(140).optional(),
      afterAllowTraffic: z.string().min(1).max(140).optional(),
    })
    .default({}),
});

export const configSchema = z
  .strictObject({
    project: named(names.project).describe('prefix of every resource name'),
    region: z.string().regex(AWS_REGION, { message: 'must be an AWS region such as eu-west-1' }),
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
            kmsKeyId: z.string().min(1).max(2048).optional(),
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
    environments: z
      .record(named(names.environment), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, { message: 'must name at least one environment' }),
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

export type Config = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
