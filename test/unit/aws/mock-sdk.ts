import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher, type BaseMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';

expect.extend(allCustomMatcher);

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends BaseMatcher<T> {}
}

/**
 * One shared mock per SDK client (aws-sdk-client-mock stubs the client prototype, so every
 * client a ClientFactory builds is mocked). Call resetSdkMocks() in beforeEach.
 */
export const codecommitMock = mockClient(CodeCommitClient);
export const iamMock = mockClient(IAMClient);
export const ssmMock = mockClient(SSMClient);

export function resetSdkMocks(): void {
  codecommitMock.reset();
  iamMock.reset();
  ssmMock.reset();
}

/** The inputs of every call the mock received, in order, as [command name, input]. */
export function sentCommands(mock: { calls(): { args: unknown[] }[] }): [string, unknown][] {
  return mock.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}
