import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher, type BaseMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';

expect.extend(allCustomMatcher);

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends BaseMatcher<T> {}
}

/**
 * The SDK clients setup-security uses, one shared mock each (aws-sdk-client-mock stubs the client
 * prototype, so every client a ClientFactory builds is mocked). Call resetSdkMocks() in beforeEach.
 */
export const iamMock = mockClient(IAMClient);
export const secretsMock = mockClient(SecretsManagerClient);

export function resetSdkMocks(): void {
  iamMock.reset();
  secretsMock.reset();
}

/** The inputs of every call the mock received, in order, as [command name, input]. */
export function sentCommands(mock: { calls(): { args: unknown[] }[] }): [string, unknown][] {
  return mock.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}
