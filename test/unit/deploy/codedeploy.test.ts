import {
  ApplicationDoesNotExistException,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  DeploymentGroupDoesNotExistException,
  GetApplicationCommand,
  GetDeploymentGroupCommand,
  InvalidRoleException,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codedeployApplication, type Application } from '../../../src/aws/codedeploy-application.js';
import {
  codedeployDeploymentGroup,
  type DeploymentGroup,
  type DeploymentGroupSpec,
} from '../../../src/aws/codedeploy-deployment-group.js';
import { testTarget } from '../../support/target.js';
import { indexHolds } from '../aws/tag-index-mock.js';
import { cloudwatchMock, codedeployMock, resetDeployMocks, sentCommands } from './mock-sdk.js';
import { runThatCreated } from '../write-context.js';

const target = testTarget({ name: 'prod', region: 'eu-west-1', account: '210987654321' });
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'prod' };
const TAG_LIST = [
  { Key: 'mtpipe:project', Value: 'mt' },
  { Key: 'mtpipe:env', Value: 'prod' },
];
const APP_ARN = 'arn:aws:codedeploy:eu-west-1:210987654321:application:mt-lambda';
const GROUP_ARN = 'arn:aws:codedeploy:eu-west-1:210987654321:deploymentgroup:mt-lambda/mt-prod';
const ROLE_ARN = 'arn:aws:iam::210987654321:role/mtpipe/mt-codedeploy-prod';

beforeEach(() => {
  resetDeployMocks();
  indexHolds([target]);
});

