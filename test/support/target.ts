import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ClientFactory, type AwsSettings } from '../../src/aws/clients.js';
import type { Target } from '../../src/engine/types.js';

/** Static fake credentials: SDK clients can be built and signed, nothing real is reached. */
export const FAKE_CREDENTIALS: AwsCredentialIdentityProvider = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' });

export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'us-east-1';

/**
 * A Target for unit tests, built on a real ClientFactory (us-east-1, account 123456789012, partition aws, online).
 * Pair it with aws-sdk-client-mock: mockClient(SomeClient) stubs every instance the factory builds.
 */
export function testTarget(overrides: Partial<Omit<Target, 'clients'>> & { settings?: Partial<AwsSettings> } = {}): Target {
  const { settings, ...fields } = overrides;
  const region = fields.region ?? TEST_REGION;
  const clients = new ClientFactory(region, { maxAttempts: 1, retryMode: 'standard', observers: [], ...settings }, FAKE_CREDENTIALS);
  return { name: 'shared', account: TEST_ACCOUNT, region, partition: 'aws', offline: false, ...fields, clients };
}
