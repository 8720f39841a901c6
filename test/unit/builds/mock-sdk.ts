import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher, type BaseMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';
import { taggingMock } from '../aws/tagging-mock.js';

expect.extend(allCustomMatcher);

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends BaseMatcher<T> {}
}

/** One shared mock per SDK client create-builds uses (see test/unit/aws/mock-sdk.ts). Reset in beforeEach. */
export const s3Mock = mockClient(S3Client);
export const logsMock = mockClient(CloudWatchLogsClient);
export const codebuildMock = mockClient(CodeBuildClient);

export function resetBuildMocks(): void {
  s3Mock.reset();
  logsMock.reset();
  codebuildMock.reset();
  taggingMock.reset();
}

/** Every call a mock received, in order, as [command name, input]. */
export function sent(mock: { calls(): { args: unknown[] }[] }): [string, unknown][] {
  return mock.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
}

/** An SDK-shaped service error (name and HTTP status as the SDK sets them). */
export function awsError(name: string, status = 400, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}
