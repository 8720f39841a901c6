import { CreateAliasCommand, GetAliasCommand, ResourceConflictException } from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAlias } from '../../../src/aws/lambda-alias.js';
import { testTarget } from '../../support/target.js';
import { lambdaMock, resetDeployMocks, sentCommands } from './mock-sdk.js';

const target = testTarget({ name: 'dev' });
const FUNCTION = 'mt-translate';
const exists = () => new ResourceConflictException({ message: `Alias already exists: arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION}:live`, $metadata: {} });

beforeEach(() => resetDeployMocks());

describe('createAlias after a lost response (issue 6 item 1)', () => {
  it('"Alias already exists" on the version it was to point at: done', async () => {
    lambdaMock.on(CreateAliasCommand).rejects(exists());
    lambdaMock.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '4' });

    await expect(createAlias(target, FUNCTION, 'live', '4')).resolves.toBeUndefined();
    expect(sentCommands(lambdaMock).map(([name]) => name)).toEqual(['CreateAliasCommand', 'GetAliasCommand']);
  });

  it('on another version (someone else made it): the error stands', async () => {
    lambdaMock.on(CreateAliasCommand).rejects(exists());
    lambdaMock.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '2' });

    await expect(createAlias(target, FUNCTION, 'live', '4')).rejects.toThrow('Alias already exists');
  });

  it('an update in progress is not "exists"', async () => {
    lambdaMock.on(CreateAliasCommand).rejects(new ResourceConflictException({ message: 'An update is in progress for resource', $metadata: {} }));

    await expect(createAlias(target, FUNCTION, 'live', '4')).rejects.toThrow('in progress');
    expect(lambdaMock).not.toHaveReceivedCommand(GetAliasCommand);
  });
});
