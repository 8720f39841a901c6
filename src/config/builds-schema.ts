import { z } from 'zod';

/** CodeBuild images mtpipe knows the runtimes of (aws/aws-codebuild-docker-images runtimes.yml). */
export const BUILD_IMAGES = {
  'aws/codebuild/standard:7.0': { nodejs: ['18', '20', '22', '24'], python: ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'] },
  'aws/codebuild/amazonlinux-x86_64-standard:5.0': { nodejs: ['18', '20', '22', '24'], python: ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'] },
  'aws/codebuild/standard:8.0': { nodejs: ['22', '24'], python: ['3.10', '3.11', '3.12', '3.13', '3.14'] },
} as const;

export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const buildsSchema = z
  .strictObject({
    /** default: <project>-artifacts-<account>-<region> */
    artifactBucket: z
      .string()
      .regex(/^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name: 3-63 lower-case letters, digits, "." and "-"' })
      // the rest of S3's general purpose bucket naming rules (S3 user guide, "Bucket naming rules")
      .refine((name) => !name.includes('..'), { message: 'must not contain two periods in a row (S3 bucket naming rules)' })
      .refine((name) => !/^\d+\.\d+\.\d+\.\d+$/.test(name), { message: 'must not look like an IP address (S3 bucket naming rules)' })
      .refine((name) => !/^(sthree-|amzn-s3-demo-)/.test(name) && !/(--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name), {
        message: 'must not start with sthree- or amzn-s3-demo-, nor end with --ol-s3, .mrap, --x-s3 or --table-s3 (reserved by S3)',
      })
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
export const solutionSchema = z.strictObject({
  /** CloudFormation stacks of the solution's CDK app; their resources are discovered (ListStackResources) */
  stacks: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, { message: 'must be a CloudFormation stack name' })).default([...SAMPLE_STACKS]),
  /** physical names, or logical id → physical name; given names win over discovery */
  lambdaFunctions: z.union([physicalNames, z.record(z.string(), z.string().min(1).max(140))]).default([]),
  stateMachines: physicalNames,
  glueJobs: physicalNames,
  sagemakerEndpoint: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, { message: 'must be a SageMaker endpoint name: 1-63 letters, digits and hyphens, not starting or ending with a hyphen' }).optional(),
  /** CodeDeploy traffic hooks: physical names or logical ids of functions named CodeDeployHook_* */
  hooks: z
    .strictObject({
      beforeAllowTraffic: z.string().min(1).max(140).optional(),
      afterAllowTraffic: z.string().min(1).max(140).optional(),
    })
    .default({}),
});
