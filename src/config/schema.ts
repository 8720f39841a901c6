import { z } from 'zod';
import { derivedProblems } from './repository.js';
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
            kmsKeyId: z.string().min(1).max(2048).optional(),
          })
          .default({}),
      })
      .default({ huggingFaceToken: {} }),
    environments: z
      .record(named(names.environment), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, { message: 'must name at least one environment' }),
  })
  .superRefine((config, ctx) => {
    const { branch, approvals, approvers } = config.repository;
    for (const problem of derivedProblems(config.project, branch, approvals, approvers)) {
      ctx.addIssue({ code: 'custom', path: problem.key.split('.'), message: problem.message });
    }
  })
  .describe('mtpipe configuration (mtpipe.yaml)');

export type Config = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
