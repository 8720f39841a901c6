import type { PolicyDocument, PolicyStatement } from '../aws/iam-policy.js';
import type { TrustPolicyDocument } from '../aws/iam-role.js';
import { pipelineArn } from '../config/arns.js';
import { partition } from '../config/partition.js';
import { renderTemplate } from './render.js';

/**
 * The IAM policies of mtpipe's service roles, one function per policy. The documents are the JSON files
 * under policies/ (statement lists under policies/statements/), filled with renderTemplate. A statement
 * whose Resource placeholder is filled with an empty list has nothing to apply to and is left out
 * (an approval topic when no environment needs approval, a secret when the token lives in SSM).
 *
 * Rules every document follows (test/unit/security/policy-rules.test.ts checks each one mtpipe writes):
 * no `*` in any action; `"Resource": "*"` only for the actions in UNSCOPED_ACTIONS; iam:PassRole only
 * with iam:PassedToService (no role needs it today: CodePipeline starts builds and deployments whose
 * projects and groups carry their own roles, and nothing here deploys through CloudFormation actions);
 * every ARN in the account, partition and region of this project; trust policies name one service per
 * statement, with aws:SourceAccount.
 */

/**
 * The only actions allowed on `"Resource": "*"`, each with the reason it cannot be scoped.
 * Anything else must name its resources.
 */
export const UNSCOPED_ACTIONS: Readonly<Record<string, string>> = {
  'ecr:GetAuthorizationToken': 'returns a registry login token; the action has no resource type, IAM accepts only "*"',
  'xray:PutTraceSegments': 'X-Ray telemetry has no resource type; IAM accepts only "*"',
  'xray:PutTelemetryRecords': 'X-Ray telemetry has no resource type; IAM accepts only "*"',
  'xray:GetSamplingRules': 'X-Ray sampling has no resource type; IAM accepts only "*"',
  'xray:GetSamplingTargets': 'X-Ray sampling has no resource type; IAM accepts only "*"',
};

/**
 * Service principals mtpipe's roles trust, and whether the service sets aws:SourceAccount when it
 * assumes a role (cross-service confused-deputy protection in each service's security guide).
 * The same in every partition: in China too these principals end in amazonaws.com, not in the
 * partition's DNS suffix (aws-cdk #3491 "IAM service principal for China regions").
 */
export const SERVICE_PRINCIPALS = {
  codebuild: { principal: 'codebuild.amazonaws.com', sourceAccount: true },
  codepipeline: { principal: 'codepipeline.amazonaws.com', sourceAccount: true },
  codedeploy: { principal: 'codedeploy.amazonaws.com', sourceAccount: true },
  events: { principal: 'events.amazonaws.com', sourceAccount: true },
} as const;

export type TrustedService = keyof typeof SERVICE_PRINCIPALS;

/** Where a policy's resources are: one account and region of one partition. */
export interface Place {
  partition: string;
  account: string;
  region: string;
}

/** Whole-list placeholders left empty mean "no such resource": their statements are dropped. */
function withoutEmptyStatements<T extends { Resource: string | string[] }>(statements: T[]): T[] {
  return statements.filter((statement) => !Array.isArray(statement.Resource) || statement.Resource.length > 0);
}

function renderDocument(template: string, variables: Record<string, unknown>, extra: PolicyStatement[] = []): PolicyDocument {
  const document = renderTemplate(template, variables) as PolicyDocument;
  return { Version: document.Version, Statement: withoutEmptyStatements([...document.Statement, ...extra]) };
}

export function renderStatements(template: string, variables: Record<string, unknown>): PolicyStatement[] {
  return withoutEmptyStatements(renderTemplate(template, variables) as PolicyStatement[]);
}

const unique = (values: string[]) => [...new Set(values)];

/** Trust policy for a role one AWS service assumes on behalf of this account only. */
export function serviceTrustPolicy(service: TrustedService, account: string): TrustPolicyDocument {
  return renderTemplate('policies/trust-service.json', { service: SERVICE_PRINCIPALS[service].principal, account }) as TrustPolicyDocument;
}

export interface CodePipelinePolicyInputs {
  /** the tool account and region, where the repository, the builds and the artifact bucket are */
  place: Place;
  repositoryArn: string;
  buildProjectArns: string[];
  artifactBucket: string;
  /** the approval topic, when some environment needs a manual approval */
  approvalTopicArn?: string;
  /** alias of the customer key that encrypts the approval topic (notifications.encryption kms) */
  notificationKeyAlias?: string;
  /**
   * the CodeConnections source: a given connection ARN, or (mtpipe creates the connection, whose id is
   * random) any connection of this account and region carrying the tag mtpipe:project=<project>
   */
  connection?: { arn: string } | { project: string };
}

