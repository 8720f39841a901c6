import { TagResourceCommand } from '@aws-sdk/client-codecommit';
import { CreatePolicyVersionCommand, PutGroupPolicyCommand, TagPolicyCommand } from '@aws-sdk/client-iam';
import { AddTagsToResourceCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { AwsCall } from '../../src/aws/call-log.js';
import { initRepo } from '../../src/commands/init-repo.js';
import { setParams } from '../../src/commands/set-params.js';
import { validateCalls } from '../support/api-models.js';
import { runInProcess, type RunOptions } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import {
  DEVELOPER_POLICY,
  DEVELOPERS,
  HF_TOKEN,
  operationsOf,
  parameterName,
  PROTECT_POLICY_ARN,
  REPOSITORY_ARN,
  restoreHfTokenAfterEach,
  setHfToken,
  stateClients,
} from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

const steps = [initRepo, setParams];

/** Out-of-band changes that make the next run use every update path of init-repo and set-params. */
async function driftEverything(): Promise<void> {
  const otherDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'codecommit:GitPush', Resource: '*' }] });
  await aws.ssm.send(new PutParameterCommand({ Name: parameterName('dev', 'output_bucket_name'), Value: 'drifted', Type: 'String', Overwrite: true }));
  await aws.ssm.send(
    new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: parameterName('prod', 'input_bucket_name'), Tags: [{ Key: 'mtpipe:env', Value: 'other' }] }),
  );
  await aws.ssm.send(
    new PutParameterCommand({
      Name: parameterName('dev', 'retired_setting'),
      Value: 'v',
      Type: 'String',
      Tags: [
        { Key: 'mtpipe:project', Value: 'mt-pipeline' },
        { Key: 'mtpipe:env', Value: 'dev' },
      ],
    }),
  );
  await aws.codecommit.send(new TagResourceCommand({ resourceArn: REPOSITORY_ARN, tags: { 'mtpipe:env': 'other' } }));
  // four more versions: IAM keeps five at most, so mtpipe must delete one before it adds its own
  for (let version = 2; version <= 5; version++) {
    await aws.iam.send(new CreatePolicyVersionCommand({ PolicyArn: PROTECT_POLICY_ARN, PolicyDocument: otherDocument, SetAsDefault: version === 5 }));
  }
  await aws.iam.send(new TagPolicyCommand({ PolicyArn: PROTECT_POLICY_ARN, Tags: [{ Key: 'mtpipe:env', Value: 'other' }] }));
  await aws.iam.send(new PutGroupPolicyCommand({ GroupName: DEVELOPERS, PolicyName: DEVELOPER_POLICY, PolicyDocument: otherDocument }));
}

