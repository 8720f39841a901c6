import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PolicyDocument } from '../../../src/aws/iam-policy.js';
import { iamRole, roleInlinePolicy, rolePolicyAttachment, type Role, type RoleSpec, type TrustPolicyDocument } from '../../../src/aws/iam-role.js';
import { markIamWritten } from '../../../src/aws/iam-snapshot.js';
import { testTarget } from '../../support/target.js';
import { iamMock, resetSdkMocks, sentCommands } from './mock-sdk.js';
import { runThatCreated } from '../write-context.js';

const target = testTarget();
// resource by resource, as after a write of this run; the bulk snapshot's reads: iam-snapshot.test.ts
markIamWritten(target);
const ROLE = 'mt-build';
const ARN = 'arn:aws:iam::123456789012:role/mtpipe/mt-build';
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:env': 'shared' };
const trust: TrustPolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AssumedByTheServiceForThisAccountOnly',
      Effect: 'Allow',
      Principal: { Service: 'codebuild.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    },
  ],
};
const spec: RoleSpec = { name: ROLE, path: '/mtpipe/', trustPolicy: trust, description: 'mtpipe (mt): build role', maxSessionDuration: 3600, tags: TAGS };
const document: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Logs', Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/mt-build:*' }],
};

/** IAM returns policy documents URL-encoded (RFC 3986). */
const encoded = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));
const notFound = (message: string) => new NoSuchEntityException({ message, $metadata: {} });

function current(overrides: Partial<Role> = {}): Role {
  return { arn: ARN, path: '/mtpipe/', trustPolicy: trust, description: spec.description, maxSessionDuration: 3600, tags: { ...TAGS }, ...overrides };
}

beforeEach(() => resetSdkMocks());

describe('iamRole.find', () => {
  it('reads the role with GetRole only, decoding the URL-encoded trust policy', async () => {
    iamMock.on(GetRoleCommand).resolves({
      Role: {
        RoleName: ROLE,
        RoleId: 'AROA',
        Arn: ARN,
        Path: '/mtpipe/',
        CreateDate: new Date(),
        AssumeRolePolicyDocument: encoded(trust),
        Description: spec.description,
        MaxSessionDuration: 3600,
        Tags: [
          { Key: 'mtpipe:project', Value: 'mt' },
          { Key: 'mtpipe:env', Value: 'shared' },
          { Key: 'team', Value: 'ml' },
        ],
      },
    });

    const found = await iamRole.find(target, spec);
    expect(found).toStrictEqual(current({ tags: { ...TAGS, team: 'ml' } }));
    expect(iamRole.diff(found, spec)).toStrictEqual([]);
    expect(sentCommands(iamMock)).toStrictEqual([['GetRoleCommand', { RoleName: ROLE }]]);
  });

  it('returns undefined on NoSuchEntity and rethrows anything else', async () => {
    iamMock
      .on(GetRoleCommand)
      .rejectsOnce(notFound(`The role with name ${ROLE} cannot be found.`))
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    await expect(iamRole.find(target, spec)).resolves.toBeUndefined();
    await expect(iamRole.find(target, spec)).rejects.toThrow('denied');
  });

  it('takes IAM defaults for fields GetRole leaves out', async () => {
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, RoleId: 'AROA', Arn: ARN, Path: '/mtpipe/', CreateDate: new Date() } });

    await expect(iamRole.find(target, spec)).resolves.toStrictEqual({
      arn: ARN,
      path: '/mtpipe/',
      trustPolicy: undefined,
      description: '',
      maxSessionDuration: 3600,
      tags: {},
    });
  });
});

