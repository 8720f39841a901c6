import { CodeCommitClient, GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { IAMClient, ListGroupsCommand, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { GetParametersByPathCommand, SSMClient, type Parameter } from '@aws-sdk/client-ssm';

// the test process runs on Node 20 too: keep the SDK's support notice out of the test output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Reads what exists in moto afterwards, with the SDK, independently of mtpipe. */
export function motoClients(endpoint: string) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return { codecommit: new CodeCommitClient(config), ssm: new SSMClient(config), iam: new IAMClient(config) };
}

export type MotoClients = ReturnType<typeof motoClients>;

export function destroyClients(clients: MotoClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

/** The repository, or undefined when CodeCommit says it does not exist. */
export async function findRepository(clients: MotoClients, name: string) {
  try {
    const { repositoryMetadata } = await clients.codecommit.send(new GetRepositoryCommand({ repositoryName: name }));
    return repositoryMetadata;
  } catch (error) {
    if ((error as Error).name === 'RepositoryDoesNotExistException') return undefined;
    throw error;
  }
}

/** Every parameter under a path (recursive, decrypted), by name. */
export async function parametersUnder(clients: MotoClients, path: string): Promise<Map<string, Parameter>> {
  const found = new Map<string, Parameter>();
  let NextToken: string | undefined;
  do {
    const page = await clients.ssm.send(new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: true, NextToken }));
    for (const parameter of page.Parameters ?? []) found.set(parameter.Name!, parameter);
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

export async function iamGroupNames(clients: MotoClients): Promise<string[]> {
  const { Groups = [] } = await clients.iam.send(new ListGroupsCommand({}));
  return Groups.map((group) => group.GroupName!);
}

export async function localPolicyNames(clients: MotoClients): Promise<string[]> {
  const { Policies = [] } = await clients.iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
  return Policies.map((policy) => policy.PolicyName!);
}

/** The built-in configuration's names, as a user with no mtpipe.yaml gets them. */
export const DEFAULT_NAMES = {
  repository: 'machine-translation',
  template: 'mt-pipeline-main-approvals',
  protectPolicy: 'mt-pipeline-protect-main',
  developers: 'mt-pipeline-developers',
  developerPolicy: 'mt-pipeline-repository-access',
  environments: ['dev', 'prod'],
  parameters: [
    'input_bucket_name',
    'output_bucket_name',
    'quality_estimation_sgm_model_name',
    'quality_estimation_sgm_endpoint_name',
    'quality_estimation_sgm_image_uri',
    'quality_estimation_sgm_topic_name',
    'config_secret_name',
    'hugging_face_token',
  ],
} as const;

/** The 16 parameter paths of the built-in configuration. */
export function defaultParameterPaths(project = 'mt-pipeline'): string[] {
  return DEFAULT_NAMES.environments.flatMap((env) => DEFAULT_NAMES.parameters.map((name) => `/${project}/${env}/${name}`));
}
