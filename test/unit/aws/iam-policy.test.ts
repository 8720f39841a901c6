import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListPolicyVersionsCommand,
  NoSuchEntityException,
  TagPolicyCommand,
  type PolicyVersion,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  decodePolicyDocument,
  managedPolicy,
  policyArn,
  type ManagedPolicy,
  type ManagedPolicySpec,
} from '../../../src/aws/iam-policy.js';
import { protectBranchPolicy } from '../../../src/commands/init-repo.js';
import { markIamWritten } from '../../../src/aws/iam-snapshot.js';
import { testTarget } from '../../support/target.js';
import { iamMock, resetSdkMocks, sentCommands } from './mock-sdk.js';

const target = testTarget();
// resource by resource, as after a write of this run; the bulk snapshot's reads: iam-snapshot.test.ts
markIamWritten(target);
const ARN = 'arn:aws:iam::123456789012:policy/mtpipe/mt-protect-main';
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' };
const document = protectBranchPolicy('arn:aws:codecommit:us-east-1:123456789012:mt-repo', 'main');

const spec: ManagedPolicySpec = { name: 'mt-protect-main', path: '/mtpipe/', description: 'no direct pushes', document, tags: TAGS };

/** IAM returns documents URL-encoded (RFC 3986). */
const encoded = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

function current(overrides: Partial<ManagedPolicy> = {}): ManagedPolicy {
  return { arn: ARN, defaultVersionId: 'v1', document, tags: { ...TAGS }, ...overrides };
}

function version(id: string, created: string, isDefault = false): PolicyVersion {
  return { VersionId: id, CreateDate: new Date(created), IsDefaultVersion: isDefault };
}

beforeEach(() => resetSdkMocks());

describe('decodePolicyDocument', () => {
  it('decodes the URL-encoded JSON IAM returns', () => {
    expect(encoded(document)).toContain('%22'); // really encoded
    expect(decodePolicyDocument(encoded(document))).toStrictEqual(document);
    expect(decodePolicyDocument(undefined)).toBeUndefined();
  });
});

describe('managedPolicy.find', () => {
  it('reads the default version, decodes it, and finds no difference when equal', async () => {
    iamMock.on(GetPolicyCommand).resolves({
      Policy: { Arn: ARN, DefaultVersionId: 'v3', Tags: [{ Key: 'mtpipe:project', Value: 'mt' }, { Key: 'mtpipe:env', Value: 'shared' }] },
    });
    iamMock.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { VersionId: 'v3', IsDefaultVersion: true, Document: encoded(document) } });

    const found = await managedPolicy.find(target, spec);
    expect(found).toStrictEqual({ arn: ARN, defaultVersionId: 'v3', document, tags: TAGS });
    expect(managedPolicy.diff(found, spec)).toStrictEqual([]);
    expect(sentCommands(iamMock)).toStrictEqual([
      ['GetPolicyCommand', { PolicyArn: ARN }],
      ['GetPolicyVersionCommand', { PolicyArn: ARN, VersionId: 'v3' }],
    ]);
  });

  it('returns undefined on NoSuchEntityException without reading a version', async () => {
    iamMock.on(GetPolicyCommand).rejects(new NoSuchEntityException({ message: `Policy ${ARN} was not found.`, $metadata: {} }));

    await expect(managedPolicy.find(target, spec)).resolves.toBeUndefined();
    expect(iamMock).not.toHaveReceivedCommand(GetPolicyVersionCommand);
  });

  it('rethrows other errors', async () => {
    iamMock.on(GetPolicyCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    await expect(managedPolicy.find(target, spec)).rejects.toThrow('denied');
  });

  it('builds the ARN from account, path and name', () => {
    expect(policyArn(target, spec)).toBe(ARN);
    expect(managedPolicy.arnOf(target, spec)).toBe(ARN);
  });
});

describe('managedPolicy.diff', () => {
  it('reports a different document', () => {
    const other = protectBranchPolicy('arn:aws:codecommit:us-east-1:123456789012:mt-repo', 'develop');
    expect(managedPolicy.diff(current({ document: other }), spec)).toStrictEqual([{ field: 'document', from: other, to: document }]);
  });

  it('ignores user tags and reports only missing mtpipe tags', () => {
    expect(managedPolicy.diff(current({ tags: { ...TAGS, owner: 'sec' } }), spec)).toStrictEqual([]);
    expect(managedPolicy.diff(current({ tags: { 'mtpipe:project': 'mt', owner: 'sec' } }), spec)).toStrictEqual([
      { field: 'tags', from: {}, to: { 'mtpipe:env': 'shared' } },
    ]);
  });
});