describe('iamRole.diff and check', () => {
  it('compares the trust policy parsed: key order and formatting do not matter', () => {
    const reordered = JSON.parse(JSON.stringify({ Statement: trust.Statement.map((s) => ({ Condition: s.Condition, Action: s.Action, Principal: s.Principal, Effect: s.Effect, Sid: s.Sid })), Version: trust.Version }));
    expect(iamRole.diff(current({ trustPolicy: reordered }), spec)).toStrictEqual([]);
  });

  it('reports each field that differs, and only the missing mtpipe tags', () => {
    const otherTrust = { ...trust, Statement: [{ ...trust.Statement[0]!, Principal: { Service: 'ec2.amazonaws.com' } }] };
    const drifted = current({ trustPolicy: otherTrust, description: 'old', maxSessionDuration: 7200, tags: { 'mtpipe:project': 'mt', team: 'ml' } });
    expect(iamRole.diff(drifted, spec)).toStrictEqual([
      { field: 'trustPolicy', from: otherTrust, to: trust },
      { field: 'description', from: 'old', to: spec.description },
      { field: 'maxSessionDuration', from: 7200, to: 3600 },
      { field: 'tags', from: {}, to: { 'mtpipe:env': 'shared' } },
    ]);
  });

  it('lists every field for a role that does not exist', () => {
    expect(iamRole.diff(undefined, spec)).toStrictEqual([
      { field: 'path', to: '/mtpipe/' },
      { field: 'trustPolicy', to: trust },
      { field: 'description', to: spec.description },
      { field: 'maxSessionDuration', to: 3600 },
      { field: 'tags', to: TAGS },
    ]);
    expect(iamRole.check!(undefined, spec)).toBeUndefined();
  });

  it('blocks a role on another path: IAM cannot move it', () => {
    expect(iamRole.check!(current(), spec)).toBeUndefined();
    expect(iamRole.check!(current({ path: '/' }), spec)).toMatch(/exists with path \/, mtpipe's roles use \/mtpipe\/.*delete-role --role-name mt-build/);
  });

  it('reports tags for the ownership check, and the ARN with the path', () => {
    expect(iamRole.tagsOf!(current({ tags: { team: 'ml' } }))).toStrictEqual({ team: 'ml' });
    expect(iamRole.arnOf(target, spec)).toBe(ARN);
  });
});

describe('iamRole.create and update', () => {
  beforeEach(() => {
    iamMock.on(CreateRoleCommand).resolves({ Role: { RoleName: ROLE, RoleId: 'AROA', Arn: ARN, Path: '/mtpipe/', CreateDate: new Date() } });
    iamMock.on(UpdateAssumeRolePolicyCommand).resolves({});
    iamMock.on(UpdateRoleCommand).resolves({});
    iamMock.on(TagRoleCommand).resolves({});
  });

  it('creates with path, JSON trust policy, description, session length and tags', async () => {
    await expect(iamRole.create(target, spec)).resolves.toStrictEqual({ arn: ARN });
    expect(sentCommands(iamMock)).toStrictEqual([
      [
        'CreateRoleCommand',
        {
          RoleName: ROLE,
          Path: '/mtpipe/',
          AssumeRolePolicyDocument: JSON.stringify(trust),
          Description: 'mtpipe (mt): build role',
          MaxSessionDuration: 3600,
          Tags: [
            { Key: 'mtpipe:project', Value: 'mt' },
            { Key: 'mtpipe:env', Value: 'shared' },
          ],
        },
      ],
    ]);
  });

  it('a changed trust policy: UpdateAssumeRolePolicy only', async () => {
    const drifted = current({ trustPolicy: { Version: '2012-10-17', Statement: [] } });
    await expect(iamRole.update(target, spec, drifted, iamRole.diff(drifted, spec))).resolves.toStrictEqual({ arn: ARN });
    expect(sentCommands(iamMock)).toStrictEqual([['UpdateAssumeRolePolicyCommand', { RoleName: ROLE, PolicyDocument: JSON.stringify(trust) }]]);
  });

  it('a changed description or session length: one UpdateRole carrying both (a left-out description would be cleared)', async () => {
    for (const drifted of [current({ description: 'old' }), current({ maxSessionDuration: 43200 })]) {
      iamMock.resetHistory();
      await iamRole.update(target, spec, drifted, iamRole.diff(drifted, spec));
      expect(sentCommands(iamMock)).toStrictEqual([
        ['UpdateRoleCommand', { RoleName: ROLE, Description: 'mtpipe (mt): build role', MaxSessionDuration: 3600 }],
      ]);
    }
  });

  it('missing tags: TagRole with only those', async () => {
    const drifted = current({ tags: { 'mtpipe:env': 'shared', team: 'ml' } });
    await iamRole.update(target, spec, drifted, iamRole.diff(drifted, spec));
    expect(sentCommands(iamMock)).toStrictEqual([['TagRoleCommand', { RoleName: ROLE, Tags: [{ Key: 'mtpipe:project', Value: 'mt' }] }]]);
  });

  it('everything different: each call once, in order', async () => {
    const drifted = current({ trustPolicy: {}, description: 'old', tags: {} });
    await iamRole.update(target, spec, drifted, iamRole.diff(drifted, spec));
    expect(sentCommands(iamMock).map(([name]) => name)).toStrictEqual(['UpdateAssumeRolePolicyCommand', 'UpdateRoleCommand', 'TagRoleCommand']);
  });

  it('nothing different: no call', async () => {
    await iamRole.update(target, spec, current(), iamRole.diff(current(), spec));
    expect(iamMock.calls()).toHaveLength(0);
  });
});

describe('roleInlinePolicy', () => {
  const policySpec = { roleName: ROLE, policyName: 'mtpipe-least-privilege', document };

  it('reads the document (URL-encoded) only: ownership is the role\'s, decided by the plan from the role itself', async () => {
    iamMock.on(GetRolePolicyCommand).resolves({ RoleName: ROLE, PolicyName: 'mtpipe-least-privilege', PolicyDocument: encoded(document) });

    const found = await roleInlinePolicy.find(target, policySpec);
    expect(found).toStrictEqual({ document });
    expect(roleInlinePolicy.tagsOf).toBeUndefined();
    expect(roleInlinePolicy.diff(found, policySpec)).toStrictEqual([]);
    expect(sentCommands(iamMock)).toStrictEqual([['GetRolePolicyCommand', { RoleName: ROLE, PolicyName: 'mtpipe-least-privilege' }]]);
  });

  it('a missing policy is undefined, without reading the role', async () => {
    iamMock.on(GetRolePolicyCommand).rejects(notFound(`The role policy with name mtpipe-least-privilege cannot be found.`));

    await expect(roleInlinePolicy.find(target, policySpec)).resolves.toBeUndefined();
    expect(iamMock).not.toHaveReceivedCommand(GetRoleCommand);
    expect(roleInlinePolicy.diff(undefined, policySpec)).toStrictEqual([{ field: 'document', to: document }]);
  });

  it('a document that differs parsed is one diff; PutRolePolicy sends it as JSON on create and update', async () => {
    iamMock.on(PutRolePolicyCommand).resolves({});
    const old = { document: { ...document, Statement: [] }, tags: TAGS };
    expect(roleInlinePolicy.diff(old, policySpec)).toStrictEqual([{ field: 'document', from: old.document, to: document }]);

    await roleInlinePolicy.create(target, policySpec);
    await roleInlinePolicy.update(target, policySpec, old, roleInlinePolicy.diff(old, policySpec));
    const input = { RoleName: ROLE, PolicyName: 'mtpipe-least-privilege', PolicyDocument: JSON.stringify(document) };
    expect(sentCommands(iamMock)).toStrictEqual([
      ['PutRolePolicyCommand', input],
      ['PutRolePolicyCommand', input],
    ]);
    expect(roleInlinePolicy.name(policySpec)).toBe('mt-build/mtpipe-least-privilege');
  });
});

describe('rolePolicyAttachment', () => {
  const POLICY = 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda';
  const attachment = { roleName: 'mt-codedeploy-dev', policyArn: POLICY };

  afterEach(() => vi.useRealTimers());

  it('pages ListAttachedRolePolicies until it finds the policy', async () => {
    iamMock
      .on(ListAttachedRolePoliciesCommand)
      .resolvesOnce({ AttachedPolicies: [{ PolicyName: 'other', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }], IsTruncated: true, Marker: 'm-1' })
      .resolvesOnce({ AttachedPolicies: [{ PolicyName: 'AWSCodeDeployRoleForLambda', PolicyArn: POLICY }], IsTruncated: false });

    await expect(rolePolicyAttachment.find(target, attachment)).resolves.toBe(true);
    expect(iamMock.commandCalls(ListAttachedRolePoliciesCommand).map((call) => call.args[0].input)).toEqual([
      { RoleName: 'mt-codedeploy-dev' },
      { RoleName: 'mt-codedeploy-dev', Marker: 'm-1' },
    ]);
    expect(rolePolicyAttachment.name(attachment)).toBe('mt-codedeploy-dev <- AWSCodeDeployRoleForLambda');
  });

  it('not attached: undefined, and the plan names role and policy', async () => {
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false });

    await expect(rolePolicyAttachment.find(target, attachment)).resolves.toBeUndefined();
    expect(rolePolicyAttachment.diff(undefined, attachment)).toStrictEqual([
      { field: 'role', to: 'mt-codedeploy-dev' },
      { field: 'policy', to: POLICY },
    ]);
    expect(rolePolicyAttachment.diff(true, attachment)).toStrictEqual([]);
  });

  it('attaches with the exact input, retrying while IAM does not show the role this run created', async () => {
    vi.useFakeTimers();
    iamMock.on(AttachRolePolicyCommand).rejectsOnce(notFound('The role with name mt-codedeploy-dev cannot be found.')).resolvesOnce({});
    const context = runThatCreated('iam:role mt-codedeploy-dev');

    const done = rolePolicyAttachment.create(target, attachment, context);
    await vi.runAllTimersAsync();
    await expect(done).resolves.toStrictEqual({});
    expect(sentCommands(iamMock)).toStrictEqual([
      ['AttachRolePolicyCommand', { RoleName: 'mt-codedeploy-dev', PolicyArn: POLICY }],
      ['AttachRolePolicyCommand', { RoleName: 'mt-codedeploy-dev', PolicyArn: POLICY }],
    ]);
    // the progress line shows the wait
    expect(context.waits).toStrictEqual([['waiting for IAM to propagate', 1000]]);
  });

  it('a managed policy that does not exist fails at once, even on a role this run created (issue 7 item 14)', async () => {
    vi.useFakeTimers();
    const missing = 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaTypo';
    iamMock.on(AttachRolePolicyCommand).rejects(notFound(`Policy ${missing} does not exist or is not attachable.`));
    const context = runThatCreated('iam:role mt-codedeploy-dev');

    const started = Date.now();
    const error = await rolePolicyAttachment.create(target, { ...attachment, policyArn: missing }, context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(Date.now() - started).toBe(0);
    expect(iamMock).toHaveReceivedCommandTimes(AttachRolePolicyCommand, 1);
    expect(context.waits).toStrictEqual([]);
  });
});

