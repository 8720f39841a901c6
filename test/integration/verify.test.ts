import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isReadOperation, type AwsCall } from '../../src/aws/call-log.js';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { openSession, type GlobalOptions } from '../../src/commands/session.js';
import { verify, type VerifyResult } from '../../src/commands/verify.js';
import { formatTables } from '../../src/commands/verify/table.js';
import { colorsFor } from '../../src/ui/format.js';
import { NonInteractivePrompter } from '../../src/ui/prompter.js';
import { ConsoleReporter } from '../../src/ui/reporter.js';
import { ACCOUNT, HF_TOKEN, parameterName, REGION, restoreHfTokenAfterEach, setHfToken, stateClients } from '../support/aws-state.js';
import { captureStream, runInProcess, SHARED_ACCOUNT_OVERRIDES } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { deploySampleSolution } from '../support/solution-fixture.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
const cloudwatch = new CloudWatchClient({ endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
afterAll(() => {
  aws.destroy();
  cloudwatch.destroy();
});

async function runVerify(options: Partial<GlobalOptions> = {}) {
  const calls: AwsCall[] = [];
  const all: GlobalOptions = { yes: false, dryRun: false, json: false, debug: false, color: false, adopt: false, concurrency: 8, endpointUrl: moto, ...options };
  const session = await openSession(
    all,
    { overrides: SHARED_ACCOUNT_OVERRIDES, flagFor: () => undefined },
    { reporter: new ConsoleReporter({ json: false, debug: false, color: false, stdout: captureStream(), stderr: captureStream() }), prompter: new NonInteractivePrompter(), observers: [(call) => calls.push(call)] },
  );
  const result = await verify(session);
  return { result, text: formatTables(result.tables, colorsFor(captureStream(), false)).join('\n'), writes: calls.filter((call) => !isReadOperation(call.operation)) };
}

const row = (result: VerifyResult, table: string, check: string) => result.tables.find((t) => t.name === table)?.rows.find((r) => r.check === check);

describe('mtpipe verify against the emulator', () => {
  restoreHfTokenAfterEach();
  beforeAll(async () => {
    await resetMoto(moto);
    setHfToken(HF_TOKEN);
    expect((await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto)).error).toBeUndefined();
  }, 120_000);

  it('after bootstrap, before any deploy: a table per environment and the tool account; the stacks fail with "deploy first"', async () => {
    setHfToken(undefined);
    const { result, text, writes } = await runVerify();
    expect(writes).toEqual([]);
    expect(result.ok).toBe(false);
    expect(result.tables.map((t) => t.name)).toEqual(['tool account', 'dev', 'prod']);
    for (const stack of ['DatabaseStack', 'SageMakerStack', 'WorkflowStack']) {
      expect(row(result, 'dev', `stack ${stack}`)).toEqual({ check: `stack ${stack}`, status: 'failed', reason: 'does not exist: deploy first (the pipeline deploys it)' });
    }
    // bootstrap's setup-monitoring made the two release alarms (the rest follow the first deploy)
    expect(row(result, 'dev', 'alarms')).toEqual({ check: 'alarms', status: 'ok', reason: '2 not in ALARM' });
    expect(row(result, 'dev', 'deployment group mt-pipeline-dev')).toEqual({
      check: 'deployment group mt-pipeline-dev',
      status: 'warning',
      reason: 'no deployment yet (`mtpipe release` makes one)',
    });
    expect(row(result, 'dev', 'parameters')).toMatchObject({ status: 'ok', reason: expect.stringMatching(/^all \d+ exist$/) });
    expect(row(result, 'tool account', 'roles and policies')).toMatchObject({ status: 'ok' });
    expect(row(result, 'tool account', 'buckets')).toMatchObject({ status: 'ok' });
    expect(row(result, 'tool account', 'topics')).toMatchObject({ status: 'ok' });
    expect(row(result, 'tool account', 'subscriptions of mt-pipeline-approvals')).toMatchObject({ status: 'ok' });
    expect(text).toContain(`dev (account ${ACCOUNT}, ${REGION})`);
    expect(text).toMatch(/\n {2}stack WorkflowStack +failed +does not exist: deploy first/);
    expect(text).toMatch(/Verify: \d+ ok, \d+ warnings, \d+ failed\.$/);
  });

  it('a deleted parameter is named, an alarm in ALARM fails, deployed stacks are ok', async () => {
    setHfToken(undefined);
    await deploySampleSolution(moto, { endpointName: 'qe-endpoint', topicName: 'qe-topic' });
    await aws.ssm.send(new DeleteParameterCommand({ Name: parameterName('prod', 'input_bucket_name') }));
    for (const name of ['mt-pipeline-dev-lambda-errors', 'mt-pipeline-dev-executions-failed']) {
      await cloudwatch.send(
        new PutMetricAlarmCommand({ AlarmName: name, MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
      );
    }
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'mt-pipeline-dev-lambda-errors', StateValue: 'ALARM', StateReason: 'test' }));

    const { result } = await runVerify();
    expect(row(result, 'dev', 'stack WorkflowStack')).toMatchObject({ status: 'ok', reason: expect.stringMatching(/_COMPLETE$/) });
    expect(row(result, 'dev', 'alarms')).toEqual({ check: 'alarms', status: 'failed', reason: 'in ALARM: mt-pipeline-dev-lambda-errors' });
    expect(row(result, 'prod', 'alarms')).toMatchObject({ status: 'ok' });
    expect(row(result, 'prod', 'parameters')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^missing 1 of \d+: ssm:parameter \/mt-pipeline\/prod\/input_bucket_name \(run `mtpipe bootstrap`\)$/),
    });
    expect(row(result, 'dev', 'parameters')).toMatchObject({ status: 'ok' });
  });
});
