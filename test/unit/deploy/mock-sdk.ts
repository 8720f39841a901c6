import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
// the shared file registers the aws-sdk-client-mock matchers (toHaveReceivedCommandWith …)
export { sentCommands } from '../aws/mock-sdk.js';

/** One mock per SDK client the deploy step and release use; call resetDeployMocks() in beforeEach. */
export const codedeployMock = mockClient(CodeDeployClient);
export const cloudformationMock = mockClient(CloudFormationClient);
export const lambdaMock = mockClient(LambdaClient);
/** the deployment group asks which of its alarms exist */
export const cloudwatchMock = mockClient(CloudWatchClient);
/** commands that resolve their own targets ask STS for the account first */
export const stsMock = mockClient(STSClient);

export function resetDeployMocks(): void {
  codedeployMock.reset();
  cloudformationMock.reset();
  lambdaMock.reset();
  cloudwatchMock.reset();
  stsMock.reset();
  // credentials for the mocked STS to answer for: connect() resolves them before it asks (src/aws/targets.ts)
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
}

/** An SDK service error as the clients throw it: name, message and HTTP status. */
export function serviceError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}