/**
 * The CodePipeline service role: what the stages use and nothing more — the source (CodeCommit or the
 * connection), the builds (deploy and test are CodeBuild projects: no CodeDeploy action), the artifacts,
 * approval notifications and the key that encrypts them.
 */
export function codePipelinePolicy(input: CodePipelinePolicyInputs): PolicyDocument {
  const { place } = input;
  const extra: PolicyStatement[] = [];
  if (input.approvalTopicArn && input.notificationKeyAlias) {
    // SNS encrypts what the role publishes with the topic's key, on the role's behalf
    const viaService = `sns.${place.region}.${partition(place.region).dnsSuffix}`;
    extra.push(...renderStatements('policies/statements/publish-with-notification-key.json', { ...place, alias: input.notificationKeyAlias, viaService }));
  }
  const connection = input.connection;
  if (connection && 'arn' in connection) extra.push(...renderStatements('policies/statements/use-connection.json', { connectionArns: [connection.arn] }));
  if (connection && 'project' in connection) extra.push(...renderStatements('policies/statements/use-project-connection.json', { ...place, project: connection.project }));
  return renderDocument('policies/codepipeline.json', {
    partition: input.place.partition,
    repositoryArn: input.repositoryArn,
    buildProjectArns: unique(input.buildProjectArns),
    artifactBucket: input.artifactBucket,
    approvalTopicArns: input.approvalTopicArn ? [input.approvalTopicArn] : [],
  }, extra);
}

/** The EventBridge rules' role: it may start this project's pipelines (one, or one per environment). */
export function startPipelinePolicy(input: { place: Place; pipelineNames: string[] }): PolicyDocument {
  const { partition, region, account } = input.place;
  return renderDocument('policies/eventbridge-start-pipeline.json', {
    pipelineArns: unique(input.pipelineNames).map((name) => pipelineArn({ partition, region, account }, name)),
  });
}

export interface CodeBuildInputs {
  /** the tool account and region, where the project runs */
  place: Place;
  /** /aws/codebuild/<project> */
  logGroupName: string;
  reportGroupPrefix: string;
  artifactBucket: string;
}

/** A customer KMS key as the configuration names it; AWS managed keys (alias/aws/...) need no statement. */
export type CustomerKey = { keyArn: string } | { alias: string; place: Place };

/** What the deploy and test builds of one environment read: its SSM parameters and, for the deploy build, the token. */
export interface EnvironmentReadInputs {
  /** the tool account and region, where the parameters and the secret are */
  place: Place;
  project: string;
  env: string;
  token: {
    /** true for cdk-deploy (it passes the token to the CDK app); the integration tests never get it */
    reads: boolean;
    /** the SSM parameter name under /<project>/<env>/ (store ssm) */
    parameter: string;
    /** the secret holding the token, when secrets.huggingFaceToken.store is secretsmanager */
    secretName?: string;
    kmsKey?: CustomerKey;
  };
}

/** Reads a KMS key reference (id, ARN, alias name or alias ARN) as a policy can name it. */
export function customerKey(kmsKeyId: string | undefined, place: Place): CustomerKey | undefined {
  if (!kmsKeyId) return undefined;
  const aliasArn = /^arn:([^:]+):kms:([^:]+):(\d{12}):(alias\/.+)$/.exec(kmsKeyId);
  const alias = aliasArn ? aliasArn[4]! : kmsKeyId.startsWith('alias/') ? kmsKeyId : undefined;
  if (alias?.startsWith('alias/aws/')) return undefined;
  if (aliasArn) return { alias: aliasArn[4]!, place: { partition: aliasArn[1]!, region: aliasArn[2]!, account: aliasArn[3]! } };
  if (alias) return { alias, place };
  if (kmsKeyId.startsWith('arn:')) return { keyArn: kmsKeyId };
  return { keyArn: `arn:${place.partition}:kms:${place.region}:${place.account}:key/${kmsKeyId}` };
}

export function codeBuildBase(input: CodeBuildInputs, extra: PolicyStatement[]): PolicyDocument {
  return renderDocument(
    'policies/codebuild-base.json',
    {
      ...input.place,
      logGroup: input.logGroupName,
      artifactBucket: input.artifactBucket,
      reportGroupPrefix: input.reportGroupPrefix,
    },
    extra,
  );
}

export function environmentReads(input: EnvironmentReadInputs): PolicyStatement[] {
  const { place, project, env, token } = input;
  const statements = renderStatements('policies/statements/environment-parameters.json', { ...place, project, env });
  if (!token.reads) {
    // the parameters of the environment, but not the token among them (a secret in Secrets Manager is simply not granted)
    if (!token.secretName) {
      statements.push(...renderStatements('policies/statements/withhold-token-parameter.json', { ...place, project, env, tokenParameter: token.parameter }));
    }
    return statements;
  }
  if (token.secretName) statements.push(...renderStatements('policies/statements/token-secret.json', { ...place, secretName: token.secretName }));
  const key = token.kmsKey;
  if (key) {
    // the key is used only through the service that stores the token
    const service = token.secretName ? 'secretsmanager' : 'ssm';
    const viaService = `${service}.${place.region}.${partition(place.region).dnsSuffix}`;
    statements.push(
      ...('keyArn' in key
        ? renderStatements('policies/statements/kms-decrypt-key.json', { keyArn: key.keyArn, viaService })
        : renderStatements('policies/statements/kms-decrypt-alias.json', { ...key.place, alias: key.alias, viaService })),
    );
  }
  return statements;
}

