import {
  CreateRoleCommand,
  EntityAlreadyExistsException,
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  ListRolesCommand,
  UpdateRoleCommand,
  type GetAccountAuthorizationDetailsResponse,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { groupInlinePolicy, groupPolicyAttachment, iamGroup } from '../../../src/aws/iam-group.js';
import { managedPolicy, type PolicyDocument } from '../../../src/aws/iam-policy.js';
import { iamRole, roleInlinePolicy, rolePolicyAttachment, type RoleSpec } from '../../../src/aws/iam-role.js';
import { MAX_PAGES } from '../../../src/aws/iam-snapshot.js';
import { apply } from '../../../src/engine/apply.js';
import { plan } from '../../../src/engine/plan.js';
import type { Desired, ResourceKind, Target } from '../../../src/engine/types.js';
import { testTarget } from '../../support/target.js';
import { iamMock, resetSdkMocks, sentCommands } from './mock-sdk.js';

const ACCOUNT = '123456789012';
const TAGS = { 'mtpipe:project': 'mt', 'mtpipe:region': 'us-east-1' };
const tagList = Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value }));
const document: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }] };
const otherDocument: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: '*' }] };
const trust = { Version: '2012-10-17' as const, Statement: [{ Effect: 'Allow' as const, Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
/** IAM returns policy documents URL-encoded (RFC 3986), in the bulk answer too. */
const encoded = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));

const role: RoleSpec = { name: 'mt-build', path: '/mtpipe/', trustPolicy: trust, description: 'mtpipe (mt): build role', maxSessionDuration: 3600, tags: TAGS };
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mtpipe/mt-build`;
const POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/mtpipe/mt-protect-main`;
const AWS_MANAGED = 'arn:aws:iam::aws:policy/AWSCodeDeployRoleForLambda';
const policySpec = { name: 'mt-protect-main', path: '/mtpipe/', description: 'd', document, tags: TAGS };

/** Every IAM kind once, as setup-security and access plan them. */
function desired(target: Target): Desired[] {
  const item = <S,>(kind: ResourceKind<S, unknown>, spec: S): Desired => ({ id: `${kind.kind} ${kind.name(spec)}`, kind: kind as ResourceKind<unknown, unknown>, spec, target });
  return [
    item(iamRole, role),
    item(roleInlinePolicy, { roleName: 'mt-build', policyName: 'mtpipe', document }),
    item(rolePolicyAttachment, { roleName: 'mt-build', policyArn: AWS_MANAGED }),
    item(iamGroup, { name: 'mt-developers', path: '/mtpipe/' }),
    item(groupInlinePolicy, { groupName: 'mt-developers', policyName: 'mtpipe', document }),
    item(groupPolicyAttachment, { groupName: 'mt-developers', policyArn: POLICY_ARN }),
    item(managedPolicy, policySpec),
  ];
}

/** The account as mtpipe left it: a no-op. */
const account: GetAccountAuthorizationDetailsResponse = {
  RoleDetailList: [
    {
      RoleName: 'mt-build',
      Path: '/mtpipe/',
      Arn: ROLE_ARN,
      AssumeRolePolicyDocument: encoded(trust),
      Tags: tagList,
      RolePolicyList: [{ PolicyName: 'mtpipe', PolicyDocument: encoded(document) }],
      AttachedManagedPolicies: [{ PolicyName: 'AWSCodeDeployRoleForLambda', PolicyArn: AWS_MANAGED }],
    },
  ],
  GroupDetailList: [
    {
      GroupName: 'mt-developers',
      Path: '/mtpipe/',
      GroupPolicyList: [{ PolicyName: 'mtpipe', PolicyDocument: encoded(document) }],
      AttachedManagedPolicies: [{ PolicyName: 'mt-protect-main', PolicyArn: POLICY_ARN }],
    },
  ],
  Policies: [
    {
      PolicyName: 'mt-protect-main',
      Arn: POLICY_ARN,
      DefaultVersionId: 'v2',
      PolicyVersionList: [
        { VersionId: 'v1', IsDefaultVersion: false, Document: encoded(otherDocument) },
        { VersionId: 'v2', IsDefaultVersion: true, Document: encoded(document) },
      ],
    },
  ],
  IsTruncated: false,
};
const listedRole = { RoleName: 'mt-build', RoleId: 'AROA', Path: '/mtpipe/', Arn: ROLE_ARN, CreateDate: new Date(), Description: role.description, MaxSessionDuration: 3600 };
const getPolicy = { Policy: { PolicyName: 'mt-protect-main', Arn: POLICY_ARN, DefaultVersionId: 'v2', Tags: tagList } };

const RULES = { project: 'mt', region: 'us-east-1', adopt: false };
const names = () => sentCommands(iamMock).map(([name]) => name);

beforeEach(() => {
  resetSdkMocks();
  iamMock.on(GetPolicyCommand).resolves(getPolicy);
});

describe('the IAM kinds on one snapshot of the account', () => {
  it('plan a no-op with one GetAccountAuthorizationDetails, one ListRoles and GetPolicy (for its tags), all at once', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves(account);
    iamMock.on(ListRolesCommand).resolves({ Roles: [listedRole], IsTruncated: false });

    const changes = await plan(desired(testTarget()), RULES);

    expect(changes.map((change) => [change.desired.id, change.action, change.diffs])).toStrictEqual(desired(testTarget()).map((item) => [item.id, 'noop', []]));
    expect(names().sort()).toStrictEqual(['GetAccountAuthorizationDetailsCommand', 'GetPolicyCommand', 'ListRolesCommand']);
    expect(iamMock).toHaveReceivedCommandWith(GetAccountAuthorizationDetailsCommand, { Filter: ['Role', 'Group', 'LocalManagedPolicy'], MaxItems: 1000 });
    expect(iamMock).toHaveReceivedCommandWith(ListRolesCommand, { MaxItems: 1000 });
  });

  it('see what the snapshot holds: another description, a missing attachment and inline policy, foreign tags', async () => {
    const [detail] = account.RoleDetailList!;
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      ...account,
      RoleDetailList: [{ ...detail!, Tags: [{ Key: 'mtpipe:project', Value: 'other' }], RolePolicyList: [], AttachedManagedPolicies: [] }],
      GroupDetailList: [],
    });
    iamMock.on(ListRolesCommand).resolves({ Roles: [{ ...listedRole, Description: 'old', MaxSessionDuration: 7200 }] });

    const changes = await plan(desired(testTarget()), RULES);

    const byId = Object.fromEntries(changes.map((change) => [change.desired.id, change]));
    expect(byId['iam:role mt-build']).toMatchObject({
      action: 'update',
      unmanaged: true,
      diffs: [
        { field: 'description', from: 'old', to: role.description },
        { field: 'maxSessionDuration', from: 7200, to: 3600 },
        { field: 'tags', from: { 'mtpipe:project': 'other' }, to: TAGS },
      ],
    });
    expect(byId['iam:role-policy mt-build/mtpipe']?.action).toBe('create');
    expect(byId['iam:role-policy-attachment mt-build <- AWSCodeDeployRoleForLambda']?.action).toBe('create');
    expect(byId['iam:group mt-developers']?.action).toBe('create');
    expect(byId['iam:group-policy mt-developers/mtpipe']?.action).toBe('create');
    expect(names()).not.toContain('GetRoleCommand');
  });

  it('follow Marker over several pages', async () => {
    const [detail] = account.RoleDetailList!;
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({ RoleDetailList: [{ ...detail!, RoleName: 'someone-else' }], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ ...account, IsTruncated: false });
    iamMock
      .on(ListRolesCommand)
      .resolvesOnce({ Roles: [{ ...listedRole, RoleName: 'someone-else' }], IsTruncated: true, Marker: 'r1' })
      .resolvesOnce({ Roles: [listedRole], IsTruncated: false });
    const target = testTarget();

    await expect(iamRole.find(target, role)).resolves.toMatchObject({ arn: ROLE_ARN, description: role.description, tags: TAGS });

    expect(sentCommands(iamMock).filter(([name]) => name !== 'GetPolicyCommand')).toStrictEqual([
      ['GetAccountAuthorizationDetailsCommand', { Filter: ['Role', 'Group', 'LocalManagedPolicy'], MaxItems: 1000, Marker: undefined }],
      ['ListRolesCommand', { MaxItems: 1000, Marker: undefined }],
      ['GetAccountAuthorizationDetailsCommand', { Filter: ['Role', 'Group', 'LocalManagedPolicy'], MaxItems: 1000, Marker: 'm1' }],
      ['ListRolesCommand', { MaxItems: 1000, Marker: 'r1' }],
    ]);
  });

  it(`give up after ${MAX_PAGES} pages: every kind reads its own, as without the snapshot`, async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ IsTruncated: true, Marker: 'more' });
    iamMock.on(ListRolesCommand).resolves({ Roles: [listedRole], IsTruncated: false });
    iamMock.on(GetRoleCommand).resolves({ Role: { ...listedRole, AssumeRolePolicyDocument: encoded(trust), Tags: tagList } });
    iamMock.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { VersionId: 'v2', Document: encoded(document) } });
    const target = testTarget();

    const [found, policy] = await Promise.all([iamRole.find(target, role), managedPolicy.find(target, policySpec)]);

    expect(iamRole.diff(found, role)).toStrictEqual([]);
    expect(managedPolicy.diff(policy, policySpec)).toStrictEqual([]);
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(MAX_PAGES);
    expect(iamMock).toHaveReceivedCommandWith(GetRoleCommand, { RoleName: 'mt-build' });
    expect(iamMock).toHaveReceivedCommandWith(GetPolicyVersionCommand, { PolicyArn: POLICY_ARN, VersionId: 'v2' });
  });

  it('without permission for the bulk read (AccessDenied), read resource by resource', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    iamMock.on(ListRolesCommand).resolves({ Roles: [listedRole] });
    iamMock.on(GetRoleCommand).resolves({ Role: { ...listedRole, AssumeRolePolicyDocument: encoded(trust), Tags: tagList } });
    const target = testTarget();

    await expect(iamRole.find(target, role)).resolves.toMatchObject({ arn: ROLE_ARN, tags: TAGS });
    await expect(iamRole.find(target, role)).resolves.toMatchObject({ arn: ROLE_ARN, tags: TAGS });

    // asked once per run and account, not once per resource
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(GetRoleCommand)).toHaveLength(2);
  });

  it('read IAM itself after a write of this run: "already exists" converges on the role as it is now', async () => {
    // the snapshot (taken before) has no role; someone made it since, with another description
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ IsTruncated: false });
    iamMock.on(ListRolesCommand).resolves({ Roles: [] });
    iamMock.on(CreateRoleCommand).rejects(new EntityAlreadyExistsException({ message: 'Role with name mt-build already exists.', $metadata: {} }));
    iamMock.on(GetRoleCommand).resolves({ Role: { ...listedRole, Description: 'old', AssumeRolePolicyDocument: encoded(trust), Tags: tagList } });
    iamMock.on(UpdateRoleCommand).resolves({});
    const target = testTarget();
    const [roleItem] = desired(target);

    const changes = await plan([roleItem!], RULES);
    expect(changes[0]?.action).toBe('create');
    const [result] = await apply(changes, { concurrency: 1, ...RULES });

    expect(result?.status).toBe('created');
    expect(iamMock).toHaveReceivedCommandWith(GetRoleCommand, { RoleName: 'mt-build' });
    expect(iamMock).toHaveReceivedCommandWith(UpdateRoleCommand, { RoleName: 'mt-build', Description: role.description, MaxSessionDuration: 3600 });
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
  });
});
