import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isReadOperation, type AwsCall } from '../../src/aws/call-log.js';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { drift, driftOutcome, formatDrift } from '../../src/commands/drift.js';
import { INLINE_POLICY_NAME } from '../../src/commands/security-roles.js';
import { openSession, type GlobalOptions } from '../../src/commands/session.js';
import { DifferencesError } from '../../src/errors.js';
import { NonInteractivePrompter } from '../../src/ui/prompter.js';
import { ConsoleReporter } from '../../src/ui/reporter.js';
import { captureStream, runInProcess, SHARED_ACCOUNT_OVERRIDES } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { deploySampleSolution, NOTIFICATION_FUNCTION } from '../support/solution-fixture.js';
import { HF_TOKEN, parameterName, REGION, restoreHfTokenAfterEach, setHfToken, stateClients } from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

/** `mtpipe drift` in-process, with every AWS call recorded. */
async function runDrift(options: Partial<GlobalOptions> = {}, stacks = false) {
  const calls: AwsCall[] = [];
  const stderr = captureStream();
  const all: GlobalOptions = { yes: false, dryRun: false, json: false, debug: false, color: false, adopt: false, concurrency: 8, endpointUrl: moto, ...options };
  const session = await openSession(
    all,
    { overrides: SHARED_ACCOUNT_OVERRIDES, flagFor: () => undefined },
    { reporter: new ConsoleReporter({ json: false, debug: false, color: false, stdout: captureStream(), stderr }), prompter: new NonInteractivePrompter(), observers: [(call) => calls.push(call)] },
  );
  const { result, changes } = await drift(session, { stacks });
  return { result, text: formatDrift(result, changes, captureStream(), false).join('\n'), outcome: driftOutcome(result), calls, writes: calls.filter((call) => !isReadOperation(call.operation)) };
}

describe('mtpipe drift on an account bootstrap has not touched', () => {
  restoreHfTokenAfterEach();
  beforeAll(() => resetMoto(moto));

  it('every resource differs (exit 3), nothing is asked for (no token either), nothing is written', async () => {
    setHfToken(undefined);
    const run = await runDrift();
    expect(run.writes).toEqual([]);
    expect(run.outcome?.exitCode).toBe(3);
    expect(run.result.unchanged).toBe(0);
    expect(run.result.differences.every((d) => d.action === 'create')).toBe(true);
    // the token nobody gave: shown as what the plan could not do, not asked for
    expect(run.result.differences.find((d) => d.name === '/mt-pipeline/dev/hugging_face_token')).toMatchObject({ blocked: expect.stringContaining('has no value yet') });
  });
});

