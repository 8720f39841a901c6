import { CreateDeploymentCommand, DeploymentGroupDoesNotExistException, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, PublishVersionCommand, ResourceConflictException } from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { release, releaseNotes, ReleaseFailedError } from '../../../src/commands/release.js';
import { MtpipeError } from '../../../src/errors.js';
import { renderAppSpec } from '../../../src/templates/appspec.js';
import { fakeClock, FUNCTION, lambdaAccount, session } from './release-fixtures.js';
import { codedeployMock, lambdaMock, resetDeployMocks, sentCommands } from './mock-sdk.js';

const EXPECTED_APPSPEC = renderAppSpec({ functionName: FUNCTION, currentVersion: '3', targetVersion: '4' });

beforeEach(() => resetDeployMocks());

describe('release: a deployment that succeeds', () => {
  it('publishes a version and has CodeDeploy shift live from 3 to 4, polling until Succeeded', async () => {
    lambdaAccount('3');
    codedeployMock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-ABC123' });
    codedeployMock
      .on(GetDeploymentCommand)
      .resolvesOnce({ deploymentInfo: { status: 'Created' } })
      .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
      .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
      .resolves({ deploymentInfo: { status: 'Succeeded' } });
    const clock = fakeClock();
    const { value, info } = session();

    const result = await release(value, { function: 'PromptGeneratorCDK' }, clock.deps);

    expect(result).toStrictEqual({
      env: 'prod',
      function: FUNCTION,
      logicalId: 'PromptGeneratorCDK',
      alias: 'live',
      application: 'mt-pipeline-lambda',
      deploymentGroup: 'mt-pipeline-prod',
      deploymentConfig: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      dryRun: false,
      outcome: 'succeeded',
      fromVersion: '3',
      toVersion: '4',
      deploymentId: 'd-ABC123',
      liveVersion: '4',
    });
    expect(sentCommands(lambdaMock)).toStrictEqual([
      ['GetFunctionConfigurationCommand', { FunctionName: FUNCTION }],
      ['GetAliasCommand', { FunctionName: FUNCTION, Name: 'live' }],
      ['PublishVersionCommand', { FunctionName: FUNCTION }],
    ]);
    expect(sentCommands(codedeployMock)).toStrictEqual([
      [
        'CreateDeploymentCommand',
        {
          applicationName: 'mt-pipeline-lambda',
          deploymentGroupName: 'mt-pipeline-prod',
          revision: { revisionType: 'AppSpecContent', appSpecContent: { content: EXPECTED_APPSPEC.content, sha256: EXPECTED_APPSPEC.sha256 } },
          description: `mtpipe release ${FUNCTION}: live 3 -> 4`,
        },
      ],
      ...Array.from({ length: 4 }, () => ['GetDeploymentCommand', { deploymentId: 'd-ABC123' }]),
    ]);
    expect(clock.sleeps).toStrictEqual([15_000, 15_000, 15_000]);
    expect(info).toStrictEqual([
      `publishing a version of ${FUNCTION} (prod)…`,
      `deployment d-ABC123: shifting ${FUNCTION}:live from version 3 to 4 (CodeDeployDefault.LambdaCanary10Percent5Minutes)`,
      'deployment d-ABC123: Created',
      'deployment d-ABC123: InProgress',
      'deployment d-ABC123: Succeeded',
    ]);
    expect(releaseNotes(result)).toStrictEqual([
      `Released ${FUNCTION} version 4: ${FUNCTION}:live moved from version 3 (deployment d-ABC123, prod, group mt-pipeline-prod, CodeDeployDefault.LambdaCanary10Percent5Minutes).`,
    ]);
  });

  it('sends the configured hooks in the AppSpec, hook names given as logical ids resolved like functions', async () => {
    lambdaAccount('3');
    codedeployMock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-1' });
    codedeployMock.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
    const { value } = session();
    // solution.hooks is read when the configuration carries it
    Object.assign(value.draft.config.solution, { hooks: { beforeAllowTraffic: 'PreTrafficHookCDK', afterAllowTraffic: 'CodeDeployHook_post' } });
    Object.assign(value.draft.config.solution.lambdaFunctions, { PreTrafficHookCDK: 'CodeDeployHook_pre' });

    await release(value, { function: FUNCTION }, fakeClock().deps);
    const content = codedeployMock.commandCalls(CreateDeploymentCommand)[0]!.args[0].input.revision!.appSpecContent!.content!;
    expect(content).toBe(
      renderAppSpec({
        functionName: FUNCTION,
        currentVersion: '3',
        targetVersion: '4',
        hooks: { beforeAllowTraffic: 'CodeDeployHook_pre', afterAllowTraffic: 'CodeDeployHook_post' },
      }).content,
    );
  });

  it('waits for a function update still in progress before publishing (ResourceConflictException)', async () => {
    lambdaAccount('3');
    lambdaMock
      .on(PublishVersionCommand)
      .rejectsOnce(new ResourceConflictException({ message: 'The operation cannot be performed at this time. An update is in progress for resource', $metadata: {} }))
      .resolves({ Version: '4' });
    codedeployMock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-1' });
    codedeployMock.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Succeeded' } });
    const clock = fakeClock();

    await expect(release(session().value, { function: FUNCTION }, clock.deps)).resolves.toMatchObject({ outcome: 'succeeded', toVersion: '4' });
    expect(lambdaMock).toHaveReceivedCommandTimes(PublishVersionCommand, 2);
    expect(clock.sleeps[0]).toBe(1000);
  });
});