/** build-and-test: the common build rights, plus pushing the quality-estimation image to its ECR repository. */
export function buildAndTestPolicy(input: { build: CodeBuildInputs; qeImageRepository: string }): PolicyDocument {
  return codeBuildBase(
    input.build,
    renderStatements('policies/statements/qe-image-push.json', { ...input.build.place, repository: input.qeImageRepository }),
  );
}

/**
 * cdk-deploy of one environment: its parameters and the token, and the CDK bootstrap roles of that
 * environment (which do the deployment). Never administrator rights on its own. For an environment in
 * another region than the tool region, `qeImageReplicaArn` is the tool account's repository in that
 * region: the build may only see whether the commit's image has been replicated there.
 */
export function cdkDeployPolicy(input: {
  build: CodeBuildInputs;
  reads: EnvironmentReadInputs;
  bootstrapRolePattern: string;
  environmentRoleArn?: string;
  qeImageReplicaArn?: string;
}): PolicyDocument {
  return codeBuildBase(input.build, [
    ...environmentReads(input.reads),
    ...(input.qeImageReplicaArn ? renderStatements('policies/statements/qe-image-replica-read.json', { repositoryArn: input.qeImageReplicaArn }) : []),
    // in another account the build assumes the environment's deployer role, which assumes the bootstrap roles
    ...(input.environmentRoleArn
      ? assumeEnvironmentRole(input.environmentRoleArn)
      : renderStatements('policies/statements/cdk-bootstrap-roles.json', { bootstrapRoles: input.bootstrapRolePattern })),
  ]);
}

/** The solution's resources in one environment that the integration tests may use, by physical name. */
export interface SolutionResources {
  place: Place;
  buckets: string[];
  endpoints: string[];
  stateMachines: string[];
  functions: string[];
  glueJobs: string[];
  stacks: string[];
}

/** The statement a tool-account build role needs to take the role mtpipe made in an environment account. */
export function assumeEnvironmentRole(roleArn: string): PolicyStatement[] {
  return renderStatements('policies/statements/assume-environment-role.json', { roleArn });
}

/**
 * integration-test of one environment: its parameters (not the token: its buildspec does not read it),
 * and read/invoke rights on the solution's resources that are known by name. Resources not named are
 * not granted (the CDK roles deploy them).
 */
export function integrationTestPolicy(input: { build: CodeBuildInputs; reads: EnvironmentReadInputs; solution: SolutionResources; environmentRoleArn?: string }): PolicyDocument {
  return codeBuildBase(input.build, [
    ...environmentReads(input.reads),
    // in another account the build assumes the environment's tester role, which holds these rights
    ...(input.environmentRoleArn ? assumeEnvironmentRole(input.environmentRoleArn) : solutionAccessStatements(input.solution)),
  ]);
}

/** Read/invoke rights on the solution's resources that are known by name, in one environment. */
export function solutionAccessStatements(s: SolutionResources): PolicyStatement[] {
  const { partition, region, account } = s.place;
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const given = (name: string, make: (name: string) => string) => (name.startsWith('arn:') ? name : make(name));
  const stateMachineArns = s.stateMachines.map((name) => given(name, (n) => arn('states', `stateMachine:${n}`)));
  return renderStatements('policies/statements/solution-access.json', {
    bucketObjectArns: unique(s.buckets).map((bucket) => `arn:${partition}:s3:::${bucket}/*`),
    bucketArns: unique(s.buckets).map((bucket) => `arn:${partition}:s3:::${bucket}`),
    // SageMaker ARNs carry the endpoint name in lower case
    endpointArns: unique(s.endpoints).map((name) => arn('sagemaker', `endpoint/${name.toLowerCase()}`)),
    stateMachineArns: unique(stateMachineArns),
    executionArns: unique(stateMachineArns).map((machine) => `${machine.replace(':stateMachine:', ':execution:')}:*`),
    functionArns: unique(s.functions).flatMap((name) => {
      const fn = given(name, (n) => arn('lambda', `function:${n}`));
      return [fn, `${fn}:*`]; // the function and its versions and aliases
    }),
    glueJobArns: unique(s.glueJobs).map((name) => given(name, (n) => arn('glue', `job/${n}`))),
    stackArns: unique(s.stacks).map((name) => arn('cloudformation', `stack/${name}/*`)),
  });
}
