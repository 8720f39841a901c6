/**
 * create-deploy and release against moto with the real SDK.
 *
 * moto 5.2 drops a deployment group's alarmConfiguration on read, lacks UpdateDeploymentGroup and never
 * finishes a deployment: test/support/moto_ext_deploy.py corrects these after the CodeDeploy API reference,
 * so these tests compare the full group as AWS returns it, converge a drifted group, and run a release.
 */
import { CloudWatchClient, DeleteAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CodeDeployClient,
  GetApplicationCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentGroupsCommand,
  ListTagsForResourceCommand,
  UpdateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { GetAliasCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AwsCall } from '../../src/aws/call-log.js';
import { createDeploy } from '../../src/commands/create-deploy.js';
import { deploymentAlarmNames } from '../../src/config/resource-names.js';
import { release } from '../../src/commands/release.js';
import { openSession } from '../../src/commands/session.js';
import { NonInteractivePrompter } from '../../src/ui/prompter.js';
import { ConsoleReporter } from '../../src/ui/reporter.js';
import type { MtpipeError } from '../../src/errors.js';
import { validateCalls } from '../support/api-models.js';
import { ACCOUNT, operationsOf, REGION, stateClients } from '../support/aws-state.js';
import { captureStream, runInProcess, SHARED_ACCOUNT_OVERRIDES, type RunOptions } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
const clientConfig = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
const codedeploy = new CodeDeployClient(clientConfig);
const cloudformation = new CloudFormationClient(clientConfig);
const lambda = new LambdaClient(clientConfig);
afterAll(() => [aws, codedeploy, cloudformation, lambda].forEach((client) => client.destroy()));

const APPLICATION = 'mt-pipeline-lambda';
const APPLICATION_ARN = `arn:aws:codedeploy:${REGION}:${ACCOUNT}:application:${APPLICATION}`;
const groupArn = (env: string) => `arn:aws:codedeploy:${REGION}:${ACCOUNT}:deploymentgroup:${APPLICATION}/mt-pipeline-${env}`;
const tagList = (env: string) => [
  { Key: 'mtpipe:project', Value: 'mt-pipeline' },
  { Key: 'mtpipe:env', Value: env },
];
const STACK = { solution: { stacks: ['MtStack'] } };

/** What setup-security would have made: the CodeDeploy role of each environment, tagged. */
async function createCodeDeployRoles(): Promise<void> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codedeploy.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  for (const env of ['dev', 'prod']) {
    await aws.iam.send(new CreateRoleCommand({ RoleName: `mt-pipeline-codedeploy-${env}`, Path: '/mtpipe/', AssumeRolePolicyDocument: trust, Tags: tagList(env) }));
  }
}

/** The deployed solution: a CDK-like stack with two functions, one CDK helper function and a state machine. */
async function deploySolutionStack(): Promise<void> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const { Role } = await aws.iam.send(new CreateRoleCommand({ RoleName: 'solution-lambda', AssumeRolePolicyDocument: trust }));
  const fn = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.12', Handler: 'index.handler', Role: Role!.Arn, Code: { ZipFile: 'def handler(event, context):\n    return 1\n' } } };
  const template = {
    Resources: {
      TranslationPromptGeneratorCDK: fn,
      QualityAssessmentCDK: fn,
      LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a: fn,
      TranslationStateMachine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { RoleArn: Role!.Arn, DefinitionString: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }) },
      },
    },
  };
  await cloudformation.send(new CreateStackCommand({ StackName: 'MtStack', TemplateBody: JSON.stringify(template) }));
}

