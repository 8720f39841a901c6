/**
 * The built-in configuration for the sample solution ("Guidance for Machine Translation Pipelines
 * using Generative AI on AWS"), so that planning works with no mtpipe.yaml at all.
 * A mtpipe.yaml is merged over it; `environments`, when given, replaces the default set whole.
 */
export const DEFAULT_PROJECT = 'mt-pipeline';
/** The sample solution's default for config_secret_name (its cdk.json; "worklfow" is its spelling). */
export const CONFIG_SECRET_NAME = 'machine-translation-worklfow-config';

export function defaultConfig(region: string): Record<string, unknown> {
  return {
    project: DEFAULT_PROJECT,
    region,
    repository: {
      name: 'machine-translation',
      description: 'Machine translation pipeline (CDK app, Lambda, Step Functions, Glue, SageMaker QE)',
      branch: 'main',
      approvals: 1,
      approvers: [],
    },
    parameters: {
      input_bucket_name: '${project}-${env}-input-${account}',
      output_bucket_name: '${project}-${env}-output-${account}',
      quality_estimation_sgm_model_name: '${project}-${env}-qe-model',
      quality_estimation_sgm_endpoint_name: '${project}-${env}-qe-endpoint',
      quality_estimation_sgm_image_uri: '${account}.dkr.ecr.${region}.${dnsSuffix}/${project}-qe:latest',
      quality_estimation_sgm_topic_name: '${project}-${env}-qe-topic',
      // the sample's cdk.json default, spelling included: the name of the workflow's configuration secret
      config_secret_name: CONFIG_SECRET_NAME,
    },
    secrets: { huggingFaceToken: {} },
    pipeline: { executionMode: 'SUPERSEDED', layout: 'single' },
    notifications: { approvers: [], alerts: [], encryption: 'kms' },
    source: { provider: 'codecommit', connectionProvider: 'GitHub' },
    environments: {
      dev: { approval: false, deploymentConfig: 'CodeDeployDefault.LambdaAllAtOnce' },
      prod: { approval: true, deploymentConfig: 'CodeDeployDefault.LambdaCanary10Percent5Minutes', protected: true },
    },
  };
}