describe('release: a deployment that fails', () => {
  it('reports the error and the rollback (live back at 3) as a failure with exit code 1', async () => {
    lambdaAccount('3');
    codedeployMock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAIL' });
    codedeployMock
      .on(GetDeploymentCommand)
      .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
      .resolves({
        deploymentInfo: {
          status: 'Failed',
          errorInformation: { code: 'ALARM_ACTIVE', message: 'One or more alarms have been activated: mt-pipeline-prod-lambda-errors' },
          rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK', rollbackMessage: 'Deployment d-FAIL rolled back by d-ROLLBACK' },
        },
      });
    // after the rollback, live points at the old version again
    lambdaMock.on(GetAliasCommand).resolvesOnce({ FunctionVersion: '3' }).resolves({ FunctionVersion: '3' });

    const error = await release(session().value, { function: FUNCTION }, fakeClock().deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReleaseFailedError);
    const failed = error as ReleaseFailedError;
    expect(failed.exitCode).toBe(1);
    expect(failed.result).toMatchObject({
      outcome: 'rolled-back',
      fromVersion: '3',
      toVersion: '4',
      liveVersion: '3',
      deploymentId: 'd-FAIL',
      error: { code: 'ALARM_ACTIVE', message: 'One or more alarms have been activated: mt-pipeline-prod-lambda-errors' },
      rollback: { deploymentId: 'd-ROLLBACK', message: 'Deployment d-FAIL rolled back by d-ROLLBACK' },
    });
    expect(failed.message.split('\n')).toStrictEqual([
      `Release of ${FUNCTION} version 4 failed (deployment d-FAIL, prod, group mt-pipeline-prod, CodeDeployDefault.LambdaCanary10Percent5Minutes).`,
      '  error: ALARM_ACTIVE: One or more alarms have been activated: mt-pipeline-prod-lambda-errors',
      '  rollback: d-ROLLBACK: Deployment d-FAIL rolled back by d-ROLLBACK',
      `  ${FUNCTION}:live points at version 3 again (rolled back).`,
    ]);
    expect(failed.hint).toContain('aws deploy get-deployment --deployment-id d-FAIL');
    expect(lambdaMock).toHaveReceivedCommandTimes(GetAliasCommand, 2);
  });

  it('a stopped deployment is a failure too', async () => {
    lambdaAccount('3');
    codedeployMock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-STOP' });
    codedeployMock.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'Stopped', errorInformation: { code: 'MANUAL_STOP', message: 'stopped by a user' } } });
    lambdaMock.on(GetAliasCommand).resolvesOnce({ FunctionVersion: '3' }).resolves({ FunctionVersion: '4' });

    const error = (await release(session().value, { function: FUNCTION }, fakeClock().deps).catch((caught: unknown) => caught)) as ReleaseFailedError;
    expect(error.result).toMatchObject({ outcome: 'stopped', liveVersion: '4', error: { code: 'MANUAL_STOP' } });
    expect(error.message).toContain('stopped (deployment d-STOP');
  });

  it('stops following at the timeout and says the deployment goes on', async () => {
    lambdaAccount('3');
    codedeployMock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOW' });
    codedeployMock.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
    const clock = fakeClock();

    const error = (await release(session().value, { function: FUNCTION, timeoutMinutes: 1 }, clock.deps).catch((caught: unknown) => caught)) as MtpipeError;
    expect(error).toBeInstanceOf(MtpipeError);
    expect(error.code).toBe('release_timeout');
    expect(error.message).toBe('deployment d-SLOW did not finish within 1 minutes (last status: InProgress)');
    expect(error.hint).toContain('aws deploy get-deployment --deployment-id d-SLOW');
    // polls at 0, 15, 30, 45 and 60 s
    expect(codedeployMock).toHaveReceivedCommandTimes(GetDeploymentCommand, 5);
    expect(clock.sleeps).toStrictEqual([15_000, 15_000, 15_000, 15_000]);
  });

  it('by default follows for the shift time of the deployment config plus 15 minutes', async () => {
    lambdaAccount('3');
    codedeployMock.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOW' });
    codedeployMock.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });

    const error = (await release(session().value, { function: FUNCTION }, fakeClock().deps).catch((caught: unknown) => caught)) as MtpipeError;
    // prod: Canary10Percent5Minutes → 5 + 15
    expect(error.message).toContain('within 20 minutes');
  });

  it('a missing deployment group names the command that creates it', async () => {
    lambdaAccount('3');
    codedeployMock.on(CreateDeploymentCommand).rejects(new DeploymentGroupDoesNotExistException({ message: 'No Deployment Group found for name: mt-pipeline-prod', $metadata: {} }));

    const error = (await release(session().value, { function: FUNCTION }, fakeClock().deps).catch((caught: unknown) => caught)) as MtpipeError;
    expect(error.message).toMatch(/^starting a CodeDeploy deployment of mt-translate-prompt in prod: DeploymentGroupDoesNotExistException/);
    expect(error.hint).toBe('run `mtpipe create-deploy` first');
  });
});
