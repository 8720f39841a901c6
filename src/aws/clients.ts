import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { performance } from 'node:perf_hooks';
import { redact, type CallObserver } from './call-log.js';
import { CONFLICT_RETRY, conflictRetryPlugin, type ConflictRetryPolicy, type RetryNote } from './conflict-retry.js';

// The SDK prints a Node-version support notice on stderr the first time a client is built;
// it is about the SDK's future releases, not about anything the user can act on in mtpipe.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface AwsSettings {
  profile?: string;
  /** --endpoint-url; when absent the SDK still honours AWS_ENDPOINT_URL(_<SERVICE>) itself */
  endpointUrl?: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  observers: CallObserver[];
  /** mtpipe's retry of transient conflicts the SDK does not retry (conflict-retry.ts); CONFLICT_RETRY unless given */
  conflictRetry?: ConflictRetryPolicy;
  /** told of each such retry (--debug prints it) */
  onRetry?: (note: RetryNote) => void;
}

export function awsSettingsFromEnv(options: { profile?: string; endpointUrl?: string }, observers: CallObserver[] = []): AwsSettings {
  const attempts = Number.parseInt(process.env.AWS_MAX_ATTEMPTS ?? '', 10);
  return {
    ...options,
    maxAttempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 5,
    retryMode: process.env.AWS_RETRY_MODE === 'adaptive' ? 'adaptive' : 'standard',
    observers,
  };
}

// Structural type of an SDK v3 client: enough to configure, observe and cache it.
interface SdkClient {
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void; use(plugin: unknown): void };
  destroy(): void;
}
type ClientClass<C extends SdkClient> = new (config: Record<string, unknown>) => C;

/** Lazily built SDK clients for one region and one set of credentials. */
export class ClientFactory {
  private readonly cache = new Map<unknown, SdkClient>();
  private readonly regions = new Map<string, ClientFactory>();

  constructor(
    readonly region: string,
    private readonly settings: AwsSettings,
    private readonly credentials: AwsCredentialIdentityProvider,
  ) {}

  /**
   * One object per run, shared by every factory the run makes (the environments', inRegion's): the key
   * of what a run reads once (src/aws/iam-snapshot.ts).
   */
  get runKey(): object {
    return this.settings;
  }

  get<C extends SdkClient>(Client: ClientClass<C>): C {
    let client = this.cache.get(Client) as C | undefined;
    if (!client) {
      client = new Client({
        region: this.region,
        credentials: this.credentials,
        maxAttempts: this.settings.maxAttempts,
        retryMode: this.settings.retryMode,
        // not cacheMiddleware (a handler per command class, built at its first call): with it, a bootstrap
        // killed and run again left two buckets' settings unset (test/e2e/bootstrap-killed.test.ts, about
        // every other run), for a gain of a few per cent of CPU
        ...(this.settings.endpointUrl ? { endpoint: this.settings.endpointUrl } : {}),
        // Emulators serve buckets by path, not by virtual host name. Only S3's client reads this setting
        // (the others keep it unread), so no client needs to be told apart by its class name.
        ...(usesCustomEndpoint(this.settings) ? { forcePathStyle: true } : {}),
      });
      // first, so that it wraps the observer: each attempt is observed as a call of its own
      client.middlewareStack.use(conflictRetryPlugin(this.settings.conflictRetry ?? CONFLICT_RETRY, this.settings.onRetry));
      if (this.settings.observers.length > 0) client.middlewareStack.use(observerPlugin(this.region, this.settings.observers));
      this.cache.set(Client, client);
    }
    return client;
  }

  /** The same credentials and settings in another region (one factory per region, destroyed with this one). */
  inRegion(region: string): ClientFactory {
    if (region === this.region) return this;
    let factory = this.regions.get(region);
    if (!factory) {
      factory = new ClientFactory(region, this.settings, this.credentials);
      this.regions.set(region, factory);
    }
    return factory;
  }

  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
    for (const factory of this.regions.values()) factory.destroy();
    this.regions.clear();
  }
}

/** A client plugin that reports every call to the observers (also used for the STS client behind AssumeRole). */
function observerPlugin(region: string, observers: CallObserver[]) {
  type Next = (args: { input: unknown }) => Promise<{ output: { $metadata?: { attempts?: number } } }>;
  const middleware =
    (next: Next, context: { clientName?: string; commandName?: string }) =>
    async (args: { input: unknown }) => {
      const started = performance.now();
      const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const report = (attempts: number, error?: string) => {
        const call = { service, operation, region, input: redact(args.input), durationMs: performance.now() - started, attempts };
        for (const observer of observers) observer(error ? { ...call, error } : call);
      };
      try {
        const result = await next(args);
        report(result.output.$metadata?.attempts ?? 1);
        return result;
      } catch (error) {
        const failure = error as { name?: string; $metadata?: { attempts?: number } };
        report(failure.$metadata?.attempts ?? 1, failure.name ?? 'Error');
        throw error;
      }
    };
  return {
    applyToStack(stack: SdkClient['middlewareStack']) {
      stack.add(middleware, { step: 'initialize', name: 'mtpipeCallObserver', priority: 'high' });
    },
  };
}

function usesCustomEndpoint(settings: AwsSettings): boolean {
  return Boolean(settings.endpointUrl || process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_S3);
}

/** The default credential chain (env, SSO, ini, process, web identity, container, instance), once per run. */
export async function baseCredentials(settings: AwsSettings): Promise<AwsCredentialIdentityProvider> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain({ ...(settings.profile ? { profile: settings.profile } : {}), logger: chainLogger });
}

/**
 * The credential chain's logger. With a profile and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY both set,
 * the SDK warns in nine lines on stderr ("Multiple credential sources detected",
 * @aws-sdk/credential-provider-node); mtpipe says which source it uses in one line of its own
 * (src/config/aws-environment.ts). Any other warning of the chain is passed on.
 */
const chainLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (...content: unknown[]) => {
    if (!content.some((part) => typeof part === 'string' && part.includes('Multiple credential sources detected'))) console.warn(...content);
  },
  error: (...content: unknown[]) => console.error(...content),
};

/** Credentials of a role in another account, assumed with the base credentials and refreshed when due. */
export async function assumedRoleCredentials(
  roleArn: string,
  region: string,
  settings: AwsSettings,
  base: AwsCredentialIdentityProvider,
): Promise<AwsCredentialIdentityProvider> {
  const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const assume = fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: 'mtpipe', DurationSeconds: 3600 },
    masterCredentials: base,
    clientConfig: { region, ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}) },
    ...(settings.observers.length > 0 ? { clientPlugins: [observerPlugin(region, settings.observers)] } : {}),
  });
  return sharedUntilExpiry(assume);
}

/** Credentials renewed this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * Every SDK client caches credentials for itself; this makes one provider serve all clients of an
 * environment, so the role is assumed once (and again only near expiry), not once per client.
 */
export function sharedUntilExpiry(provider: AwsCredentialIdentityProvider, now = Date.now): AwsCredentialIdentityProvider {
  let pending: ReturnType<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    if (pending) {
      const cached = await pending.catch(() => undefined);
      const expiry = cached?.expiration?.getTime();
      if (cached && (expiry === undefined || expiry - now() > RENEW_BEFORE_MS)) return cached;
    }
    pending = provider();
    return pending;
  };
}