describe('managedPolicy.create', () => {
  it('sends name, path, description, JSON document and tag list', async () => {
    iamMock.on(CreatePolicyCommand).resolves({ Policy: { Arn: ARN } });

    await expect(managedPolicy.create(target, spec)).resolves.toStrictEqual({ arn: ARN });
    const input = iamMock.commandCalls(CreatePolicyCommand)[0]!.args[0].input;
    expect(input).toStrictEqual({
      PolicyName: 'mt-protect-main',
      Path: '/mtpipe/',
      Description: 'no direct pushes',
      PolicyDocument: JSON.stringify(document),
      Tags: [
        { Key: 'mtpipe:project', Value: 'mt' },
        { Key: 'mtpipe:env', Value: 'shared' },
      ],
    });
  });
});

describe('managedPolicy.update', () => {
  const changed = current({ document: protectBranchPolicy('arn:aws:codecommit:us-east-1:123456789012:mt-repo', 'old') });

  beforeEach(() => {
    iamMock.on(DeletePolicyVersionCommand).resolves({});
    iamMock.on(CreatePolicyVersionCommand).resolves({});
    iamMock.on(TagPolicyCommand).resolves({});
  });

  it('with five versions, deletes the oldest non-default one before creating the new default', async () => {
    iamMock.on(ListPolicyVersionsCommand).resolves({
      Versions: [
        version('v5', '2024-05-01T00:00:00Z'),
        version('v3', '2024-03-01T00:00:00Z'),
        version('v1', '2024-01-01T00:00:00Z', true),
        version('v4', '2024-04-01T00:00:00Z'),
        version('v2', '2024-02-01T00:00:00Z'),
      ],
    });

    await managedPolicy.update(target, spec, changed, managedPolicy.diff(changed, spec));
    expect(sentCommands(iamMock)).toStrictEqual([
      ['ListPolicyVersionsCommand', { PolicyArn: ARN }],
      ['DeletePolicyVersionCommand', { PolicyArn: ARN, VersionId: 'v2' }],
      ['CreatePolicyVersionCommand', { PolicyArn: ARN, PolicyDocument: JSON.stringify(document), SetAsDefault: true }],
    ]);
    const sent = iamMock.commandCalls(CreatePolicyVersionCommand)[0]!.args[0].input.PolicyDocument!;
    expect(JSON.parse(sent)).toStrictEqual(document);
  });

  it('with fewer than five versions, deletes none', async () => {
    iamMock.on(ListPolicyVersionsCommand).resolves({
      Versions: [version('v1', '2024-01-01T00:00:00Z'), version('v2', '2024-02-01T00:00:00Z'), version('v3', '2024-03-01T00:00:00Z', true), version('v4', '2024-04-01T00:00:00Z')],
    });

    await managedPolicy.update(target, spec, changed, managedPolicy.diff(changed, spec));
    expect(iamMock).not.toHaveReceivedCommand(DeletePolicyVersionCommand);
    expect(iamMock).toHaveReceivedCommandExactlyOnceWith(CreatePolicyVersionCommand, {
      PolicyArn: ARN,
      PolicyDocument: JSON.stringify(document),
      SetAsDefault: true,
    });
    expect(iamMock).not.toHaveReceivedCommand(TagPolicyCommand);
  });

  it('tags only the missing tags, without touching the document', async () => {
    const untagged = current({ tags: { 'mtpipe:env': 'shared', owner: 'sec' } });

    await managedPolicy.update(target, spec, untagged, managedPolicy.diff(untagged, spec));
    expect(sentCommands(iamMock)).toStrictEqual([['TagPolicyCommand', { PolicyArn: ARN, Tags: [{ Key: 'mtpipe:project', Value: 'mt' }] }]]);
  });

  it('sends nothing when document and tags match', async () => {
    const same = current({ tags: { ...TAGS, owner: 'sec' } });

    await expect(managedPolicy.update(target, spec, same, managedPolicy.diff(same, spec))).resolves.toStrictEqual({ arn: ARN });
    expect(iamMock.calls()).toHaveLength(0);
  });
});
