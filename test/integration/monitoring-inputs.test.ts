/**
 * setup-monitoring's preparation (reads only, before the plan) against moto holding the sample's
 * stacks: what it finds is what every part of the step builds on.
 */
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { monitoredEnvironment, unreadEnvironment } from '../../src/commands/monitoring-inputs.js';
import { setupMonitoring } from '../../src/commands/setup-monitoring.js';
import type { Targets } from '../../src/aws/targets.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { configSchema } from '../../src/config/schema.js';
import { resetMoto } from '../support/moto.js';
import { deploySampleSolution, NOTIFICATION_FUNCTION, STATE_MACHINE } from '../support/solution-fixture.js';
import { testTarget } from '../support/target.js';

const moto = inject('motoUrl');
const targets: ReturnType<typeof testTarget>[] = [];
afterAll(() => targets.forEach((target) => target.clients.destroy()));
const devTarget = () => {
  const target = testTarget({ name: 'dev', settings: { endpointUrl: moto } });
  targets.push(target);
  return target;
};

beforeEach(async () => {
  await resetMoto(moto);
});

describe('setup-monitoring preparation', () => {
  it("reads every solution function's configuration, and names the solution's error topic", async () => {
    await deploySampleSolution(moto, { endpointName: 'mt-pipeline-dev-qe-endpoint', topicName: 'mt-pipeline-dev-qe-topic' });
    // the default settings name the topic ${project}-${env}-qe-topic
    const config = configSchema.parse(defaultConfig('us-east-1'));
    const environment = await monitoredEnvironment(config, devTarget());
    expect(environment.read).toBe(true);
    expect(environment.functions).toHaveLength(10);
    expect(environment.functions.find((fn) => fn.name === NOTIFICATION_FUNCTION.name)).toMatchObject({
      timeoutSeconds: 3,
      roleArn: 'arn:aws:iam::123456789012:role/lambda-translation-role-cdk',
    });
    expect(environment.solution.stateMachines.map((machine) => machine.name)).toEqual([STATE_MACHINE]);
    expect(environment.errorTopic).toBe('mt-pipeline-dev-qe-topic-error');
  });

  it('lists the stacks as not deployed when they are not there, with no function to watch yet', async () => {
    const environment = await monitoredEnvironment(configSchema.parse(defaultConfig('us-east-1')), devTarget());
    expect(environment.functions).toEqual([]);
    expect(environment.solution.notDeployed).toEqual(['DatabaseStack', 'SageMakerStack', 'WorkflowStack']);
  });

  it('wants before preparing only resources it still wants after: their reads go while the stacks are discovered', async () => {
    await deploySampleSolution(moto, { endpointName: 'mt-pipeline-dev-qe-endpoint', topicName: 'mt-pipeline-dev-qe-topic' });
    const config = configSchema.parse(defaultConfig('us-east-1'));
    const dev = devTarget();
    const targets = { shared: dev, environments: [dev], offline: false } as unknown as Targets;
    const ids = (inputs: Parameters<typeof setupMonitoring.desired>[0]) => setupMonitoring.desired(inputs, config, targets).map((item) => `${item.id} ${item.kind.kind}`);

    const early = ids({ environments: [unreadEnvironment(config, dev)] });
    const prepared = ids(await setupMonitoring.prepare!({ environments: [unreadEnvironment(config, dev)] }, { config, targets, dryRun: true }));
    expect(prepared.filter((id) => !early.includes(id)).length).toBeGreaterThan(0);
    expect(early.filter((id) => !prepared.includes(id))).toEqual([]);
    // the two-calls-deep alert key, the topic and the dashboards are among the early ones
    for (const kind of ['kms:key', 'sns:topic', 'cloudwatch:dashboard']) expect(early.some((id) => id.endsWith(` ${kind}`))).toBe(true);
  });
});
