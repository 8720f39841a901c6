import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  LimitExceededException,
  ListAttachedGroupPoliciesCommand,
  NoSuchEntityException,
  PutGroupPolicyCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { groupInlinePolicy, groupPolicyAttachment, iamGroup } from '../../../src/aws/iam-group.js';
import { developerAccessPolicy } from '../../../src/commands/init-repo.js';
import { IAM_PROPAGATION_TIMEOUT_MS } from '../../../src/engine/retry.js';
import { markIamWritten } from '../../../src/aws/iam-snapshot.js';
import { testTarget } from '../../support/target.js';
import { iamMock, resetSdkMocks, sentCommands } from './mock-sdk.js';
import { runThatCreated } from '../write-context.js';

// retryWhile (src/engine/retry.ts) waits with the global setTimeout: under fake timers the waits are
// recorded by a spy and run instantly, while Date.now moves with them so the deadline still holds.
let timeoutSpy: { mock: { calls: unknown[][] }; mockRestore(): void };
const waits = (): number[] => timeoutSpy.mock.calls.map((call) => call[1] as number);

/** Runs `operation` to its end with every timer it sets fired at once; returns the error if it throws. */
async function settle(operation: Promise<unknown>): Promise<unknown> {
  const outcome = operation.then(
    () => undefined,
    (error: unknown) => error,
  );
  await vi.runAllTimersAsync();
  return outcome;
}

const target = testTarget();
// resource by resource, as after a write of this run; the bulk snapshot's reads: iam-snapshot.test.ts
markIamWritten(target);
const GROUP = 'mt-developers';
const POLICY_ARN = 'arn:aws:iam::123456789012:policy/mtpipe/mt-protect-main';
const REPO_ARN = 'arn:aws:codecommit:us-east-1:123456789012:mt-repo';
const notFound = (message = 'The group with name mt-developers cannot be found.') => new NoSuchEntityException({ message, $metadata: {} });

beforeEach(() => {
  resetSdkMocks();
  vi.useFakeTimers();
  timeoutSpy = vi.spyOn(globalThis, 'setTimeout');
});
afterEach(() => {
  timeoutSpy.mockRestore();
  vi.useRealTimers();
});

describe('iamGroup', () => {
  const spec = { name: GROUP, path: '/mtpipe/' };

  it('finds the group and its path', async () => {
    iamMock.on(GetGroupCommand).resolves({ Group: { GroupName: GROUP, Path: '/mtpipe/', GroupId: 'AGPA', Arn: 'x', CreateDate: new Date() }, Users: [] });

    await expect(iamGroup.find(target, spec)).resolves.toStrictEqual({ path: '/mtpipe/' });
    expect(sentCommands(iamMock)).toStrictEqual([['GetGroupCommand', { GroupName: GROUP, MaxItems: 1 }]]);
  });

  it('returns undefined on NoSuchEntityException and rethrows other errors', async () => {
    iamMock.on(GetGroupCommand).rejectsOnce(notFound()).rejectsOnce(new LimitExceededException({ message: 'limit', $metadata: {} }));

    await expect(iamGroup.find(target, spec)).resolves.toBeUndefined();
    await expect(iamGroup.find(target, spec)).rejects.toBeInstanceOf(LimitExceededException);
  });

  it('diffs the path, creates with name and path, updates with NewPath', async () => {
    expect(iamGroup.diff({ path: '/mtpipe/' }, spec)).toStrictEqual([]);
    expect(iamGroup.diff({ path: '/' }, spec)).toStrictEqual([{ field: 'path', from: '/', to: '/mtpipe/' }]);
    iamMock.on(CreateGroupCommand).resolves({ Group: { GroupName: GROUP, Path: '/mtpipe/', GroupId: 'AGPA', Arn: 'arn:from-aws', CreateDate: new Date() } });
    iamMock.on(UpdateGroupCommand).resolves({});

    await expect(iamGroup.create(target, spec)).resolves.toStrictEqual({ arn: 'arn:from-aws' });
    await expect(iamGroup.update(target, spec, { path: '/' }, [])).resolves.toStrictEqual({ arn: 'arn:aws:iam::123456789012:group/mtpipe/mt-developers' });
    expect(sentCommands(iamMock)).toStrictEqual([
      ['CreateGroupCommand', { GroupName: GROUP, Path: '/mtpipe/' }],
      ['UpdateGroupCommand', { GroupName: GROUP, NewPath: '/mtpipe/' }],
    ]);
  });
});

