import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { beforeEach, describe, expect, it } from 'vitest';
import { solutionStack } from '../../../src/aws/solution-discovery.js';
import type { Targets } from '../../../src/aws/targets.js';
import { createDeploy } from '../../../src/commands/create-deploy.js';
import { deploymentAlarmNames } from '../../../src/config/resource-names.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { preferOwners } from '../../../src/engine/graph.js';
import type { Desired } from '../../../src/engine/types.js';
import { testTarget } from '../../support/target.js';
import { cloudformationMock, resetDeployMocks } from './mock-sdk.js';

function config(overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse({ ...defaultConfig('us-east-1'), ...overrides });
}

/** dev and prod in their own accounts (the recommended setup), or both in the tool account. */
function targets(shareAccount: boolean): Targets {
  const dev = testTarget({ name: 'dev', account: '111111111111' });
  const prod = shareAccount ? testTarget({ name: 'prod', account: '111111111111' }) : testTarget({ name: 'prod', account: '222222222222', region: 'eu-west-1' });
  return { shared: testTarget({ account: '111111111111' }), environments: [dev, prod], environmentsInToolAccount: [dev, prod], offline: false };
}

const summarize = (items: Desired[]) =>
  items.map((item) => ({ id: item.id, kind: item.kind.kind, target: item.target.name, reference: item.kind.isReference ?? false, dependsOn: item.dependsOn ?? [] }));

beforeEach(() => resetDeployMocks());

describe('createDeploy.desired', () => {
  it('per environment: the CodeDeploy role (a reference), the application and the deployment group after both', () => {
    const desired = createDeploy.desired({}, config({ solution: { stacks: ['MtStack'] } }), targets(false));

    expect(summarize(desired)).toStrictEqual([
      { id: 'dev/iam:role/mt-pipeline-codedeploy-dev', kind: 'iam:role', target: 'dev', reference: true, dependsOn: [] },
      { id: 'dev/codedeploy:application/mt-pipeline-lambda', kind: 'codedeploy:application', target: 'dev', reference: false, dependsOn: [] },
      {
        id: 'dev/codedeploy:deployment-group/mt-pipeline-dev',
        kind: 'codedeploy:deployment-group',
        target: 'dev',
        reference: false,
        dependsOn: ['dev/codedeploy:application/mt-pipeline-lambda', 'dev/iam:role/mt-pipeline-codedeploy-dev'],
      },
      { id: 'prod/iam:role/mt-pipeline-codedeploy-prod', kind: 'iam:role', target: 'prod', reference: true, dependsOn: [] },
      { id: 'prod/codedeploy:application/mt-pipeline-lambda', kind: 'codedeploy:application', target: 'prod', reference: false, dependsOn: [] },
      {
        id: 'prod/codedeploy:deployment-group/mt-pipeline-prod',
        kind: 'codedeploy:deployment-group',
        target: 'prod',
        reference: false,
        dependsOn: ['prod/codedeploy:application/mt-pipeline-lambda', 'prod/iam:role/mt-pipeline-codedeploy-prod'],
      },
      { id: 'dev/cloudformation:stack/MtStack', kind: 'cloudformation:stack', target: 'dev', reference: true, dependsOn: [] },
      { id: 'prod/cloudformation:stack/MtStack', kind: 'cloudformation:stack', target: 'prod', reference: true, dependsOn: [] },
    ]);
    const prodGroup = desired.find((item) => item.id === 'prod/codedeploy:deployment-group/mt-pipeline-prod')!;
    expect(prodGroup.spec).toStrictEqual({
      applicationName: 'mt-pipeline-lambda',
      name: 'mt-pipeline-prod',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      serviceRoleArn: 'arn:aws:iam::222222222222:role/mtpipe/mt-pipeline-codedeploy-prod',
      alarms: ['mt-pipeline-prod-lambda-errors', 'mt-pipeline-prod-executions-failed'],
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'prod' },
    });
    expect(desired.find((item) => item.id === 'dev/codedeploy:deployment-group/mt-pipeline-dev')!.spec).toMatchObject({
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
    });
    expect(desired.find((item) => item.id === 'prod/codedeploy:application/mt-pipeline-lambda')!.spec).toStrictEqual({
      name: 'mt-pipeline-lambda',
      tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'prod' },
    });
  });

  it('takes each environment\'s deploymentConfig (linear configs included)', () => {
    const cfg = config({ environments: { dev: {}, prod: { deploymentConfig: 'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes' } } });
    const groups = createDeploy.desired({}, cfg, targets(false)).filter((item) => item.kind.kind === 'codedeploy:deployment-group');
    expect(groups.map((item) => (item.spec as { deploymentConfigName: string }).deploymentConfigName)).toStrictEqual([
      'CodeDeployDefault.LambdaAllAtOnce',
      'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes',
    ]);
  });

  it('environments in one account and region share one application: a shared resource, shown and tagged as shared', () => {
    const both = createDeploy.desired({}, config(), targets(true));
    const applications = both.filter((item) => item.kind.kind === 'codedeploy:application');
    expect(applications.map((item) => [item.id, item.target.name, item.target.account])).toStrictEqual([
      ['shared/codedeploy:application/mt-pipeline-lambda', 'shared', '111111111111'],
    ]);
    expect(applications[0]!.spec).toStrictEqual({ name: 'mt-pipeline-lambda', tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' } });
    for (const env of ['dev', 'prod']) {
      expect(both.find((item) => item.id === `${env}/codedeploy:deployment-group/mt-pipeline-${env}`)!.dependsOn).toContain('shared/codedeploy:application/mt-pipeline-lambda');
    }

    // --env prod alone: the same application, still shared (not dev's, not prod's)
    const all = targets(true);
    const prodOnly = createDeploy.desired({}, config(), { ...all, environments: [all.environments[1]!], environmentsInToolAccount: [all.environments[1]!] });
    const application = prodOnly.find((item) => item.kind.kind === 'codedeploy:application')!;
    expect([application.id, application.target.name]).toStrictEqual(['shared/codedeploy:application/mt-pipeline-lambda', 'shared']);
    expect(application.spec).toStrictEqual({ name: 'mt-pipeline-lambda', tags: { 'mtpipe:project': 'mt-pipeline', 'mtpipe:env': 'shared' } });
  });

  it('an application that only one environment uses belongs to it', () => {
    const desired = createDeploy.desired({}, config(), targets(false));
    const applications = desired.filter((item) => item.kind.kind === 'codedeploy:application');
    expect(applications.map((item) => [item.id, (item.spec as { tags: Record<string, string> }).tags['mtpipe:env']])).toStrictEqual([
      ['dev/codedeploy:application/mt-pipeline-lambda', 'dev'],
      ['prod/codedeploy:application/mt-pipeline-lambda', 'prod'],
    ]);
  });

  it('reads no stack when solution.stacks is empty; stack reads of two steps merge into one', () => {
    expect(createDeploy.desired({}, config({ solution: { stacks: [] } }), targets(false)).some((item) => item.kind === solutionStack)).toBe(false);
    const cfg = config({ solution: { stacks: ['MtStack'] } });
    const twice = preferOwners([...createDeploy.desired({}, cfg, targets(false)), ...createDeploy.desired({}, cfg, targets(false)).filter((item) => item.kind === solutionStack)]);
    expect(twice.filter((item) => item.kind === solutionStack)).toHaveLength(2);
  });

  it('names the deployment alarms deterministically (setup-monitoring creates them)', () => {
    expect(deploymentAlarmNames('mt', 'prod')).toStrictEqual(['mt-prod-lambda-errors', 'mt-prod-executions-failed']);
  });
});

