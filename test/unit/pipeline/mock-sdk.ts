import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodeStarConnectionsClient } from '@aws-sdk/client-codestar-connections';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { taggingMock } from '../aws/tagging-mock.js';

export { awsError, sent } from '../builds/mock-sdk.js';

/** One shared mock per SDK client create-pipeline uses. Reset in beforeEach. */
export const pipelineMock = mockClient(CodePipelineClient);
export const snsMock = mockClient(SNSClient);
export const kmsMock = mockClient(KMSClient);
export const eventsMock = mockClient(EventBridgeClient);
export const connectionsMock = mockClient(CodeStarConnectionsClient);

export function resetPipelineMocks(): void {
  for (const mock of [pipelineMock, snsMock, kmsMock, eventsMock, connectionsMock, taggingMock]) mock.reset();
}