describe('mtpipe drift against the emulator', () => {
  restoreHfTokenAfterEach();
  beforeAll(async () => {
    await resetMoto(moto);
    setHfToken(HF_TOKEN);
    const first = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto);
    expect(first.error).toBeUndefined();
  }, 120_000);

  it('after bootstrap: in sync, exit 0, and not one write call', async () => {
    setHfToken(undefined);
    const run = await runDrift();
    expect(run.result.differences).toEqual([]);
    expect(run.result.inSync).toBe(true);
    expect(run.outcome).toBeUndefined();
    expect(run.text).toMatch(/^In sync — \d+ resources match the configuration\.$/);
    expect(run.calls.length).toBeGreaterThan(20);
    expect(run.writes).toEqual([]);
  });

  it('a parameter, a role policy and an alarm threshold changed outside mtpipe: exit 3 naming each; after bootstrap again, in sync', async () => {
    setHfToken(undefined);
    await aws.ssm.send(new PutParameterCommand({ Name: parameterName('dev', 'output_bucket_name'), Value: 'changed-by-hand', Type: 'String', Overwrite: true }));
    await aws.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'mt-pipeline-pipeline',
        PolicyName: INLINE_POLICY_NAME,
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      }),
    );
    // someone raises a release alarm's threshold by hand (PutMetricAlarm replaces the whole alarm)
    const cloudwatch = new CloudWatchClient({ endpoint: moto, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      const { MetricAlarms } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['mt-pipeline-dev-executions-failed'] }));
      const { AlarmArn: _arn, StateValue: _s, StateReason: _r, StateUpdatedTimestamp: _t, AlarmConfigurationUpdatedTimestamp: _c, StateTransitionedTimestamp: _st, StateReasonData: _d, ...definition } = MetricAlarms![0]!;
      await cloudwatch.send(new PutMetricAlarmCommand({ ...(definition as object), AlarmName: 'mt-pipeline-dev-executions-failed', Threshold: 50 } as never));
    } finally {
      cloudwatch.destroy();
    }

    const run = await runDrift();
    expect(run.writes).toEqual([]);
    expect(run.outcome).toBeInstanceOf(DifferencesError);
    expect(run.outcome?.exitCode).toBe(3);
    expect(run.result.differences.map((d) => `${d.env} ${d.action} ${d.kind} ${d.name}`).sort()).toEqual([
      'dev update cloudwatch:alarm mt-pipeline-dev-executions-failed',
      'dev update ssm:parameter /mt-pipeline/dev/output_bucket_name',
      `shared update iam:role-policy mt-pipeline-pipeline/${INLINE_POLICY_NAME}`,
    ]);
    expect(run.text).toContain('value: "changed-by-hand" → "mt-pipeline-dev-output-123456789012"');
    expect(run.text).toContain('threshold: 50 → 1');
    expect(run.text).toContain('Drift: 3 differences');

    setHfToken(HF_TOKEN);
    expect((await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto)).error).toBeUndefined();
    setHfToken(undefined);
    const again = await runDrift();
    expect(again.result.differences).toEqual([]);
    expect(again.outcome).toBeUndefined();
  });

  it("--stacks: the solution's stacks in sync, then a function changed outside CloudFormation: exit 3 naming stack, resource and property", async () => {
    setHfToken(undefined);
    const notDeployed = await runDrift({}, true);
    expect(notDeployed.result.stacks?.map((s) => `${s.env} ${s.stack} ${s.status}`)).toEqual([
      'dev DatabaseStack NOT_DEPLOYED',
      'dev SageMakerStack NOT_DEPLOYED',
      'dev WorkflowStack NOT_DEPLOYED',
      'prod DatabaseStack NOT_DEPLOYED',
      'prod SageMakerStack NOT_DEPLOYED',
      'prod WorkflowStack NOT_DEPLOYED',
    ]);
    expect(notDeployed.outcome).toBeUndefined();

    await deploySampleSolution(moto, { endpointName: 'qe-endpoint', topicName: 'qe-topic' });
    // what bootstrap wants depends on the stacks (the roles' access to the solution): converge first
    setHfToken(HF_TOKEN);
    expect((await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto)).error).toBeUndefined();
    setHfToken(undefined);
    const inSync = await runDrift({}, true);
    expect(inSync.result.stacks?.every((s) => s.status === 'IN_SYNC')).toBe(true);
    expect(inSync.outcome).toBeUndefined();
    // DetectStackDrift starts a detection and changes nothing; it is the only call that is not a read
    expect(new Set(inSync.writes.map((call) => call.operation))).toEqual(new Set(['DetectStackDrift']));
    expect(inSync.writes.map((call) => call.input)).toContainEqual({ StackName: 'WorkflowStack' });

    const lambda = new LambdaClient({ endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: NOTIFICATION_FUNCTION.name, Timeout: 30 }));
    } finally {
      lambda.destroy();
    }
    const drifted = await runDrift({}, true);
    // the function's duration alarm follows its timeout: the plan sees that too
    expect(drifted.result.differences.map((difference) => `${difference.env} ${difference.name} ${difference.diffs.map((diff) => diff.field).join()}`)).toEqual([
      'dev mt-pipeline-dev-lambda-QualityEstimationNotificationCDK-duration description,threshold',
      'prod mt-pipeline-prod-lambda-QualityEstimationNotificationCDK-duration description,threshold',
    ]);
    expect(drifted.result.stacks?.filter((s) => s.status !== 'IN_SYNC').map((s) => `${s.env} ${s.stack} ${s.status}`)).toEqual(['dev SageMakerStack DRIFTED', 'prod SageMakerStack DRIFTED']);
    expect(drifted.outcome?.exitCode).toBe(3);
    expect(drifted.outcome?.message).toBe('drift: 2 resource(s) differ from the configuration; 2 stack(s) drifted (SageMakerStack in dev, SageMakerStack in prod)');
    expect(drifted.text).toContain('stack SageMakerStack (dev): DRIFTED');
    expect(drifted.text).toMatch(/ {2}MODIFIED QualityEstimationNotificationLambdaCDK[0-9A-F]{8} \(AWS::Lambda::Function QualityEstimationNotificationCDK\)\n {6}\/Timeout: 3 → 30/);
  });
});
