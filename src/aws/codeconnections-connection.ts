/**
 * AWS CodeConnections connections (GitHub, GitLab, Bitbucket …), through the CodeStar Connections API
 * (CodeConnections is its new name; the operations are the same).
 * A new connection is PENDING until a person completes the handshake with the provider in the console.
 */
import type { Connection as SdkConnection, ProviderType } from '@aws-sdk/client-codestar-connections';
import { sdk } from './sdk.js';
import { compareTags, fieldsToCreate, fromTagList, tagsToAdd, toTagList } from '../engine/diff.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { isConnectionNotFound } from './errors.js';

export interface ConnectionSpec {
  name: string;
  providerType: ProviderType;
  tags: Record<string, string>;
}

export interface Connection {
  name: string;
  arn: string;
  providerType?: string;
  /** PENDING, AVAILABLE or ERROR */
  status?: string;
  tags: Record<string, string>;
}

const toConnection = (found: SdkConnection, tags: Record<string, string>): Connection => ({
  name: found.ConnectionName ?? '',
  arn: found.ConnectionArn ?? '',
  ...(found.ProviderType ? { providerType: found.ProviderType } : {}),
  ...(found.ConnectionStatus ? { status: found.ConnectionStatus } : {}),
  tags,
});

/**
 * The connection of this name and provider type in the target's region, or undefined. Connection names
 * are not unique in an account (CreateConnection has no "already exists" answer): the first one listed
 * is taken, and its tags decide in the plan whether mtpipe may change it.
 */
export async function findConnectionByName(target: Target, name: string, providerType: ProviderType): Promise<Connection | undefined> {
  const { CodeStarConnectionsClient, ListConnectionsCommand, ListTagsForResourceCommand } = await sdk.codeconnections();
  const client = target.clients.get(CodeStarConnectionsClient);
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListConnectionsCommand({ ProviderTypeFilter: providerType, MaxResults: 100, ...(NextToken ? { NextToken } : {}) }));
    for (const found of page.Connections ?? []) {
      if (found.ConnectionName !== name || !found.ConnectionArn) continue;
      const { Tags } = await client.send(new ListTagsForResourceCommand({ ResourceArn: found.ConnectionArn }));
      return toConnection(found, fromTagList(Tags));
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
}

/** A connection mtpipe creates (source.provider codeconnections without source.connectionArn). */
export const codeconnectionsConnection: ResourceKind<ConnectionSpec, Connection> = {
  kind: 'codeconnections:connection',
  name: (spec) => spec.name,

  find: (target, spec) => findConnectionByName(target, spec.name, spec.providerType),

  diff(current, spec) {
    if (!current) return fieldsToCreate({ providerType: spec.providerType, status: 'PENDING until the handshake is completed in the console', tags: spec.tags });
    return compareTags(current.tags, spec.tags);
  },

  async create(target, spec) {
    const { CodeStarConnectionsClient, CreateConnectionCommand } = await sdk.codeconnections();
    const client = target.clients.get(CodeStarConnectionsClient);
    const { ConnectionArn } = await client.send(
      new CreateConnectionCommand({ ConnectionName: spec.name, ProviderType: spec.providerType, Tags: toTagList(spec.tags) }),
    );
    if (!ConnectionArn) throw new Error('CreateConnection returned no ConnectionArn');
    return { arn: ConnectionArn };
  },

  async update(target, spec, current) {
    const { CodeStarConnectionsClient, TagResourceCommand } = await sdk.codeconnections();
    const client = target.clients.get(CodeStarConnectionsClient);
    await client.send(new TagResourceCommand({ ResourceArn: current.arn, Tags: toTagList(tagsToAdd(current.tags, spec.tags)) }));
    return { arn: current.arn };
  },

  async delete(target, current) {
    const { CodeStarConnectionsClient, DeleteConnectionCommand } = await sdk.codeconnections();
    try {
      await target.clients.get(CodeStarConnectionsClient).send(new DeleteConnectionCommand({ ConnectionArn: current.arn }));
    } catch (error) {
      if (!isConnectionNotFound(error)) throw error;
    }
  },

  tagsOf: (current) => current.tags,
  arnOf: () => undefined,
};

/** An existing connection named by source.connectionArn: read for its status, never written. */
export const existingConnection: ResourceKind<{ arn: string }, Connection> = {
  kind: 'codeconnections:connection',
  name: (spec) => spec.arn,
  async find(target, spec) {
    const { CodeStarConnectionsClient, GetConnectionCommand } = await sdk.codeconnections();
    const client = target.clients.get(CodeStarConnectionsClient);
    try {
      const { Connection: found } = await client.send(new GetConnectionCommand({ ConnectionArn: spec.arn }));
      return found ? toConnection(found, {}) : undefined;
    } catch (error) {
      if (isConnectionNotFound(error)) return undefined;
      throw error;
    }
  },
  diff: () => [],
  create: async () => {
    throw new Error('internal: source.connectionArn names a connection mtpipe does not create');
  },
  update: async (_target, spec) => ({ arn: spec.arn }),
  arnOf: (_target, spec) => spec.arn,
  check: (current, spec) => (current === undefined ? `connection ${spec.arn} (source.connectionArn) does not exist in this account and region` : undefined),
  isReference: true,
};

/** Where a person completes the handshake of a pending connection. */
export function connectionConsoleUrl(target: Pick<Target, 'region'>): string {
  return `https://console.aws.amazon.com/codesuite/settings/connections?region=${target.region}`;
}
