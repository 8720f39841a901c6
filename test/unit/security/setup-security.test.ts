import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyStatement } from '../../../src/aws/iam-policy.js';
import { iamRole, roleInlinePolicy, rolePolicyAttachment, type RoleSpec } from '../../../src/aws/iam-role.js';
import { secretsManagerSecret, type SecretSpec } from '../../../src/aws/secretsmanager-secret.js';
import { setParams } from '../../../src/commands/set-params.js';
import { INLINE_POLICY_NAME, roleId } from '../../../src/commands/security-roles.js';
import { setupSecurity } from '../../../src/commands/setup-security.js';
import type { ResolveContext } from '../../../src/commands/step.js';
import { ConfigDraft } from '../../../src/config/draft.js';
import type { Config } from '../../../src/config/schema.js';
import type { Desired } from '../../../src/engine/types.js';
import type { Prompter } from '../../../src/ui/prompter.js';
import { ScriptedPrompter } from '../../support/scripted-prompter.js';
import { configFor, KEY_ARN, KEY_ID, PROD_ACCOUNT, PROD_REGION, targetsFor, TOOL_ACCOUNT, TOOL_REGION, type Variant } from './fixtures.js';

const TOKEN = 'hf_setupSecurityUnitToken';

function desiredFor(variant: Variant, selected?: string[]): Desired[] {
  return setupSecurity.desired({ hfToken: TOKEN }, configFor(variant), targetsFor(selected));
}

const roles = (desired: Desired[]) => desired.filter((d) => d.kind === iamRole).map((d) => ({ env: d.target.name, account: d.target.account, spec: d.spec as RoleSpec }));

function statementsOf(desired: Desired[], roleName: string): PolicyStatement[] {
  const policy = desired.find((d) => d.kind === roleInlinePolicy && (d.spec as { roleName: string }).roleName === roleName);
  return (policy?.spec as { document: { Statement: PolicyStatement[] } } | undefined)?.document.Statement ?? [];
}

const actionsOf = (statements: PolicyStatement[]) => statements.flatMap((s) => s.Action).sort();
const bySid = (statements: PolicyStatement[], sid: string) => statements.find((s) => s.Sid === sid);