describe('createDeploy.outputs', () => {
  it('gives each environment\'s group, deployment config, alarms and the functions discovered in plan time', async () => {
    cloudformationMock.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'TranslationPromptGeneratorCDK', ResourceType: 'AWS::Lambda::Function', PhysicalResourceId: 'MtStack-Gen-1', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date(0) },
      ],
    });
    const cfg = config({ solution: { stacks: ['MtStack'] } });
    const all = targets(false);
    // what the plan does: read each stack entry
    for (const item of createDeploy.desired({}, cfg, all).filter((entry) => entry.kind === solutionStack)) await item.kind.find(item.target, item.spec);

    const { data, notes } = createDeploy.outputs!({}, cfg, all, undefined, []);
    expect(data).toStrictEqual({
      dev: {
        application: 'mt-pipeline-lambda',
        deploymentGroup: 'mt-pipeline-dev',
        deploymentConfig: 'CodeDeployDefault.LambdaAllAtOnce',
        alarms: ['mt-pipeline-dev-lambda-errors', 'mt-pipeline-dev-executions-failed'],
        functions: [{ name: 'MtStack-Gen-1', logicalId: 'TranslationPromptGeneratorCDK', stack: 'MtStack' }],
      },
      prod: {
        application: 'mt-pipeline-lambda',
        deploymentGroup: 'mt-pipeline-prod',
        deploymentConfig: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        alarms: ['mt-pipeline-prod-lambda-errors', 'mt-pipeline-prod-executions-failed'],
        functions: [{ name: 'MtStack-Gen-1', logicalId: 'TranslationPromptGeneratorCDK', stack: 'MtStack' }],
      },
    });
    expect(notes).toContain('  functions: TranslationPromptGeneratorCDK → MtStack-Gen-1');
    expect(notes.at(-1)).toBe('Release a function: mtpipe release <function> --env <env> (shifts its "live" alias through CodeDeploy).');
  });

  it('says the stacks are not deployed yet and what the next run covers (default stacks, nothing read)', () => {
    const { notes, data } = createDeploy.outputs!({}, config(), targets(false), undefined, []);
    expect(notes).toContain('  no Lambda functions known yet');
    expect(notes).toContain(
      '  stack(s) DatabaseStack, SageMakerStack, WorkflowStack not deployed in dev yet: their Lambda functions, state machines, Glue jobs are covered by the next run after the first deploy.',
    );
    expect(data.dev).toMatchObject({ notDeployed: ['DatabaseStack', 'SageMakerStack', 'WorkflowStack'] });
  });

  it('says how to name functions when none is known, and warns about hooks AWSCodeDeployRoleForLambda cannot invoke', () => {
    const cfg = config({ solution: { stacks: [] } });
    Object.assign(cfg.solution, { hooks: { beforeAllowTraffic: 'my-pre-hook', afterAllowTraffic: 'CodeDeployHook_post' } });
    const { notes, actions } = createDeploy.outputs!({}, cfg, targets(false), undefined, []);
    // what the user must still do is an action (shown after every run); the rest are notes
    expect(notes.join('\n')).not.toContain('no Lambda functions known');
    expect(actions).toContain('dev, prod: no Lambda functions known to release: set solution.stacks (discovery) or solution.lambdaFunctions in mtpipe.yaml');
    expect(actions!.at(-1)).toBe(
      'Warning: hook function(s) my-pre-hook do not start with CodeDeployHook_: AWSCodeDeployRoleForLambda may invoke only CodeDeployHook_* functions.',
    );
  });
});