describe('groupInlinePolicy', () => {
  const document = developerAccessPolicy(target, REPO_ARN);
  const spec = { groupName: GROUP, policyName: 'mt-repository-access', document };

  it('decodes the URL-encoded document and finds no difference when equal', async () => {
    iamMock.on(GetGroupPolicyCommand).resolves({ GroupName: GROUP, PolicyName: 'mt-repository-access', PolicyDocument: encodeURIComponent(JSON.stringify(document)) });

    const found = await groupInlinePolicy.find(target, spec);
    expect(found).toStrictEqual({ document });
    expect(groupInlinePolicy.diff(found, spec)).toStrictEqual([]);
    expect(sentCommands(iamMock)).toStrictEqual([['GetGroupPolicyCommand', { GroupName: GROUP, PolicyName: 'mt-repository-access' }]]);
  });

  it('returns undefined on NoSuchEntityException', async () => {
    iamMock.on(GetGroupPolicyCommand).rejects(notFound('The group policy with name mt-repository-access cannot be found.'));

    await expect(groupInlinePolicy.find(target, spec)).resolves.toBeUndefined();
    expect(groupInlinePolicy.diff(undefined, spec)).toStrictEqual([{ field: 'document', to: document }]);
  });

  it('puts the document as JSON, on create and on update', async () => {
    iamMock.on(PutGroupPolicyCommand).resolves({});

    await groupInlinePolicy.create(target, spec);
    await groupInlinePolicy.update(target, spec, { document: {} }, groupInlinePolicy.diff({ document: {} }, spec));
    const inputs = iamMock.commandCalls(PutGroupPolicyCommand).map((call) => call.args[0].input);
    expect(inputs).toHaveLength(2);
    for (const input of inputs) {
      expect(input).toStrictEqual({ GroupName: GROUP, PolicyName: 'mt-repository-access', PolicyDocument: JSON.stringify(document) });
      const sent = JSON.parse(input.PolicyDocument!) as typeof document;
      expect(sent).toStrictEqual(document);
      expect(sent.Statement[0]!.Resource).toBe(REPO_ARN);
      // the IAM policy variable is sent literally, not interpolated
      expect(sent.Statement[1]!.Resource).toBe('arn:aws:iam::123456789012:user/${aws:username}');
    }
  });
});