/** The alarms setup-monitoring will create; a deployment group names only alarms that exist. */
async function createReleaseAlarms(): Promise<void> {
  const cloudwatch = new CloudWatchClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    for (const env of ['dev', 'prod']) {
      for (const name of deploymentAlarmNames('mt-pipeline', env)) {
        await cloudwatch.send(
          new PutMetricAlarmCommand({
            AlarmName: name,
            Namespace: 'AWS/Lambda',
            MetricName: 'Errors',
            Statistic: 'Sum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          }),
        );
      }
    }
  } finally {
    cloudwatch.destroy();
  }
}

async function run(options: RunOptions = {}) {
  return runInProcess('create-deploy', [createDeploy], moto, options);
}

async function group(env: string) {
  const { deploymentGroupInfo } = await codedeploy.send(new GetDeploymentGroupCommand({ applicationName: APPLICATION, deploymentGroupName: `mt-pipeline-${env}` }));
  return deploymentGroupInfo!;
}

const tagsOf = async (arn: string) => (await codedeploy.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags;

describe('create-deploy against moto', () => {
  beforeEach(async () => {
    await resetMoto(moto);
    await createCodeDeployRoles();
    await deploySolutionStack();
    await createReleaseAlarms();
  });

  it('creates the Lambda application and one group per environment, as configured; reports the discovered functions', async () => {
    const first = await run({ overrides: STACK });
    expect(first.error).toBeUndefined();
    // dev and prod share moto's one account and region: one application serves both
    expect(operationsOf(first.writes).sort()).toEqual(['CodeDeploy.CreateApplication', 'CodeDeploy.CreateDeploymentGroup', 'CodeDeploy.CreateDeploymentGroup']);

    const { application } = await codedeploy.send(new GetApplicationCommand({ applicationName: APPLICATION }));
    expect(application).toMatchObject({ applicationName: APPLICATION, computePlatform: 'Lambda' });
    expect(await tagsOf(APPLICATION_ARN)).toEqual(tagList('shared'));
    const { deploymentGroups } = await codedeploy.send(new ListDeploymentGroupsCommand({ applicationName: APPLICATION }));
    expect(deploymentGroups?.sort()).toEqual(['mt-pipeline-dev', 'mt-pipeline-prod']);

    for (const [env, config] of [
      ['dev', 'CodeDeployDefault.LambdaAllAtOnce'],
      ['prod', 'CodeDeployDefault.LambdaCanary10Percent5Minutes'],
    ] as const) {
      expect(await group(env)).toMatchObject({
        computePlatform: 'Lambda',
        deploymentConfigName: config,
        serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/mtpipe/mt-pipeline-codedeploy-${env}`,
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        alarmConfiguration: {
          enabled: true,
          ignorePollAlarmFailure: false,
          alarms: [{ name: `mt-pipeline-${env}-executions-failed` }, { name: `mt-pipeline-${env}-lambda-errors` }],
        },
      });
      expect(await tagsOf(groupArn(env))).toEqual(tagList(env));
    }

    // discovery: logical ids from the stack, physical names as CloudFormation generated them; no CDK helper
    expect(first.stdout).toMatch(/^ {2}functions: TranslationPromptGeneratorCDK → MtStack-TranslationPromptGeneratorCDK-[A-Z0-9]+, QualityAssessmentCDK → MtStack-QualityAssessmentCDK-[A-Z0-9]+$/m);
    expect(first.stdout).not.toContain('LogRetention');
    // one read of the stack per account and region: dev and prod share moto's one account
    expect(operationsOf(first.calls).filter((op) => op === 'CloudFormation.ListStackResources')).toHaveLength(1);
  });

  it('names only alarms that exist: without them alarm monitoring is off, and the run after they appear turns it on', async () => {
    const cloudwatch = new CloudWatchClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['dev', 'prod'].flatMap((env) => deploymentAlarmNames('mt-pipeline', env)) }));
      expect((await run({ overrides: STACK })).error).toBeUndefined();
      expect(await group('prod')).toMatchObject({ alarmConfiguration: { enabled: false } });
      expect((await run({ overrides: STACK })).writes).toEqual([]);

      await createReleaseAlarms();
      const after = await run({ overrides: STACK });
      expect(operationsOf(after.writes)).toEqual(['CodeDeploy.UpdateDeploymentGroup', 'CodeDeploy.UpdateDeploymentGroup']);
      expect(await group('prod')).toMatchObject({
        alarmConfiguration: { enabled: true, alarms: [{ name: 'mt-pipeline-prod-executions-failed' }, { name: 'mt-pipeline-prod-lambda-errors' }] },
      });
    } finally {
      cloudwatch.destroy();
    }
  });

  it('a second run makes zero write calls; a dry run makes none either', async () => {
    const dry = await run({ overrides: STACK, options: { dryRun: true } });
    expect(dry.error).toBeUndefined();
    expect(dry.writes).toEqual([]);
    expect(dry.stdout).toContain('Plan: 3 to create, 0 to update, 0 to delete, 0 unchanged (and 4 read only, not managed by this command).');

    expect((await run({ overrides: STACK })).error).toBeUndefined();
    const second = await run({ overrides: STACK });
    expect(second.error).toBeUndefined();
    expect(second.writes).toEqual([]);
    expect(second.stdout).toMatch(/^No changes — \d+ resources? up to date( \(and \d+ read only, not managed by this command\))?\.$/m);
    expect((await run({ overrides: STACK, options: { dryRun: true } })).writes).toEqual([]);
  });

  it('converges a drifted group with one UpdateDeploymentGroup, then writes nothing', async () => {
    expect((await run()).error).toBeUndefined();
    await codedeploy.send(
      new UpdateDeploymentGroupCommand({
        applicationName: APPLICATION,
        currentDeploymentGroupName: 'mt-pipeline-prod',
        deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
        alarmConfiguration: { enabled: false, alarms: [] },
      }),
    );

    const update = await run();
    expect(update.error).toBeUndefined();
    expect(operationsOf(update.writes)).toEqual(['CodeDeploy.UpdateDeploymentGroup']);
    expect(update.writes[0]!.input).toMatchObject({ currentDeploymentGroupName: 'mt-pipeline-prod', deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
    expect(await group('prod')).toMatchObject({ deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes', alarmConfiguration: { enabled: true } });
    expect((await run()).writes).toEqual([]);
  });

  it('without the CodeDeploy role, is blocked with the command that creates it; nothing is written', async () => {
    await resetMoto(moto);
    const blocked = await run();
    expect(blocked.writes).toEqual([]);
    expect((blocked.error as { exitCode?: number }).exitCode).toBe(2);
    expect(String((blocked.error as Error).message)).toContain('iam:role "mt-pipeline-codedeploy-dev" does not exist: run `mtpipe setup-security` first');
  });

  it('a solution stack not deployed yet blocks nothing: the plan says what the run after the first deploy covers', async () => {
    const notYet = await run({ overrides: { solution: { stacks: ['MtStack', 'NotDeployed'] } } });
    expect(notYet.error).toBeUndefined();
    expect(notYet.stdout).toContain('stack(s) NotDeployed not deployed in dev yet: their Lambda functions, state machines, Glue jobs are covered by the next run after the first deploy.');
  });

  it('every request is valid against the AWS API models', async () => {
    const calls: AwsCall[] = [];
    for (const options of [{}, {}, { dryRun: true }]) calls.push(...(await run({ overrides: STACK, options })).calls);
    await codedeploy.send(new UpdateDeploymentGroupCommand({ applicationName: APPLICATION, currentDeploymentGroupName: 'mt-pipeline-dev', deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent10Minutes' }));
    calls.push(...(await run({ overrides: STACK })).calls);

    const { violations } = validateCalls(calls);
    expect(violations, violations.join('\n')).toEqual([]);
    expect(new Set(operationsOf(calls))).toEqual(
      new Set([
        'STS.GetCallerIdentity',
        'IAM.GetAccountAuthorizationDetails',
        'IAM.ListRoles',
        'CloudFormation.ListStackResources',
        'CodeDeploy.GetApplication',
        'CodeDeploy.CreateApplication',
        // the project's tags come from the tag index: no CodeDeploy.ListTagsForResource
        'ResourceGroupsTaggingAPI.GetResources',
        'CodeDeploy.GetDeploymentGroup',
        'CodeDeploy.CreateDeploymentGroup',
        'CodeDeploy.UpdateDeploymentGroup',
        'CloudWatch.DescribeAlarms',
      ]),
    );
  });
});

describe('release against moto', () => {
  beforeEach(async () => {
    await resetMoto(moto);
    await createCodeDeployRoles();
    await deploySolutionStack();
    expect((await run({ overrides: STACK })).error).toBeUndefined();
  });

  async function releaseSession(dryRun = false, overrides: Record<string, unknown> = { ...SHARED_ACCOUNT_OVERRIDES, ...STACK }) {
    const calls: AwsCall[] = [];
    const stdout = captureStream();
    const stderr = captureStream();
    const session = await openSession(
      { yes: true, dryRun, json: false, debug: false, color: false, adopt: false, concurrency: 8, endpointUrl: moto, env: 'dev' },
      { overrides, flagFor: () => undefined },
      { reporter: new ConsoleReporter({ json: false, debug: false, color: false, stdout, stderr }), prompter: new NonInteractivePrompter(), observers: [(call) => calls.push(call)] },
    );
    return { session, calls, stderr };
  }

  it('the built-in configuration (dev and prod in one account): release --env dev is refused before any write, exit 2', async () => {
    const refused = await releaseSession(false, STACK);
    const error = await release(refused.session, { function: 'TranslationPromptGeneratorCDK' }).then(
      () => undefined,
      (caught: unknown) => caught as MtpipeError,
    );
    expect(error?.code).toBe('shared_account');
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain('environments dev and prod both resolve to account 123456789012');
    expect(operationsOf(refused.calls)).toEqual(['STS.GetCallerIdentity']);
  });

  const liveVersion = async (name: string) => (await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }))).FunctionVersion;

  it('creates live on the first release, shifts it through CodeDeploy on the next, and validates every request', async () => {
    const noSleep = { sleep: async () => undefined, pollIntervalMs: 1 };
    const first = await releaseSession();
    const created = await release(first.session, { function: 'TranslationPromptGeneratorCDK' }, noSleep);
    expect(created).toMatchObject({ outcome: 'alias-created', toVersion: '1' });
    expect(created.function).toMatch(/^MtStack-TranslationPromptGeneratorCDK-/);
    expect(await liveVersion(created.function)).toBe('1');

    const dry = await releaseSession(true);
    expect(await release(dry.session, { function: 'TranslationPromptGeneratorCDK' }, noSleep)).toMatchObject({ outcome: 'would-release', fromVersion: '1' });
    expect(operationsOf(dry.calls).filter((op) => !/\.(Get|List)/.test(op))).toEqual([]);

    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: created.function, Description: 'new code' }));
    const second = await releaseSession();
    const shifted = await release(second.session, { function: created.function }, noSleep);
    expect(shifted).toMatchObject({ outcome: 'succeeded', fromVersion: '1', toVersion: '2', liveVersion: '2', deploymentGroup: 'mt-pipeline-dev' });
    expect(await liveVersion(created.function)).toBe('2');
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: shifted.deploymentId! }));
    expect(deploymentInfo).toMatchObject({ status: 'Succeeded', applicationName: APPLICATION, deploymentGroupName: 'mt-pipeline-dev' });
    expect(second.stderr.text()).toContain(`deployment ${shifted.deploymentId}: Succeeded`);

    const again = await releaseSession();
    expect(await release(again.session, { function: created.function }, noSleep)).toMatchObject({ outcome: 'already-live', toVersion: '2' });

    const calls = [...first.calls, ...dry.calls, ...second.calls, ...again.calls];
    const { violations } = validateCalls(calls);
    expect(violations, violations.join('\n')).toEqual([]);
    expect(operationsOf(second.calls)).toEqual([
      'STS.GetCallerIdentity',
      'CloudFormation.ListStackResources',
      'Lambda.GetFunctionConfiguration',
      'Lambda.GetAlias',
      'Lambda.PublishVersion',
      'CodeDeploy.CreateDeployment',
      'CodeDeploy.GetDeployment',
    ]);
  });
});