describe('roleInlinePolicy on a role created moments ago', () => {
  afterEach(() => vi.useRealTimers());

  it('fails at once on a role this run did not create', async () => {
    const policySpec = { roleName: ROLE, policyName: 'mtpipe-least-privilege', document };
    iamMock.on(PutRolePolicyCommand).rejects(notFound(`The role with name ${ROLE} cannot be found.`));

    await expect(roleInlinePolicy.create(target, policySpec, runThatCreated('iam:role someone-else'))).rejects.toBeInstanceOf(NoSuchEntityException);
    expect(iamMock).toHaveReceivedCommandTimes(PutRolePolicyCommand, 1);
  });

  it('retries PutRolePolicy while IAM does not show the role yet', async () => {
    vi.useFakeTimers();
    const policySpec = { roleName: ROLE, policyName: 'mtpipe-least-privilege', document };
    iamMock.on(PutRolePolicyCommand).rejectsOnce(notFound(`The role with name ${ROLE} cannot be found.`)).resolvesOnce({});

    const done = roleInlinePolicy.create(target, policySpec, runThatCreated(`iam:role ${ROLE}`));
    await vi.runAllTimersAsync();
    await expect(done).resolves.toStrictEqual({});
    expect(iamMock).toHaveReceivedCommandTimes(PutRolePolicyCommand, 2);
  });
});

describe('inline policy size', () => {
  const statement = (i: number) => ({ Sid: `S${i}`, Effect: 'Allow' as const, Action: ['s3:GetObject'], Resource: `arn:aws:s3:::bucket-${i}/*` });
  const doc = (statements: number) => ({ Version: '2012-10-17' as const, Statement: Array.from({ length: statements }, (_, i) => statement(i)) });

  it('a role policy over 10,240 characters (without white space) is a plan problem, one under it is not', () => {
    const small = { roleName: 'r', policyName: 'p', document: doc(10) };
    const large = { roleName: 'r', policyName: 'p', document: doc(200) };
    expect(JSON.stringify(large.document).length).toBeGreaterThan(10_240);
    expect(roleInlinePolicy.check?.(undefined, small)).toBeUndefined();
    expect(roleInlinePolicy.check?.(undefined, large)).toMatch(/more than IAM's 10240 for the inline policies of one role/);
  });
});