describe('codedeployApplication', () => {
  const spec = { name: 'mt-lambda', tags: TAGS };

  it('finds the application, its platform and its tags (paged)', async () => {
    codedeployMock.on(GetApplicationCommand).resolves({ application: { applicationName: 'mt-lambda', computePlatform: 'Lambda' } });
    codedeployMock
      .on(ListTagsForResourceCommand)
      .resolvesOnce({ Tags: [TAG_LIST[0]!], NextToken: 'page-2' })
      .resolvesOnce({ Tags: [TAG_LIST[1]!, { Key: 'owner', Value: 'ml-team' }] });

    const found = await codedeployApplication.find(target, spec);
    expect(found).toStrictEqual({ name: 'mt-lambda', computePlatform: 'Lambda', tags: { ...TAGS, owner: 'ml-team' } });
    expect(sentCommands(codedeployMock)).toStrictEqual([
      ['GetApplicationCommand', { applicationName: 'mt-lambda' }],
      ['ListTagsForResourceCommand', { ResourceArn: APP_ARN, NextToken: undefined }],
      ['ListTagsForResourceCommand', { ResourceArn: APP_ARN, NextToken: 'page-2' }],
    ]);
    expect(codedeployApplication.diff(found, spec)).toStrictEqual([]);
  });

  it('reads no ListTagsForResource for an application the project tag index holds', async () => {
    indexHolds([target], { [APP_ARN]: { ...TAGS, owner: 'ml-team' } });
    codedeployMock.on(GetApplicationCommand).resolves({ application: { applicationName: 'mt-lambda', computePlatform: 'Lambda' } });

    expect(await codedeployApplication.find(target, spec)).toStrictEqual({ name: 'mt-lambda', computePlatform: 'Lambda', tags: { ...TAGS, owner: 'ml-team' } });
    expect(sentCommands(codedeployMock)).toStrictEqual([['GetApplicationCommand', { applicationName: 'mt-lambda' }]]);
  });

  it('returns undefined for ApplicationDoesNotExistException, and rethrows anything else', async () => {
    codedeployMock
      .on(GetApplicationCommand)
      .rejectsOnce(new ApplicationDoesNotExistException({ message: 'No application found for name: mt-lambda', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(codedeployApplication.find(target, spec)).resolves.toBeUndefined();
    await expect(codedeployApplication.find(target, spec)).rejects.toThrow('denied');
    expect(codedeployMock).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  it('creates a Lambda application with the tags', async () => {
    codedeployMock.on(CreateApplicationCommand).resolves({ applicationId: 'a-1' });

    await expect(codedeployApplication.create(target, spec)).resolves.toStrictEqual({ arn: APP_ARN });
    expect(sentCommands(codedeployMock)).toStrictEqual([
      ['CreateApplicationCommand', { applicationName: 'mt-lambda', computePlatform: 'Lambda', tags: TAG_LIST }],
    ]);
    expect(codedeployApplication.diff(undefined, spec)).toStrictEqual([
      { field: 'computePlatform', to: 'Lambda' },
      { field: 'tags', to: TAGS },
    ]);
  });

  it('adds only the missing tags', async () => {
    const current: Application = { name: 'mt-lambda', computePlatform: 'Lambda', tags: { 'mtpipe:project': 'mt', owner: 'x' } };
    codedeployMock.on(TagResourceCommand).resolves({});
    const diffs = codedeployApplication.diff(current, spec);
    expect(diffs).toStrictEqual([{ field: 'tags', from: {}, to: { 'mtpipe:env': 'prod' } }]);

    await codedeployApplication.update(target, spec, current, diffs);
    expect(sentCommands(codedeployMock)).toStrictEqual([['TagResourceCommand', { ResourceArn: APP_ARN, Tags: [{ Key: 'mtpipe:env', Value: 'prod' }] }]]);
  });

  it('blocks an application of another compute platform, which CodeDeploy cannot change', () => {
    expect(codedeployApplication.check!({ name: 'mt-lambda', computePlatform: 'Server', tags: TAGS }, spec)).toMatch(
      /exists for compute platform Server, not Lambda/,
    );
    expect(codedeployApplication.check!({ name: 'mt-lambda', computePlatform: 'Lambda', tags: TAGS }, spec)).toBeUndefined();
  });
});

describe('codedeployDeploymentGroup', () => {
  const spec: DeploymentGroupSpec = {
    applicationName: 'mt-lambda',
    name: 'mt-prod',
    deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    serviceRoleArn: ROLE_ARN,
    alarms: ['mt-prod-lambda-errors', 'mt-prod-executions-failed'],
    tags: TAGS,
  };
  /** the settings exactly as CodeDeploy takes them, in create and update alike */
  const SETTINGS = {
    deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    serviceRoleArn: ROLE_ARN,
    deploymentStyle: { deploymentType: 'BLUE_GREEN' as const, deploymentOption: 'WITH_TRAFFIC_CONTROL' as const },
    autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE' as const, 'DEPLOYMENT_STOP_ON_ALARM' as const] },
    alarmConfiguration: {
      enabled: true,
      ignorePollAlarmFailure: false,
      alarms: [{ name: 'mt-prod-executions-failed' }, { name: 'mt-prod-lambda-errors' }],
    },
  };
  const current = (overrides: Partial<DeploymentGroup> = {}): DeploymentGroup => ({
    deploymentConfigName: SETTINGS.deploymentConfigName,
    serviceRoleArn: ROLE_ARN,
    deploymentStyle: { ...SETTINGS.deploymentStyle },
    autoRollback: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    alarms: { enabled: true, ignorePollAlarmFailure: false, names: ['mt-prod-executions-failed', 'mt-prod-lambda-errors'] },
    tags: { ...TAGS },
    presentAlarms: ['mt-prod-executions-failed', 'mt-prod-lambda-errors'],
    ...overrides,
  });

  afterEach(() => vi.useRealTimers());
  // both alarms exist unless a test says otherwise (setup-monitoring creates them)
  beforeEach(() => {
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'mt-prod-lambda-errors' }, { AlarmName: 'mt-prod-executions-failed' }] });
  });

  it('watches only the alarms that exist: none yet means alarm monitoring off, and a later run adds them', async () => {
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    codedeployMock.on(CreateDeploymentGroupCommand).resolves({ deploymentGroupId: 'g-1' });
    await codedeployDeploymentGroup.create(target, spec);
    expect(cloudwatchMock).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: spec.alarms, MaxRecords: 100 });
    expect(codedeployMock).toHaveReceivedCommandWith(CreateDeploymentGroupCommand, {
      alarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
    });

    // one alarm appeared since: the diff asks for it, and only it
    const diffs = codedeployDeploymentGroup.diff(
      current({ alarms: { enabled: false, ignorePollAlarmFailure: false, names: [] }, presentAlarms: ['mt-prod-lambda-errors'] }),
      spec,
    );
    expect(diffs).toStrictEqual([
      {
        field: 'alarms',
        from: { enabled: false, ignorePollAlarmFailure: false, names: [] },
        to: { enabled: true, ignorePollAlarmFailure: false, names: ['mt-prod-lambda-errors'] },
      },
    ]);
  });

  it('names the alarms this run created without asking CloudWatch; one it did not create is asked for', async () => {
    codedeployMock.on(CreateDeploymentGroupCommand).resolves({ deploymentGroupId: 'g-1' });
    await codedeployDeploymentGroup.create(target, spec, runThatCreated('cloudwatch:alarm mt-prod-lambda-errors', 'cloudwatch:alarm mt-prod-executions-failed'));
    expect(cloudwatchMock).not.toHaveReceivedCommand(DescribeAlarmsCommand);
    expect(codedeployMock).toHaveReceivedCommandWith(CreateDeploymentGroupCommand, {
      alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: 'mt-prod-executions-failed' }, { name: 'mt-prod-lambda-errors' }] },
    });

    resetDeployMocks();
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'mt-prod-lambda-errors' }] });
    codedeployMock.on(CreateDeploymentGroupCommand).resolves({ deploymentGroupId: 'g-1' });
    await codedeployDeploymentGroup.create(target, spec, runThatCreated('cloudwatch:alarm mt-prod-lambda-errors'));
    expect(cloudwatchMock).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: spec.alarms, MaxRecords: 100 });
    expect(codedeployMock).toHaveReceivedCommandWith(CreateDeploymentGroupCommand, {
      alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: 'mt-prod-lambda-errors' }] },
    });
  });

  it('reads the group as CodeDeploy returns it (events and alarms in any order) and finds nothing to change', async () => {
    codedeployMock.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: {
        applicationName: 'mt-lambda',
        deploymentGroupName: 'mt-prod',
        computePlatform: 'Lambda',
        ...SETTINGS,
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_FAILURE'] },
        alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: 'mt-prod-lambda-errors' }, { name: 'mt-prod-executions-failed' }] },
      },
    });
    codedeployMock.on(ListTagsForResourceCommand).resolves({ Tags: TAG_LIST });

    const found = await codedeployDeploymentGroup.find(target, spec);
    expect(found).toStrictEqual(current());
    expect(codedeployDeploymentGroup.diff(found, spec)).toStrictEqual([]);
    expect(sentCommands(codedeployMock)).toStrictEqual([
      ['GetDeploymentGroupCommand', { applicationName: 'mt-lambda', deploymentGroupName: 'mt-prod' }],
      ['ListTagsForResourceCommand', { ResourceArn: GROUP_ARN, NextToken: undefined }],
    ]);
  });

  it('with the group in the project tag index: GetDeploymentGroup and DescribeAlarms at once, no ListTagsForResource', async () => {
    indexHolds([target], { [GROUP_ARN]: TAGS });
    let answer: (value: object) => void = () => undefined;
    codedeployMock.on(GetDeploymentGroupCommand).callsFake(() => new Promise((resolve) => (answer = resolve)));

    const reading = codedeployDeploymentGroup.find(target, spec);
    await vi.waitFor(() => expect(cloudwatchMock).toHaveReceivedCommand(DescribeAlarmsCommand));
    answer({
      deploymentGroupInfo: {
        ...SETTINGS,
        autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_FAILURE'] },
        alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: 'mt-prod-lambda-errors' }, { name: 'mt-prod-executions-failed' }] },
      },
    });
    expect(await reading).toStrictEqual(current());
    expect(codedeployMock).not.toHaveReceivedCommand(ListTagsForResourceCommand);
  });

  it('returns undefined when the group or its application does not exist', async () => {
    codedeployMock
      .on(GetDeploymentGroupCommand)
      .rejectsOnce(new DeploymentGroupDoesNotExistException({ message: 'No Deployment Group found for name: mt-prod', $metadata: {} }))
      .rejectsOnce(new ApplicationDoesNotExistException({ message: 'No application found for name: mt-lambda', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));

    await expect(codedeployDeploymentGroup.find(target, spec)).resolves.toBeUndefined();
    await expect(codedeployDeploymentGroup.find(target, spec)).resolves.toBeUndefined();
    await expect(codedeployDeploymentGroup.find(target, spec)).rejects.toThrow('throttled');
  });

  it('creates the group with Lambda traffic control, rollback on failure and alarm, the alarms and the tags', async () => {
    codedeployMock.on(CreateDeploymentGroupCommand).resolves({ deploymentGroupId: 'g-1' });

    await expect(codedeployDeploymentGroup.create(target, spec)).resolves.toStrictEqual({ arn: GROUP_ARN });
    expect(sentCommands(codedeployMock)).toStrictEqual([
      ['CreateDeploymentGroupCommand', { applicationName: 'mt-lambda', deploymentGroupName: 'mt-prod', ...SETTINGS, tags: TAG_LIST }],
    ]);
  });

  it('retries CreateDeploymentGroup while CodeDeploy cannot use the new role yet (InvalidRoleException)', async () => {
    vi.useFakeTimers();
    const invalidRole = () => new InvalidRoleException({ message: 'Cross-account pass role is not allowed.', $metadata: {} });
    codedeployMock.on(CreateDeploymentGroupCommand).rejectsOnce(invalidRole()).rejectsOnce(invalidRole()).resolves({ deploymentGroupId: 'g-1' });

    const created = codedeployDeploymentGroup.create(target, spec, runThatCreated(`iam:role ${ROLE_ARN}`));
    await vi.runAllTimersAsync();
    await expect(created).resolves.toStrictEqual({ arn: GROUP_ARN });
    expect(codedeployMock).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 3);
  });

  it('gives up on InvalidRoleException after the 5-minute CodeDeploy propagation timeout', async () => {
    vi.useFakeTimers();
    codedeployMock.on(CreateDeploymentGroupCommand).rejects(new InvalidRoleException({ message: 'role not valid', $metadata: {} }));

    const started = Date.now();
    const created = codedeployDeploymentGroup.create(target, spec, runThatCreated(`iam:role ${ROLE_ARN}`)).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await created).toBeInstanceOf(InvalidRoleException);
    // waits of 1 s doubling up to 15 s: 1+2+4+8 + 19×15 = 300 s, so 24 attempts in 5 minutes (IAM's 2 would give 12)
    expect(Date.now() - started).toBe(300_000);
    expect(codedeployMock.commandCalls(CreateDeploymentGroupCommand).length).toBe(24);
  });

  it('fails at once on InvalidRoleException when the role was not created in this run', async () => {
    codedeployMock.on(CreateDeploymentGroupCommand).rejects(new InvalidRoleException({ message: 'role not valid', $metadata: {} }));
    await expect(codedeployDeploymentGroup.create(target, spec, runThatCreated())).rejects.toBeInstanceOf(InvalidRoleException);
    expect(codedeployMock).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 1);
  });

  it('does not retry other errors', async () => {
    codedeployMock.on(CreateDeploymentGroupCommand).rejects(Object.assign(new Error('bad config'), { name: 'InvalidDeploymentConfigNameException' }));
    await expect(codedeployDeploymentGroup.create(target, spec)).rejects.toThrow('bad config');
    expect(codedeployMock).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 1);
  });

  it('reports each owned field that drifted, and what moto returns (no alarmConfiguration) as an alarm change', () => {
    const drifted = current({
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      autoRollback: { enabled: false, events: [] },
      alarms: { enabled: false, ignorePollAlarmFailure: false, names: [] },
    });
    expect(codedeployDeploymentGroup.diff(drifted, spec).map((diff) => diff.field)).toStrictEqual(['deploymentConfigName', 'autoRollback', 'alarms']);
    expect(codedeployDeploymentGroup.diff(current({ serviceRoleArn: 'arn:aws:iam::210987654321:role/other' }), spec)).toStrictEqual([
      { field: 'serviceRoleArn', from: 'arn:aws:iam::210987654321:role/other', to: ROLE_ARN },
    ]);
  });

  it('updates with every owned field (UpdateDeploymentGroup, which moto lacks) and tags separately', async () => {
    codedeployMock.on(UpdateDeploymentGroupCommand).resolves({ hooksNotCleanedUp: [] });
    codedeployMock.on(TagResourceCommand).resolves({});
    const drifted = current({ deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce', tags: { 'mtpipe:project': 'mt' } });

    await expect(codedeployDeploymentGroup.update(target, spec, drifted, codedeployDeploymentGroup.diff(drifted, spec))).resolves.toStrictEqual({
      arn: GROUP_ARN,
    });
    expect(sentCommands(codedeployMock)).toStrictEqual([
      ['UpdateDeploymentGroupCommand', { applicationName: 'mt-lambda', currentDeploymentGroupName: 'mt-prod', ...SETTINGS }],
      ['TagResourceCommand', { ResourceArn: GROUP_ARN, Tags: [{ Key: 'mtpipe:env', Value: 'prod' }] }],
    ]);
  });

  it('with only tags missing, tags without UpdateDeploymentGroup', async () => {
    codedeployMock.on(TagResourceCommand).resolves({});
    const untagged = current({ tags: {} });

    await codedeployDeploymentGroup.update(target, spec, untagged, codedeployDeploymentGroup.diff(untagged, spec));
    expect(codedeployMock).not.toHaveReceivedCommand(UpdateDeploymentGroupCommand);
    expect(codedeployMock).toHaveReceivedCommandExactlyOnceWith(TagResourceCommand, { ResourceArn: GROUP_ARN, Tags: TAG_LIST });
  });

  it('blocks more than 10 alarms (CodeDeploy limit)', () => {
    const many = { ...spec, alarms: Array.from({ length: 11 }, (_, i) => `alarm-${i}`) };
    expect(codedeployDeploymentGroup.check!(undefined, many)).toBe('11 alarms: a deployment group takes at most 10');
    expect(codedeployDeploymentGroup.check!(undefined, spec)).toBeUndefined();
  });
});
