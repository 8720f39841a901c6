/**
 * setup-monitoring's dashboards against moto holding the sample's stacks: the three dashboards exist
 * and name what the fixture deployed; the pipeline's events are recorded; a second run writes nothing.
 */
import { CloudWatchClient, GetDashboardCommand, PutDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, DescribeResourcePoliciesCommand, PutResourcePolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { dashboardsPart } from '../../src/commands/monitoring-dashboards.js';
import type { MonitoringInputs } from '../../src/commands/monitoring-inputs.js';
import { setupMonitoring } from '../../src/commands/setup-monitoring.js';
import type { Step } from '../../src/commands/step.js';
import { validateCalls } from '../support/api-models.js';
import { ACCOUNT, REGION } from '../support/aws-state.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { deploySampleSolution, GLUE_JOB, NOTIFICATION_FUNCTION, STATE_MACHINE } from '../support/solution-fixture.js';

const moto = inject('motoUrl');
const config = { endpoint: moto, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
const cloudwatch = new CloudWatchClient(config);
const logs = new CloudWatchLogsClient(config);
const events = new EventBridgeClient(config);
const lambda = new LambdaClient(config);
afterAll(() => [cloudwatch, logs, events, lambda].forEach((client) => client.destroy()));

const ENDPOINT = 'mt-pipeline-dev-qe-endpoint';
const LOG_GROUP = '/aws/events/mt-pipeline-pipeline';

/** setup-monitoring with only its dashboards part: the other parts are other helpers' work in progress. */
const dashboardsOnly: Step<MonitoringInputs> = {
  ...setupMonitoring,
  desired: (inputs, cfg, targets) => dashboardsPart.desired(inputs, cfg, targets),
  outputs: (inputs, cfg, targets, results, changes) => dashboardsPart.outputs!(inputs, cfg, targets, results, changes),
};
const run = () => runInProcess('setup-monitoring', [dashboardsOnly], moto, { options: { env: 'dev', json: true } });

async function body(name: string): Promise<string> {
  const { DashboardBody } = await cloudwatch.send(new GetDashboardCommand({ DashboardName: name }));
  return DashboardBody ?? '';
}

beforeEach(async () => {
  await resetMoto(moto);
});

describe('setup-monitoring dashboards', () => {
  it('makes the three dashboards, naming what the fixture deployed, records the pipeline events, and converges', async () => {
    await deploySampleSolution(moto, { endpointName: ENDPOINT, topicName: 'mt-pipeline-dev-qe-topic' });
    const first = await run();
    expect(first.error).toBeUndefined();

    const health = await body('mt-pipeline-dev-health');
    expect(JSON.parse(health)).toHaveProperty('widgets');
    expect(health).toContain(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE}`);
    expect(health).toContain(NOTIFICATION_FUNCTION.name);
    expect(health).toContain(`"${ENDPOINT}"`);
    expect(health).toContain(`"${GLUE_JOB}"`);
    // every solution function that exists is charted (errors, throttles, duration), none of the CDK's own
    const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
    // the fixture's DatabaseStack (and its nested stack) holds only framework functions; generated names are
    // cut to Lambda's 64 characters, so they are told by their stack
    const framework = Functions.map((f) => f.FunctionName!).filter((name) => name.startsWith('DatabaseStack'));
    const charted = [...health.matchAll(/"FunctionName","([^"]+)"/g)].map((m) => m[1]);
    expect(framework).toHaveLength(2);
    expect(new Set(charted)).toEqual(new Set(Functions.map((f) => f.FunctionName).filter((name) => !framework.includes(name!))));
    expect(charted).toHaveLength(3 * 10);
    const quality = await body('mt-pipeline-dev-quality');
    expect(quality).toContain(`"StateMachine","${STATE_MACHINE}"`);
    expect(quality).toContain(`/aws/lambda/${NOTIFICATION_FUNCTION.name}`);
    expect(quality).toContain('us.amazon.nova-pro-v1:0');
    const pipeline = await body('mt-pipeline-pipeline');
    expect(pipeline).toContain(`SOURCE '${LOG_GROUP}'`);
    expect(pipeline).toContain('mt-pipeline-cdk-deploy-dev');

    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: LOG_GROUP }));
    expect(logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([[LOG_GROUP, 90]]);
    const { Targets } = await events.send(new ListTargetsByRuleCommand({ Rule: 'mt-pipeline-pipeline-events' }));
    expect(Targets?.map((t) => t.Arn)).toEqual([`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}`]);
    const { resourcePolicies } = await logs.send(new DescribeResourcePoliciesCommand({}));
    const policy = JSON.parse(resourcePolicies?.find((p) => p.policyName === 'mt-pipeline-pipeline-events')?.policyDocument ?? '{}');
    expect(policy.Statement[0]).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}:*` });

    const output = JSON.parse(first.stdout) as { outputs: Record<string, { dashboardCount: number; dashboards: { consoleUrl: string }[] }> };
    expect(output.outputs['setup-monitoring']?.dashboardCount).toBe(3);
    expect(output.outputs['setup-monitoring']?.dashboards[0]?.consoleUrl).toBe(
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards/dashboard/mt-pipeline-pipeline`,
    );
    expect(validateCalls(first.calls).violations).toEqual([]);

    const second = await run();
    expect(second.error).toBeUndefined();
    expect(second.writes.map((call) => call.operation)).toEqual([]);
  });

  it("keeps others' Logs resource policies, and leaves a dashboard of that name someone else made alone without --adopt", async () => {
    await deploySampleSolution(moto, { endpointName: ENDPOINT, topicName: 'mt-pipeline-dev-qe-topic' });
    const others = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Route53', Effect: 'Allow', Principal: { Service: 'route53.amazonaws.com' }, Action: 'logs:PutLogEvents', Resource: '*' }] });
    await logs.send(new PutResourcePolicyCommand({ policyName: 'someone-elses', policyDocument: others }));
    const theirs = JSON.stringify({ widgets: [{ type: 'text', x: 0, y: 0, width: 6, height: 2, properties: { markdown: 'ours' } }] });
    await cloudwatch.send(new PutDashboardCommand({ DashboardName: 'mt-pipeline-dev-health', DashboardBody: theirs }));

    const result = await run();
    expect(String(result.error)).toMatch(/mt-pipeline-dev-health: exists without the tag mtpipe:project=mt-pipeline/);
    expect(await body('mt-pipeline-dev-health')).toBe(theirs);
    expect(result.writes).toEqual([]);

    const adopted = await runInProcess('setup-monitoring', [dashboardsOnly], moto, { options: { env: 'dev', adopt: true } });
    expect(adopted.error).toBeUndefined();
    expect(await body('mt-pipeline-dev-health')).toContain('Managed by mtpipe (project mt-pipeline, region us-east-1)');
    const { resourcePolicies } = await logs.send(new DescribeResourcePoliciesCommand({}));
    expect(resourcePolicies?.find((p) => p.policyName === 'someone-elses')?.policyDocument).toBe(others);
  });
});
