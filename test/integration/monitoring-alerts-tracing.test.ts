/**
 * setup-monitoring's alerts and tracing against moto holding the sample's stacks: the alerts topic with
 * its key and subscriptions, the Glue failure rule, active tracing on every solution function, the
 * X-Ray policy once per role, the X-Ray group; a second run writes nothing.
 */
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetGroupCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { setupMonitoring } from '../../src/commands/setup-monitoring.js';
import { validateCalls } from '../support/api-models.js';
import { ACCOUNT, operationsOf, REGION } from '../support/aws-state.js';
import { runInProcess, type RunOptions } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { deploySampleSolution, GLUE_JOB, NOTIFICATION_FUNCTION, STATE_MACHINE, WORKFLOW_FUNCTIONS } from '../support/solution-fixture.js';

const moto = inject('motoUrl');
const config = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 };
const aws = {
  sns: new SNSClient(config),
  kms: new KMSClient(config),
  events: new EventBridgeClient(config),
  lambda: new LambdaClient(config),
  iam: new IAMClient(config),
  xray: new XRayClient(config),
};
afterAll(() => Object.values(aws).forEach((client) => client.destroy()));

const TOPIC = 'mt-pipeline-dev-alerts';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${TOPIC}`;
const RULE = 'mt-pipeline-dev-glue-job-failed';
const dev: RunOptions = { options: { env: 'dev' }, overrides: { 'notifications.alerts': ['ops@example.com'], 'environments.dev.alerts': ['dev-oncall@example.com'] } };
const run = (options: RunOptions = dev) => runInProcess('setup-monitoring', [setupMonitoring], moto, options);

beforeEach(async () => {
  await resetMoto(moto);
  await deploySampleSolution(moto, { endpointName: 'mt-pipeline-dev-qe-endpoint', topicName: 'mt-pipeline-dev-qe-topic' });
  // create-pipeline's alerts topic, which the tool account's build alarms notify (setup-monitoring comes after it)
  await aws.sns.send(new CreateTopicCommand({ Name: 'mt-pipeline-pipeline-alerts', Tags: [{ Key: 'mtpipe:project', Value: 'mt-pipeline' }, { Key: 'mtpipe:env', Value: 'shared' }] }));
});

async function solutionFunctions(): Promise<{ name: string; mode: string | undefined }[]> {
  const { ListFunctionsCommand } = await import('@aws-sdk/client-lambda');
  const { Functions = [] } = await aws.lambda.send(new ListFunctionsCommand({}));
  const solution = Functions.filter((fn) => fn.FunctionName === NOTIFICATION_FUNCTION.name || WORKFLOW_FUNCTIONS.some((id) => fn.FunctionName?.includes(id)));
  return Promise.all(
    solution.map(async (fn) => ({
      name: fn.FunctionName!,
      mode: (await aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.FunctionName }))).TracingConfig?.Mode,
    })),
  );
}

describe('setup-monitoring: alerts and tracing', () => {
  it('creates the encrypted alerts topic, the Glue rule, tracing, the role policy and the X-Ray group; a second run writes nothing', async () => {
    const first = await run();
    expect(first.error, first.stderr).toBeUndefined();

    const attributes = (await aws.sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }))).Attributes ?? {};
    expect(attributes.KmsMasterKeyId).toBe('alias/mt-pipeline-dev-alerts');
    const topicPolicy = JSON.parse(attributes.Policy ?? '{}') as { Statement: { Sid: string; Principal: unknown; Condition: unknown }[] };
    expect(topicPolicy.Statement.map((s) => [s.Sid, s.Principal, s.Condition])).toEqual([
      ['CloudWatchAlarmsPublish', { Service: 'cloudwatch.amazonaws.com' }, { ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mt-pipeline-dev-*` } }],
      ['EventBridgeRulesPublish', { Service: 'events.amazonaws.com' }, { ArnEquals: { 'aws:SourceArn': [`arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}`] } }],
    ]);
    const { Subscriptions = [] } = await aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN }));
    // the environment's own addresses replace notifications.alerts
    expect(Subscriptions.map((s) => [s.Protocol, s.Endpoint])).toEqual([['email', 'dev-oncall@example.com']]);

    const { KeyMetadata } = await aws.kms.send(new DescribeKeyCommand({ KeyId: 'alias/mt-pipeline-dev-alerts' }));
    const keyPolicy = JSON.parse((await aws.kms.send(new GetKeyPolicyCommand({ KeyId: KeyMetadata!.KeyId!, PolicyName: 'default' }))).Policy!) as {
      Statement: { Sid: string; Principal: { Service?: string }; Condition?: unknown }[];
    };
    const users = keyPolicy.Statement.filter((s) => s.Principal.Service);
    expect(users.map((s) => [s.Principal.Service, s.Condition])).toEqual([
      ['cloudwatch.amazonaws.com', undefined],
      ['events.amazonaws.com', undefined],
    ]);

    const rule = await aws.events.send(new DescribeRuleCommand({ Name: RULE }));
    expect(JSON.parse(rule.EventPattern!)).toEqual({
      source: ['aws.glue'],
      'detail-type': ['Glue Job State Change'],
      detail: { jobName: [GLUE_JOB], state: ['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'] },
    });
    const { Targets = [] } = await aws.events.send(new ListTargetsByRuleCommand({ Rule: RULE }));
    expect(Targets.map((t) => t.Arn)).toEqual([TOPIC_ARN]);

    const functions = await solutionFunctions();
    expect(functions).toHaveLength(10);
    expect(functions.filter((fn) => fn.mode !== 'Active')).toEqual([]);
    const { AttachedPolicies = [] } = await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'lambda-translation-role-cdk' }));
    expect(AttachedPolicies.map((p) => p.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess']);
    // ten functions share one role: one attachment
    expect(operationsOf(first.writes).filter((op) => op === 'IAM.AttachRolePolicy')).toHaveLength(1);
    expect(operationsOf(first.writes).filter((op) => op === 'Lambda.UpdateFunctionConfiguration')).toHaveLength(10);

    const { Group } = await aws.xray.send(new GetGroupCommand({ GroupName: 'mt-pipeline-dev-workflow' }));
    expect(Group?.FilterExpression).toContain(`service("${STATE_MACHINE}")`);
    expect(Group?.FilterExpression).toContain(`service("${NOTIFICATION_FUNCTION.name}")`);
    expect(first.stdout).toContain('state machine BatchMachineTranslationStateMachineCDK traces');
    expect(first.stdout).toContain('dev-oncall@example.com');

    const second = await run();
    expect(second.error, second.stderr).toBeUndefined();
    expect(operationsOf(second.writes)).toEqual([]);
    expect(second.stdout).toContain('still to confirm their subscription');

    const { violations } = validateCalls([...first.calls, ...second.calls]);
    expect(violations).toEqual([]);
  });

  it('with monitoring.tracing.enabled false, changes no function, role or group; says what stays', async () => {
    const result = await run({ ...dev, overrides: { ...dev.overrides, 'monitoring.tracing.enabled': false } });
    expect(result.error, result.stderr).toBeUndefined();
    const ops = operationsOf(result.writes);
    expect(ops.filter((op) => /^(Lambda|XRay|IAM)\./.test(op))).toEqual([]);
    expect((await solutionFunctions()).every((fn) => fn.mode !== 'Active')).toBe(true);
  });

  it('a dry run shows the tracing changes as changes of CDK-managed functions', async () => {
    const result = await run({ ...dev, options: { ...dev.options, dryRun: true } });
    expect(result.error, result.stderr).toBeUndefined();
    expect(result.writes).toEqual([]);
    expect(result.stdout + result.stderr).toContain('a CDK-managed function, changed outside CloudFormation');
  });
});