describe('every request mtpipe sends is valid against the AWS API models (botocore)', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  it('init-repo and set-params: first run, second run, update run, converged run', async () => {
    const calls: AwsCall[] = [];
    const run = async (label: string, options: RunOptions = {}) => {
      const result = await runInProcess('bootstrap', steps, moto, options);
      expect(result.error, `${label}: ${String(result.error)}`).toBeUndefined();
      calls.push(...result.calls);
      return result;
    };

    setHfToken(HF_TOKEN);
    const first = await run('first run');
    expect(first.writes).toHaveLength(23);
    const second = await run('second run');
    expect(second.writes).toEqual([]);

    await driftEverything();
    setHfToken('hf_rotatedTokenForUpdateRun');
    const update = await run('update run', { overrides: { 'repository.description': 'Updated by the test', 'repository.approvals': 2 } });
    expect(operationsOf(update.writes).sort()).toEqual(
      [
        'CodeCommit.TagResource',
        'CodeCommit.UpdateApprovalRuleTemplateContent',
        'CodeCommit.UpdateApprovalRuleTemplateDescription',
        'CodeCommit.UpdateRepositoryDescription',
        'IAM.CreatePolicyVersion',
        'IAM.DeletePolicyVersion',
        'IAM.PutGroupPolicy',
        'IAM.TagPolicy',
        'SSM.AddTagsToResource',
        'SSM.DeleteParameter',
        // drifted value + both rotated tokens
        'SSM.PutParameter',
        'SSM.PutParameter',
        'SSM.PutParameter',
      ].sort(),
    );
    const converged = await run('converged run', { overrides: { 'repository.description': 'Updated by the test', 'repository.approvals': 2 } });
    expect(converged.writes).toEqual([]);

    const dryRun = await run('dry run with adopt', { options: { dryRun: true, adopt: true } });
    expect(dryRun.writes).toEqual([]);

    const { violations, notes } = validateCalls(calls);
    expect(violations, `requests the AWS API would reject:\n${violations.join('\n')}`).toEqual([]);
    // nothing was skipped for want of a JavaScript pattern; the only notes are about redacted values
    expect(notes.filter((note) => !note.includes('redacted value, checked as a string only'))).toEqual([]);

    // the check covered what it should: every read and write operation of both steps
    const covered = new Set(operationsOf(calls));
    for (const operation of [
      'STS.GetCallerIdentity',
      'CodeCommit.GetRepository',
      // the project's tags come from the tag index, not CodeCommit's and SSM's ListTagsForResource
      'ResourceGroupsTaggingAPI.GetResources',
      'CodeCommit.CreateRepository',
      'CodeCommit.GetApprovalRuleTemplate',
      'CodeCommit.CreateApprovalRuleTemplate',
      'CodeCommit.ListAssociatedApprovalRuleTemplatesForRepository',
      'CodeCommit.AssociateApprovalRuleTemplateWithRepository',
      // the policy's tags; its document, the group and its policies come from the bulk read (src/aws/iam-snapshot.ts)
      'IAM.GetPolicy',
      'IAM.GetAccountAuthorizationDetails',
      'IAM.ListRoles',
      'IAM.ListPolicyVersions',
      'IAM.CreatePolicy',
      'IAM.CreateGroup',
      'IAM.AttachGroupPolicy',
      'SSM.GetParameters',
      'SSM.DescribeParameters',
    ]) {
      expect(covered, operation).toContain(operation);
    }
    // enough calls were checked for the check to mean something (four runs of two steps, reads in bulk)
    expect(calls.length).toBeGreaterThan(60);
  });

  it('a configuration at the limits the schema accepts yields only requests AWS accepts (or is refused before any call)', async () => {
    setHfToken(HF_TOKEN);
    const env = `e${'x'.repeat(19)}`;
    const result = await runInProcess('bootstrap', steps, moto, {
      overrides: {
        project: `p${'x'.repeat(29)}`, // 30: the schema's maximum
        'repository.name': 'r'.repeat(100),
        'repository.description': 'd'.repeat(1000),
        'repository.branch': `release/${'b'.repeat(80)}`, // the schema allows 256
        'repository.approvals': 10,
        environments: { [env]: { parameters: { ['n'.repeat(100)]: 'v'.repeat(4096) } } },
      },
    });
    if (result.error !== undefined) {
      // refusing the configuration is fine, as long as it happens up front
      expect((result.error as { exitCode?: number }).exitCode).toBe(2);
      expect(result.writes).toEqual([]);
    }
    const { violations } = validateCalls(result.calls);
    expect(violations, `requests the AWS API would reject:\n${violations.join('\n')}`).toEqual([]);
  });

  it('the validator is not blind: a recorded call with a bad value is reported', async () => {
    setHfToken(HF_TOKEN);
    const result = await runInProcess('set-params', [setParams], moto);
    const put = result.writes.find((call) => call.operation === 'PutParameter')!;
    const broken = { ...put, input: { ...(put.input as object), Type: 'Plain', Tier: 'Cheap' } };
    expect(validateCalls([broken]).violations).toEqual([
      expect.stringMatching(/SSM\.PutParameter Type: "Plain" is not one of/),
      expect.stringMatching(/SSM\.PutParameter Tier: "Cheap" is not one of/),
    ]);
  });
});