describe('setup-security: the roles', () => {
  const desired = desiredFor({ store: 'ssm' });

  it('one role per purpose, named from resource-names, in the right account, on path /mtpipe/, tagged', () => {
    expect(roles(desired).map((r) => `${r.env} ${r.account} ${r.spec.name}`)).toEqual([
      `shared ${TOOL_ACCOUNT} mt-pipeline-pipeline`,
      `shared ${TOOL_ACCOUNT} mt-pipeline-events`,
      `shared ${TOOL_ACCOUNT} mt-pipeline-build`,
      `dev ${TOOL_ACCOUNT} mt-pipeline-deploy-dev`,
      `dev ${TOOL_ACCOUNT} mt-pipeline-itest-dev`,
      `dev ${TOOL_ACCOUNT} mt-pipeline-codedeploy-dev`,
      // the builds of prod run in the tool account; its CodeDeploy role is in prod's own account
      // prod is another account: its builds deploy and test through roles there
      `prod ${PROD_ACCOUNT} mt-pipeline-deployer-prod`,
      `prod ${PROD_ACCOUNT} mt-pipeline-tester-prod`,
      `prod ${TOOL_ACCOUNT} mt-pipeline-deploy-prod`,
      `prod ${TOOL_ACCOUNT} mt-pipeline-itest-prod`,
      `prod ${PROD_ACCOUNT} mt-pipeline-codedeploy-prod`,
    ]);
    for (const { env, spec } of roles(desired)) {
      expect(spec).toMatchObject({ path: '/mtpipe/', maxSessionDuration: 3600, tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': env } });
      expect(spec.description).toMatch(/^mtpipe \(mt-pipeline\): [\x20-\x7e]+$/); // IAM takes ASCII descriptions
    }
  });

  it('trust: one service each, for the account the role is in', () => {
    const trusted = roles(desired).map((r) => [r.spec.name, r.spec.trustPolicy.Statement.map((s) => ['Service' in s.Principal ? s.Principal.Service : s.Principal.AWS, s.Condition?.StringEquals?.['aws:SourceAccount']])]);
    expect(Object.fromEntries(trusted)).toEqual({
      'mt-pipeline-pipeline': [['codepipeline.amazonaws.com', TOOL_ACCOUNT]],
      'mt-pipeline-events': [['events.amazonaws.com', TOOL_ACCOUNT]],
      'mt-pipeline-build': [['codebuild.amazonaws.com', TOOL_ACCOUNT]],
      'mt-pipeline-deploy-dev': [['codebuild.amazonaws.com', TOOL_ACCOUNT]],
      'mt-pipeline-itest-dev': [['codebuild.amazonaws.com', TOOL_ACCOUNT]],
      'mt-pipeline-codedeploy-dev': [['codedeploy.amazonaws.com', TOOL_ACCOUNT]],
      'mt-pipeline-deploy-prod': [['codebuild.amazonaws.com', TOOL_ACCOUNT]],
      'mt-pipeline-itest-prod': [['codebuild.amazonaws.com', TOOL_ACCOUNT]],
      'mt-pipeline-codedeploy-prod': [['codedeploy.amazonaws.com', PROD_ACCOUNT]],
      // each trusts only the one build role of its environment
      'mt-pipeline-deployer-prod': [[`arn:aws:iam::${TOOL_ACCOUNT}:role/mtpipe/mt-pipeline-deploy-prod`, undefined]],
      'mt-pipeline-tester-prod': [[`arn:aws:iam::${TOOL_ACCOUNT}:role/mtpipe/mt-pipeline-itest-prod`, undefined]],
    });
  });

  it('ids other steps refer to, inline policies and the attachment depend on their role', () => {
    const targets = targetsFor();
    expect(desired.find((d) => d.kind === iamRole && (d.spec as RoleSpec).name === 'mt-pipeline-deploy-dev')?.id).toBe(
      roleId(targets.environmentsInToolAccount[0]!, 'mt-pipeline-deploy-dev'),
    );
    expect(roleId(targets.shared, 'mt-pipeline-build')).toBe('shared/iam:role/mt-pipeline-build');
    for (const item of desired.filter((d) => d.kind === roleInlinePolicy || d.kind === rolePolicyAttachment)) {
      const roleName = (item.spec as { roleName: string }).roleName;
      expect(item.dependsOn).toEqual([`${item.target.name}/iam:role/${roleName}`]);
    }
    expect(desired.filter((d) => d.kind === roleInlinePolicy).map((d) => (d.spec as { policyName: string }).policyName)).toEqual(Array(9).fill(INLINE_POLICY_NAME));
  });

  it('the roles in another account are created after the build roles their trust names (IAM refuses an unknown principal)', () => {
    const targets = targetsFor();
    const dependsOn = (name: string) => desired.find((d) => d.kind === iamRole && (d.spec as RoleSpec).name === name)?.dependsOn;
    expect(dependsOn('mt-pipeline-deployer-prod')).toStrictEqual([roleId(targets.environmentsInToolAccount[1]!, 'mt-pipeline-deploy-prod')]);
    expect(dependsOn('mt-pipeline-tester-prod')).toStrictEqual([roleId(targets.environmentsInToolAccount[1]!, 'mt-pipeline-itest-prod')]);
    expect(dependsOn('mt-pipeline-deploy-prod')).toBeUndefined();
  });

  it('CodeDeploy roles: the AWS managed policy for Lambda deployments and no inline policy', () => {
    expect(desired.filter((d) => d.kind === rolePolicyAttachment).map((d) => [d.target.account, d.spec])).toEqual([
      [TOOL_ACCOUNT, { roleName: 'mt-pipeline-codedeploy-dev', policyArn: 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda' }],
      [PROD_ACCOUNT, { roleName: 'mt-pipeline-codedeploy-prod', policyArn: 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda' }],
    ]);
    expect(statementsOf(desired, 'mt-pipeline-codedeploy-dev')).toEqual([]);
  });

  it('no secret with the token in SSM (set-params writes it there)', () => {
    expect(desired.filter((d) => d.kind === secretsManagerSecret)).toEqual([]);
  });
});

describe('setup-security: what each role may do', () => {
  const tool = `${TOOL_REGION}:${TOOL_ACCOUNT}`;

  it('pipeline: what its stages use, each on its own resources, no iam:PassRole', () => {
    const statements = statementsOf(desiredFor({ store: 'ssm' }), 'mt-pipeline-pipeline');
    expect(actionsOf(statements)).toEqual(
      [
        'codecommit:CancelUploadArchive',
        'codecommit:GetBranch',
        'codecommit:GetCommit',
        'codecommit:GetUploadArchiveStatus',
        'codecommit:UploadArchive',
        'codebuild:BatchGetBuilds',
        'codebuild:StartBuild',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        's3:GetBucketLocation',
        's3:GetBucketVersioning',
        's3:GetObject',
        's3:GetObjectVersion',
        's3:PutObject',
        'sns:Publish',
      ].sort(),
    );
    expect(bySid(statements, 'SourceFromTheRepository')?.Resource).toBe(`arn:aws:codecommit:${tool}:machine-translation`);
    expect(bySid(statements, 'RunTheBuildProjects')?.Resource).toEqual([
      `arn:aws:codebuild:${tool}:project/mt-pipeline-build-and-test`,
      `arn:aws:codebuild:${tool}:project/mt-pipeline-cdk-deploy-dev`,
      `arn:aws:codebuild:${tool}:project/mt-pipeline-integration-test-dev`,
      `arn:aws:codebuild:${tool}:project/mt-pipeline-cdk-deploy-prod`,
      `arn:aws:codebuild:${tool}:project/mt-pipeline-integration-test-prod`,
    ]);
    // deploy and test are CodeBuild projects: the pipeline itself never calls CodeDeploy
    expect(actionsOf(statements).filter((action) => action.startsWith('codedeploy:'))).toEqual([]);
    expect(bySid(statements, 'ArtifactObjects')?.Resource).toBe(`arn:aws:s3:::mt-pipeline-artifacts-${TOOL_ACCOUNT}-${TOOL_REGION}/*`);
    expect(bySid(statements, 'NotifyApprovers')?.Resource).toEqual([`arn:aws:sns:${tool}:mt-pipeline-approvals`]);
    // the approval topic is encrypted with the project's notification key: usable only through SNS
    expect(bySid(statements, 'EncryptApprovalNotifications')).toEqual({
      Sid: 'EncryptApprovalNotifications',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: `arn:aws:kms:${tool}:key/*`,
      Condition: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/mt-pipeline-notifications' },
        StringEquals: { 'kms:ViaService': `sns.${TOOL_REGION}.amazonaws.com` },
      },
    });
    expect(statements.some((s) => String(s.Sid).includes('Connection'))).toBe(false);
  });

  it('pipeline: no key statement with notifications.encryption none', () => {
    const config: Config = configFor({ store: 'ssm' });
    config.notifications.encryption = 'none';
    const statements = statementsOf(setupSecurity.desired({ hfToken: TOKEN }, config, targetsFor()), 'mt-pipeline-pipeline');
    expect(bySid(statements, 'EncryptApprovalNotifications')).toBeUndefined();
  });

  it('pipeline: a CodeConnections source may use the given connection only, or the project\'s tagged connection', () => {
    const config: Config = configFor({ store: 'ssm' });
    config.source = { provider: 'codeconnections', connectionProvider: 'GitHub', fullRepositoryId: 'org/mt' };
    const created = statementsOf(setupSecurity.desired({ hfToken: TOKEN }, config, targetsFor()), 'mt-pipeline-pipeline');
    expect(bySid(created, 'UseTheProjectsConnection')).toEqual({
      Sid: 'UseTheProjectsConnection',
      Effect: 'Allow',
      Action: ['codeconnections:UseConnection', 'codestar-connections:UseConnection'],
      Resource: [`arn:aws:codeconnections:${tool}:connection/*`, `arn:aws:codestar-connections:${tool}:connection/*`],
      Condition: { StringEquals: { 'aws:ResourceTag/mtpipe:project': 'mt-pipeline' } },
    });
    const arn = `arn:aws:codeconnections:${tool}:connection/0a1b2c3d-1111-2222-3333-444455556666`;
    config.source.connectionArn = arn;
    const given = statementsOf(setupSecurity.desired({ hfToken: TOKEN }, config, targetsFor()), 'mt-pipeline-pipeline');
    expect(bySid(given, 'UseTheSourceConnection')?.Resource).toEqual([arn]);
    expect(bySid(given, 'UseTheProjectsConnection')).toBeUndefined();
  });

  it('pipeline: every environment\'s projects even when one is selected; no SNS when no environment needs approval', () => {
    const onlyProd = statementsOf(desiredFor({ store: 'ssm' }, ['prod']), 'mt-pipeline-pipeline');
    expect(bySid(onlyProd, 'RunTheBuildProjects')?.Resource).toHaveLength(5);
    const config: Config = configFor({ store: 'ssm' });
    config.environments.prod!.approval = false;
    const noApproval = statementsOf(setupSecurity.desired({ hfToken: TOKEN }, config, targetsFor()), 'mt-pipeline-pipeline');
    expect(actionsOf(noApproval)).not.toContain('sns:Publish');
  });

  it('events: StartPipelineExecution on the pipeline only', () => {
    expect(statementsOf(desiredFor({ store: 'ssm' }), 'mt-pipeline-events')).toEqual([
      { Sid: 'StartThePipeline', Effect: 'Allow', Action: ['codepipeline:StartPipelineExecution'], Resource: [`arn:aws:codepipeline:${tool}:mt-pipeline-pipeline`] },
    ]);
  });

  it('events: with pipeline.layout per-environment, on each environment\'s pipeline', () => {
    const config: Config = configFor({ store: 'ssm' });
    config.pipeline.layout = 'per-environment';
    expect(bySid(statementsOf(setupSecurity.desired({ hfToken: TOKEN }, config, targetsFor(['dev'])), 'mt-pipeline-events'), 'StartThePipeline')?.Resource).toEqual([
      `arn:aws:codepipeline:${tool}:mt-pipeline-dev-pipeline`,
      `arn:aws:codepipeline:${tool}:mt-pipeline-prod-pipeline`,
    ]);
  });

  it('build-and-test: its own logs and report groups, the artifacts, and ECR push on the QE repository (mtpipe creates it: no CreateRepository)', () => {
    const statements = statementsOf(desiredFor({ store: 'ssm' }), 'mt-pipeline-build');
    expect(bySid(statements, 'BuildLogs')?.Resource).toEqual([
      `arn:aws:logs:${tool}:log-group:/aws/codebuild/mt-pipeline-build-and-test`,
      `arn:aws:logs:${tool}:log-group:/aws/codebuild/mt-pipeline-build-and-test:*`,
    ]);
    expect(bySid(statements, 'TestReports')?.Resource).toBe(`arn:aws:codebuild:${tool}:report-group/mt-pipeline-build-and-test-*`);
    expect(bySid(statements, 'RegistryLogin')).toMatchObject({ Action: ['ecr:GetAuthorizationToken'], Resource: '*' });
    const push = bySid(statements, 'PushTheQualityEstimationImage');
    expect(push?.Resource).toBe(`arn:aws:ecr:${tool}:repository/mt-pipeline-qe`);
    expect(push?.Action).not.toContain('ecr:CreateRepository');
    expect(push?.Action).toContain('ecr:DescribeImages');
    expect(push?.Action).toContain('ecr:PutImage');
    expect(actionsOf(statements).filter((a) => a.startsWith('ssm:') || a.startsWith('secretsmanager:') || a.startsWith('sts:'))).toEqual([]);
  });

  it('cdk-deploy: its environment\'s parameters, and only the CDK bootstrap roles of its environment (in another account: through the deployer role there)', () => {
    const desired = desiredFor({ store: 'ssm' });
    const prod = statementsOf(desired, 'mt-pipeline-deploy-prod');
    expect(bySid(prod, 'ReadTheEnvironmentParameters')).toMatchObject({ Action: ['ssm:GetParameters'], Resource: `arn:aws:ssm:${tool}:parameter/mt-pipeline/prod/*` });
    expect(bySid(prod, 'AssumeTheCdkBootstrapRolesOfTheEnvironment')).toBeUndefined();
    expect(bySid(prod, 'AssumeTheRoleInTheEnvironmentAccount')).toStrictEqual({
      Sid: 'AssumeTheRoleInTheEnvironmentAccount',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: `arn:aws:iam::${PROD_ACCOUNT}:role/mtpipe/mt-pipeline-deployer-prod`,
    });
    const deployer = statementsOf(desired, 'mt-pipeline-deployer-prod');
    expect(deployer).toStrictEqual([
      {
        Sid: 'AssumeTheCdkBootstrapRolesOfTheEnvironment',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: `arn:aws:iam::${PROD_ACCOUNT}:role/cdk-hnb659fds-*-role-${PROD_ACCOUNT}-${PROD_REGION}`,
      },
      {
        Sid: 'ReadTheCdkBootstrapVersion',
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: `arn:aws:ssm:${PROD_REGION}:${PROD_ACCOUNT}:parameter/cdk-bootstrap/hnb659fds/version`,
      },
    ]);
    expect(bySid(statementsOf(desired, 'mt-pipeline-deploy-dev'), 'AssumeTheCdkBootstrapRolesOfTheEnvironment')?.Resource).toBe(
      `arn:aws:iam::${TOOL_ACCOUNT}:role/cdk-hnb659fds-*-role-${TOOL_ACCOUNT}-${TOOL_REGION}`,
    );
    // prod is in another region: it waits for the replicated image there, in the tool account's repository of that region only
    expect(bySid(prod, 'WaitForTheReplicatedImage')).toStrictEqual({
      Sid: 'WaitForTheReplicatedImage',
      Effect: 'Allow',
      Action: ['ecr:DescribeImages'],
      Resource: `arn:aws:ecr:${PROD_REGION}:${TOOL_ACCOUNT}:repository/mt-pipeline-qe`,
    });
    expect(bySid(statementsOf(desired, 'mt-pipeline-deploy-dev'), 'WaitForTheReplicatedImage')).toBeUndefined();
    // nothing else: no iam:, cloudformation:, lambda: rights of its own, no managed policy
    const services = new Set(actionsOf(prod).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['codebuild', 'ecr', 'logs', 's3', 'ssm', 'sts']);
    expect(desired.filter((d) => d.kind === rolePolicyAttachment && (d.spec as { roleName: string }).roleName.startsWith('mt-pipeline-deploy-'))).toEqual([]);
  });

  it('integration-test: the parameters but never the token, and read/invoke on the resources of its environment known by name', () => {
    // prod is another account: its test build may only take the tester role there, which holds the rights
    const namedDesired = desiredFor({ store: 'ssm', namedSolution: true });
    expect(statementsOf(namedDesired, 'mt-pipeline-itest-prod').map((s) => s.Sid).slice(-1)).toStrictEqual(['AssumeTheRoleInTheEnvironmentAccount']);
    expect(actionsOf(statementsOf(namedDesired, 'mt-pipeline-itest-prod')).filter((a) => !/^(logs|s3|codebuild|ssm|sts):/.test(a))).toStrictEqual([]);
    const named = statementsOf(namedDesired, 'mt-pipeline-tester-prod');
    const prod = `${PROD_REGION}:${PROD_ACCOUNT}`;
    expect(bySid(named, 'SolutionBucketObjects')?.Resource).toEqual([
      `arn:aws:s3:::mt-pipeline-prod-input-${PROD_ACCOUNT}/*`,
      `arn:aws:s3:::mt-pipeline-prod-output-${PROD_ACCOUNT}/*`,
    ]);
    expect(bySid(named, 'QualityEstimationEndpoint')?.Resource).toEqual([`arn:aws:sagemaker:${prod}:endpoint/mt-qe-endpoint`]);
    expect(bySid(named, 'StartWorkflows')?.Resource).toEqual([`arn:aws:states:${prod}:stateMachine:mt-translation-workflow`]);
    expect(bySid(named, 'FollowWorkflowExecutions')?.Resource).toEqual([`arn:aws:states:${prod}:execution:mt-translation-workflow:*`]);
    expect(bySid(named, 'InvokeFunctions')?.Resource).toEqual([`arn:aws:lambda:${prod}:function:mt-prompt-generator`, `arn:aws:lambda:${prod}:function:mt-prompt-generator:*`]);
    expect(bySid(named, 'ReadGlueJobRuns')?.Resource).toEqual([`arn:aws:glue:${prod}:job/mt-batch-job`]);
    expect(bySid(named, 'ReadSolutionStacks')?.Resource).toEqual([`arn:aws:cloudformation:${prod}:stack/MachineTranslationStack/*`]);

    // by default integration-test runs the smoke test: exactly the calls it makes, on what the settings name
    const unnamed = statementsOf(desiredFor({ store: 'ssm' }), 'mt-pipeline-itest-dev');
    expect(unnamed.map((s) => s.Sid)).toEqual([
      'BuildLogs',
      'ArtifactObjects',
      'ArtifactBucket',
      'TestReports',
      'ReadTheEnvironmentParameters',
      'NeverTheTokenParameter',
      'EndpointInService',
      'PutSampleInput',
      'StartOneExecution',
      'FollowOrStopTheExecution',
      'ListAnalysisOutput',
      'ReadAnalysisOutput',
    ]);
    expect(unnamed.slice(6)).toStrictEqual([
      { Sid: 'EndpointInService', Effect: 'Allow', Action: ['sagemaker:DescribeEndpoint'], Resource: `arn:aws:sagemaker:${tool}:endpoint/mt-pipeline-dev-qe-endpoint` },
      { Sid: 'PutSampleInput', Effect: 'Allow', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::mt-pipeline-dev-input-${TOOL_ACCOUNT}/mtpipe-smoke/*` },
      { Sid: 'StartOneExecution', Effect: 'Allow', Action: ['states:StartExecution'], Resource: `arn:aws:states:${tool}:stateMachine:BatchMachineTranslationStateMachineCDK` },
      {
        Sid: 'FollowOrStopTheExecution',
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: `arn:aws:states:${tool}:execution:BatchMachineTranslationStateMachineCDK:*`,
      },
      {
        Sid: 'ListAnalysisOutput',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: `arn:aws:s3:::mt-pipeline-dev-output-${TOOL_ACCOUNT}`,
        Condition: { StringLike: { 's3:prefix': 'mtpipe-smoke/*' } },
      },
      { Sid: 'ReadAnalysisOutput', Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::mt-pipeline-dev-output-${TOOL_ACCOUNT}/mtpipe-smoke/*` },
    ]);
    // prod is in its own account and region: so are the resources the smoke test touches there
    // prod is another account: the test build assumes the tester role there, which may make the same calls
    const itestProd = statementsOf(desiredFor({ store: 'ssm' }), 'mt-pipeline-itest-prod');
    expect(bySid(itestProd, 'StartOneExecution')).toBeUndefined();
    expect(bySid(itestProd, 'AssumeTheRoleInTheEnvironmentAccount')?.Resource).toBe(`arn:aws:iam::${PROD_ACCOUNT}:role/mtpipe/mt-pipeline-tester-prod`);
    expect(bySid(statementsOf(desiredFor({ store: 'ssm' }), 'mt-pipeline-tester-prod'), 'StartOneExecution')?.Resource).toBe(
      `arn:aws:states:${prod}:stateMachine:BatchMachineTranslationStateMachineCDK`,
    );
    // its buildspec reads the settings, not the token: the wildcard over the path is cut by an explicit Deny
    expect(bySid(unnamed, 'NeverTheTokenParameter')).toEqual({
      Sid: 'NeverTheTokenParameter',
      Effect: 'Deny',
      Action: ['ssm:GetParameters'],
      Resource: `arn:aws:ssm:${tool}:parameter/mt-pipeline/dev/hugging_face_token`,
    });
    expect(bySid(statementsOf(desiredFor({ store: 'ssm' }), 'mt-pipeline-deploy-dev'), 'NeverTheTokenParameter')).toBeUndefined();
    // with the token in Secrets Manager there is nothing to deny: the secret is simply not granted
    const inSecretsManager = statementsOf(desiredFor({ store: 'secretsmanager', kmsKeyId: KEY_ARN }), 'mt-pipeline-itest-dev');
    expect(inSecretsManager.map((s) => s.Sid)).not.toContain('NeverTheTokenParameter');
    expect(actionsOf(inSecretsManager)).not.toContain('secretsmanager:GetSecretValue');
    expect(actionsOf(inSecretsManager)).not.toContain('kms:Decrypt');
  });
});

describe('setup-security: the token', () => {
  it('in Secrets Manager: one secret per environment, in the tool account, with the token and tags', () => {
    const desired = desiredFor({ store: 'secretsmanager', kmsKeyId: KEY_ARN });
    const secrets = desired.filter((d) => d.kind === secretsManagerSecret);
    expect(secrets.map((d) => [d.id, d.target.account, d.target.region, d.spec])).toEqual(
      ['dev', 'prod'].map((env) => [
        `${env}/secretsmanager:secret/mt-pipeline/${env}/hugging-face-token`,
        TOOL_ACCOUNT,
        TOOL_REGION,
        { name: `mt-pipeline/${env}/hugging-face-token`, value: TOKEN, kmsKeyId: KEY_ARN, tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': env } } satisfies SecretSpec,
      ]),
    );
  });

  it('in Secrets Manager: only that environment\'s deploy role may read its secret', () => {
    const desired = desiredFor({ store: 'secretsmanager' });
    const readers = roles(desired).filter(({ spec }) => statementsOf(desired, spec.name).some((s) => s.Action.includes('secretsmanager:GetSecretValue')));
    expect(readers.map((r) => r.spec.name)).toEqual(['mt-pipeline-deploy-dev', 'mt-pipeline-deploy-prod']);
    expect(bySid(statementsOf(desired, 'mt-pipeline-deploy-prod'), 'ReadTheTokenSecret')?.Resource).toBe(
      `arn:aws:secretsmanager:${TOOL_REGION}:${TOOL_ACCOUNT}:secret:mt-pipeline/prod/hugging-face-token-*`,
    );
    expect(actionsOf(statementsOf(desiredFor({ store: 'ssm' }), 'mt-pipeline-deploy-prod'))).not.toContain('secretsmanager:GetSecretValue');
  });

  it('a customer key: kms:Decrypt on that key only, through the service that stores the token', () => {
    const decrypt = (variant: Variant) => bySid(statementsOf(desiredFor(variant), 'mt-pipeline-deploy-dev'), 'DecryptWithTheCustomerKey');
    expect(decrypt({ store: 'ssm' })).toBeUndefined();
    expect(decrypt({ store: 'ssm', kmsKeyId: 'alias/aws/ssm' })).toBeUndefined();
    expect(decrypt({ store: 'ssm', kmsKeyId: KEY_ARN })).toEqual({
      Sid: 'DecryptWithTheCustomerKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': `ssm.${TOOL_REGION}.amazonaws.com` } },
    });
    expect(decrypt({ store: 'secretsmanager', kmsKeyId: KEY_ID })).toMatchObject({
      Resource: KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${TOOL_REGION}.amazonaws.com` } },
    });
    expect(decrypt({ store: 'ssm', kmsKeyId: 'alias/mt-token' })).toMatchObject({
      Resource: `arn:aws:kms:${TOOL_REGION}:${TOOL_ACCOUNT}:key/*`,
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/mt-token' }, StringEquals: { 'kms:ViaService': `ssm.${TOOL_REGION}.amazonaws.com` } },
    });
    expect(decrypt({ store: 'ssm', kmsKeyId: `arn:aws:kms:${PROD_REGION}:${PROD_ACCOUNT}:alias/shared-key` })).toMatchObject({
      Resource: `arn:aws:kms:${PROD_REGION}:${PROD_ACCOUNT}:key/*`,
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/shared-key' } },
    });
    // neither build-and-test nor the integration tests read the token
    for (const role of ['mt-pipeline-build', 'mt-pipeline-itest-dev']) {
      expect(actionsOf(statementsOf(desiredFor({ store: 'ssm', kmsKeyId: KEY_ARN }), role))).not.toContain('kms:Decrypt');
    }
  });
});

describe('setup-security: resolve', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.HF_TOKEN;
    else process.env.HF_TOKEN = saved;
  });

  function context(variant: Variant, prompter: Prompter): ResolveContext {
    const config = configFor(variant);
    const draft = new ConfigDraft({ config, raw: {}, file: undefined, isExplicit: () => true, withoutFlags: () => ({ value: undefined, inFile: false }) }, prompter);
    const memo = new Map<string, Promise<unknown>>();
    const once = <T>(key: string, resolve: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, resolve());
      return memo.get(key) as Promise<T>;
    };
    return { draft, prompter, flags: {}, once, dryRun: false, targets: targetsFor(), read: async () => undefined };
  }

  it('token in SSM: asks nothing', async () => {
    const prompter = new ScriptedPrompter({});
    await expect(setupSecurity.resolve(context({ store: 'ssm' }, prompter))).resolves.toEqual({ hfToken: undefined });
    expect(prompter.asked).toEqual([]);
  });

  it('token in Secrets Manager: asks for it once, however many steps want it', async () => {
    const prompter = new ScriptedPrompter({ hfToken: TOKEN });
    const shared = context({ store: 'secretsmanager' }, prompter);
    await expect(setupSecurity.resolve(shared)).resolves.toEqual({ hfToken: TOKEN });
    await setParams.resolve(shared);
    expect(prompter.asked.map((q) => q.name)).toEqual(['hfToken']);
  });

  it('token in Secrets Manager, from HF_TOKEN: asks nothing', async () => {
    process.env.HF_TOKEN = TOKEN;
    const prompter = new ScriptedPrompter({});
    await expect(setupSecurity.resolve(context({ store: 'secretsmanager' }, prompter))).resolves.toEqual({ hfToken: TOKEN });
    expect(prompter.asked).toEqual([]);
  });
});

describe('setup-security: outputs', () => {
  it('lists every role ARN, per environment, and the secrets', () => {
    const outputs = setupSecurity.outputs!({ hfToken: undefined }, configFor({ store: 'secretsmanager' }), targetsFor(), undefined, []);
    const role = (account: string, name: string) => `arn:aws:iam::${account}:role/mtpipe/${name}`;
    expect(outputs.data).toEqual({
      roles: {
        pipeline: role(TOOL_ACCOUNT, 'mt-pipeline-pipeline'),
        events: role(TOOL_ACCOUNT, 'mt-pipeline-events'),
        'build-and-test': role(TOOL_ACCOUNT, 'mt-pipeline-build'),
        environments: {
          dev: {
            'cdk-deploy': role(TOOL_ACCOUNT, 'mt-pipeline-deploy-dev'),
            'integration-test': role(TOOL_ACCOUNT, 'mt-pipeline-itest-dev'),
            codedeploy: role(TOOL_ACCOUNT, 'mt-pipeline-codedeploy-dev'),
          },
          prod: {
            deployer: role(PROD_ACCOUNT, 'mt-pipeline-deployer-prod'),
            tester: role(PROD_ACCOUNT, 'mt-pipeline-tester-prod'),
            'cdk-deploy': role(TOOL_ACCOUNT, 'mt-pipeline-deploy-prod'),
            'integration-test': role(TOOL_ACCOUNT, 'mt-pipeline-itest-prod'),
            codedeploy: role(PROD_ACCOUNT, 'mt-pipeline-codedeploy-prod'),
          },
        },
      },
      secrets: { dev: 'mt-pipeline/dev/hugging-face-token', prod: 'mt-pipeline/prod/hugging-face-token' },
    });
    const text = outputs.notes.join('\n');
    expect(text).toContain(role(PROD_ACCOUNT, 'mt-pipeline-codedeploy-prod'));
    // the CDK bootstrap is left to the user, and mtpipe cannot see it done: an action, shown after every run
    expect(text).not.toContain('cdk bootstrap');
    expect(outputs.actions!.join('\n')).toContain(`cdk bootstrap aws://${PROD_ACCOUNT}/${PROD_REGION} --qualifier hnb659fds --trust ${TOOL_ACCOUNT}`);
    expect(text).not.toContain(TOKEN);
  });

  it('with the token in SSM: no secrets', () => {
    const outputs = setupSecurity.outputs!({ hfToken: undefined }, configFor({ store: 'ssm' }), targetsFor(['dev']), undefined, []);
    expect(outputs.data).not.toHaveProperty('secrets');
    expect(Object.keys((outputs.data.roles as { environments: object }).environments)).toEqual(['dev']);
  });
});
