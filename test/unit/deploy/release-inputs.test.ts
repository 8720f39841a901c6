import { ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CreateAliasCommand, GetAliasCommand, GetFunctionConfigurationCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { release, releaseNotes } from '../../../src/commands/release.js';
import { MtpipeError, UserInputError } from '../../../src/errors.js';
import { fakeClock, FUNCTION, lambdaAccount, notFound, session } from './release-fixtures.js';
import { cloudformationMock, codedeployMock, lambdaMock, resetDeployMocks, sentCommands } from './mock-sdk.js';

beforeEach(() => resetDeployMocks());

describe('release: nothing to shift', () => {
  it('without a live alias, creates it at the new version and starts no deployment', async () => {
    lambdaAccount(undefined, '1');

    const result = await release(session().value, { function: FUNCTION }, fakeClock().deps);
    expect(result).toMatchObject({ outcome: 'alias-created', toVersion: '1', liveVersion: '1' });
    expect(result).not.toHaveProperty('fromVersion');
    expect(lambdaMock).toHaveReceivedCommandWith(CreateAliasCommand, {
      FunctionName: FUNCTION,
      Name: 'live',
      FunctionVersion: '1',
      Description: 'Shifted by CodeDeploy (mtpipe release)',
    });
    expect(codedeployMock).not.toHaveReceivedAnyCommand();
    expect(releaseNotes(result)[0]).toContain('did not exist: created it at version 1');
  });

  it('when Lambda returns the version live already points at (nothing changed), starts no deployment', async () => {
    lambdaAccount('3', '3');

    const result = await release(session().value, { function: FUNCTION }, fakeClock().deps);
    expect(result).toMatchObject({ outcome: 'already-live', fromVersion: '3', toVersion: '3' });
    expect(codedeployMock).not.toHaveReceivedAnyCommand();
    expect(lambdaMock).not.toHaveReceivedCommand(CreateAliasCommand);
  });

  it('--dry-run reads the function and its alias, publishes nothing, deploys nothing', async () => {
    lambdaAccount('3');

    const result = await release(session({ dryRun: true }).value, { function: 'PromptGeneratorCDK' }, fakeClock().deps);
    expect(result).toMatchObject({ outcome: 'would-release', dryRun: true, fromVersion: '3', liveVersion: '3' });
    expect(sentCommands(lambdaMock).map(([name]) => name)).toStrictEqual(['GetFunctionConfigurationCommand', 'GetAliasCommand']);
    expect(codedeployMock).not.toHaveReceivedAnyCommand();
    expect(releaseNotes(result)[0]).toMatch(/^Dry run: nothing published\. Would publish a version of mt-translate-prompt and shift mt-translate-prompt:live from version 3/);
  });
});

describe('release: which function, which environment', () => {
  it('resolves a logical id through the solution stacks of the environment', async () => {
    cloudformationMock.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'TranslationPromptGeneratorCDK',
          ResourceType: 'AWS::Lambda::Function',
          PhysicalResourceId: FUNCTION,
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(0),
        },
      ],
    });
    lambdaAccount('3');

    const result = await release(session({ dryRun: true, solution: { stacks: ['MtStack'] } }).value, { function: 'TranslationPromptGeneratorCDK' }, fakeClock().deps);
    expect(result).toMatchObject({ function: FUNCTION, logicalId: 'TranslationPromptGeneratorCDK' });
    expect(cloudformationMock).toHaveReceivedCommandWith(ListStackResourcesCommand, { StackName: 'MtStack' });
  });

  it('takes an unknown name (or ARN) as the physical name; a function that does not exist is exit 2 with the known ones', async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).rejects(notFound('Function not found: arn:aws:lambda:eu-west-1:210987654321:function:typo'));

    const error = (await release(session().value, { function: 'arn:aws:lambda:eu-west-1:210987654321:function:typo' }, fakeClock().deps).catch(
      (caught: unknown) => caught,
    )) as MtpipeError;
    expect(lambdaMock).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: 'typo' });
    expect(error.code).toBe('function_not_found');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('no Lambda function "typo" in prod (account 210987654321, eu-west-1)');
    expect(error.hint).toBe('known functions: PromptGeneratorCDK');
    expect(lambdaMock).not.toHaveReceivedCommand(PublishVersionCommand);
  });

  it('needs --env when several environments are configured, and refuses bad input before any AWS call', async () => {
    await expect(release(session({ env: undefined }).value, { function: FUNCTION }, fakeClock().deps)).rejects.toThrow(
      new UserInputError(['release needs --env: which of dev, prod?']),
    );
    await expect(release(session().value, { function: 'no spaces please' }, fakeClock().deps)).rejects.toBeInstanceOf(UserInputError);
    await expect(release(session().value, { function: FUNCTION, timeoutMinutes: 0 }, fakeClock().deps)).rejects.toThrow(/--timeout/);
    expect(lambdaMock).not.toHaveReceivedAnyCommand();
  });

  it('refuses an alias that points at $LATEST or is mid-shift', async () => {
    lambdaAccount('$LATEST');
    await expect(release(session().value, { function: FUNCTION }, fakeClock().deps)).rejects.toThrow(/points at \$LATEST, not a published version/);

    lambdaMock.on(GetAliasCommand).resolves({ FunctionVersion: '3', RoutingConfig: { AdditionalVersionWeights: { '4': 0.1 } } });
    await expect(release(session().value, { function: FUNCTION }, fakeClock().deps)).rejects.toThrow(/already splits traffic with version 4/);
    expect(lambdaMock).not.toHaveReceivedCommand(PublishVersionCommand);
  });
});
