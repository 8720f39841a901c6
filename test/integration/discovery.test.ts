/**
 * Discovery of the deployed sample solution with the default configuration (no solution.* key),
 * against moto holding the sample's stacks (test/support/solution-fixture.ts).
 */
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { discoverSolution } from '../../src/aws/solution-discovery.js';
import { createDeploy } from '../../src/commands/create-deploy.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { configSchema } from '../../src/config/schema.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { cdkHash, deploySampleSolution, FRAMEWORK_FUNCTIONS, GLUE_JOB, NOTIFICATION_FUNCTION, STATE_MACHINE, WORKFLOW_FUNCTIONS } from '../support/solution-fixture.js';
import { testTarget } from '../support/target.js';

const moto = inject('motoUrl');
const targets: ReturnType<typeof testTarget>[] = [];
const devTarget = () => {
  const target = testTarget({ name: 'dev', settings: { endpointUrl: moto } });
  targets.push(target);
  return target;
};
afterAll(() => targets.forEach((target) => target.clients.destroy()));

const ENDPOINT = 'mt-pipeline-dev-qe-endpoint';
const defaults = () => configSchema.parse(defaultConfig('us-east-1'));

beforeEach(async () => {
  await resetMoto(moto);
});

describe('discovery of the sample solution by default', () => {
  it('finds the 10 solution functions (not the framework ones), the state machine, the Glue job and the endpoint', async () => {
    await deploySampleSolution(moto, { endpointName: ENDPOINT, topicName: 'mt-pipeline-dev-qe-topic' });
    const config = defaults();
    expect(config.solution).toMatchObject({ stacks: ['DatabaseStack', 'SageMakerStack', 'WorkflowStack'], lambdaFunctions: [], stateMachines: [], glueJobs: [] });

    const found = await discoverSolution(devTarget(), config);
    const logicalIds = found.functions.map((fn) => fn.logicalId).sort();
    expect(logicalIds).toStrictEqual(
      [...WORKFLOW_FUNCTIONS, NOTIFICATION_FUNCTION.constructId].map((id) => `${id}${cdkHash(id)}`).sort(),
    );
    expect(found.functions.find((fn) => fn.logicalId?.startsWith(NOTIFICATION_FUNCTION.constructId))).toMatchObject({
      name: NOTIFICATION_FUNCTION.name,
      stack: 'SageMakerStack',
    });
    expect(JSON.stringify(found.functions)).not.toContain(FRAMEWORK_FUNCTIONS.customResourceProvider);
    expect(JSON.stringify(found.functions)).not.toContain(FRAMEWORK_FUNCTIONS.secretRotation);
    expect(found.stateMachines).toStrictEqual([
      {
        name: STATE_MACHINE,
        logicalId: 'TranslationStateMachine',
        stack: 'WorkflowStack',
        arn: `arn:aws:states:us-east-1:123456789012:stateMachine:${STATE_MACHINE}`,
      },
    ]);
    expect(found.glueJobs).toStrictEqual([{ name: GLUE_JOB, logicalId: 'TranslationResultsProcessor', stack: 'WorkflowStack' }]);
    expect(found.sagemakerEndpoint).toBe(ENDPOINT);
    expect(found.notDeployed).toBeUndefined();
  });

  it('before the first deploy the plan says what will be covered, not blocked; the next run covers it', async () => {
    const before = await runInProcess('create-deploy', [createDeploy], moto, { options: { dryRun: true, json: true, env: 'dev' } });
    expect(before.error).toBeUndefined();
    const first = JSON.parse(before.stdout) as { changes: { kind: string; blocked?: string }[]; outputs: Record<string, Record<string, { notDeployed?: string[]; functions: unknown[] }>> };
    expect(first.changes.filter((change) => change.kind === 'cloudformation:stack' && change.blocked)).toStrictEqual([]);
    expect(first.outputs['create-deploy']!.dev).toMatchObject({ functions: [], notDeployed: ['DatabaseStack', 'SageMakerStack', 'WorkflowStack'] });
    const plain = await runInProcess('create-deploy', [createDeploy], moto, { options: { dryRun: true, env: 'dev' } });
    expect(plain.stdout).toContain(
      'stack(s) DatabaseStack, SageMakerStack, WorkflowStack not deployed in dev yet: their Lambda functions, state machines, Glue jobs are covered by the next run after the first deploy.',
    );

    await deploySampleSolution(moto, { endpointName: ENDPOINT, topicName: 'mt-pipeline-dev-qe-topic' });
    const after = await runInProcess('create-deploy', [createDeploy], moto, { options: { dryRun: true, json: true, env: 'dev' } });
    const second = JSON.parse(after.stdout) as typeof first;
    expect(second.outputs['create-deploy']!.dev!.functions).toHaveLength(10);
    expect(second.outputs['create-deploy']!.dev!.notDeployed).toBeUndefined();
  });
});