describe('groupPolicyAttachment', () => {
  const spec = { groupName: GROUP, policyArn: POLICY_ARN };

  it('finds the attachment on a second page (IsTruncated/Marker)', async () => {
    iamMock
      .on(ListAttachedGroupPoliciesCommand)
      .resolvesOnce({ AttachedPolicies: [{ PolicyName: 'other', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }], IsTruncated: true, Marker: 'm-1' })
      .resolvesOnce({ AttachedPolicies: [{ PolicyName: 'mt-protect-main', PolicyArn: POLICY_ARN }], IsTruncated: false });

    await expect(groupPolicyAttachment.find(target, spec)).resolves.toBe(true);
    const inputs = iamMock.commandCalls(ListAttachedGroupPoliciesCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([{ GroupName: GROUP }, { GroupName: GROUP, Marker: 'm-1' }]);
  });

  it('stops at a page that is not truncated, even if it carries a Marker', async () => {
    iamMock.on(ListAttachedGroupPoliciesCommand).resolves({ AttachedPolicies: [], IsTruncated: false, Marker: 'stale' });

    await expect(groupPolicyAttachment.find(target, spec)).resolves.toBeUndefined();
    expect(iamMock).toHaveReceivedCommandTimes(ListAttachedGroupPoliciesCommand, 1);
    expect(groupPolicyAttachment.diff(undefined, spec)).toStrictEqual([
      { field: 'group', to: GROUP },
      { field: 'policy', to: POLICY_ARN },
    ]);
    expect(groupPolicyAttachment.diff(true, spec)).toStrictEqual([]);
  });

  it('attaches with the exact input', async () => {
    iamMock.on(AttachGroupPolicyCommand).resolves({});

    await groupPolicyAttachment.create(target, spec);
    expect(sentCommands(iamMock)).toStrictEqual([['AttachGroupPolicyCommand', { GroupName: GROUP, PolicyArn: POLICY_ARN }]]);
    expect(waits()).toStrictEqual([]);
  });

  it('retries AttachGroupPolicy when the new policy is not visible yet (NoSuchEntity)', async () => {
    iamMock
      .on(AttachGroupPolicyCommand)
      .rejectsOnce(notFound(`Policy ${POLICY_ARN} does not exist or is not attachable.`))
      .resolvesOnce({});

    expect(await settle(groupPolicyAttachment.create(target, spec, runThatCreated(`iam:policy ${POLICY_ARN}`)))).toBeUndefined();
    expect(sentCommands(iamMock)).toStrictEqual([
      ['AttachGroupPolicyCommand', { GroupName: GROUP, PolicyArn: POLICY_ARN }],
      ['AttachGroupPolicyCommand', { GroupName: GROUP, PolicyArn: POLICY_ARN }],
    ]);
    expect(waits()).toStrictEqual([1000]);
  });

  it('fails at once when neither the policy nor the group was created in this run (issue 7 item 14)', async () => {
    iamMock.on(AttachGroupPolicyCommand).rejects(notFound(`Policy ${POLICY_ARN} does not exist or is not attachable.`));

    expect(await settle(groupPolicyAttachment.create(target, spec, runThatCreated()))).toBeInstanceOf(NoSuchEntityException);
    expect(await settle(groupPolicyAttachment.create(target, spec))).toBeInstanceOf(NoSuchEntityException);
    expect(iamMock).toHaveReceivedCommandTimes(AttachGroupPolicyCommand, 2);
    expect(waits()).toStrictEqual([]);
  });

  it('does not retry other errors', async () => {
    iamMock.on(AttachGroupPolicyCommand).rejects(new LimitExceededException({ message: 'too many policies', $metadata: {} }));

    await expect(groupPolicyAttachment.create(target, spec)).rejects.toBeInstanceOf(LimitExceededException);
    expect(iamMock).toHaveReceivedCommandTimes(AttachGroupPolicyCommand, 1);
    expect(waits()).toStrictEqual([]);
  });

  it('gives up after the IAM propagation timeout', async () => {
    iamMock.on(AttachGroupPolicyCommand).rejects(notFound(`Policy ${POLICY_ARN} does not exist or is not attachable.`));

    expect(await settle(groupPolicyAttachment.create(target, spec, runThatCreated(`iam:policy ${POLICY_ARN}`)))).toBeInstanceOf(NoSuchEntityException);
    const total = waits().reduce((sum, ms) => sum + ms, 0);
    expect(total).toBeLessThanOrEqual(IAM_PROPAGATION_TIMEOUT_MS);
    expect(total).toBeGreaterThan(IAM_PROPAGATION_TIMEOUT_MS - 15_000);
    expect(waits().slice(0, 5)).toStrictEqual([1000, 2000, 4000, 8000, 15_000]);
    expect(iamMock).toHaveReceivedCommandTimes(AttachGroupPolicyCommand, waits().length + 1);
  });
});
