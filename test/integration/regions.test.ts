import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRolesCommand,
  UntagPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { BOOTSTRAP_STEPS } from '../../src/commands/bootstrap.js';
import { initRepo } from '../../src/commands/init-repo.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { ACCOUNT, DEVELOPER_POLICY, DEVELOPERS, HF_TOKEN, PROTECT_POLICY_ARN, restoreHfTokenAfterEach, setHfToken, stateClients } from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

/** Every IAM policy document of the project as IAM returns it: what a second region must not touch. */
async function iamDocuments(): Promise<Record<string, string | undefined>> {
  const documents: Record<string, string | undefined> = {};
  const { Policy } = await aws.iam.send(new GetPolicyCommand({ PolicyArn: PROTECT_POLICY_ARN }));
  documents.protect = (await aws.iam.send(new GetPolicyVersionCommand({ PolicyArn: PROTECT_POLICY_ARN, VersionId: Policy!.DefaultVersionId }))).PolicyVersion?.Document;
  documents.developers = (await aws.iam.send(new GetGroupPolicyCommand({ GroupName: DEVELOPERS, PolicyName: DEVELOPER_POLICY }))).PolicyDocument;
  const { Roles = [] } = await aws.iam.send(new ListRolesCommand({ PathPrefix: '/mtpipe/' }));
  for (const role of Roles) {
    documents[`role ${role.RoleName}`] = (await aws.iam.send(new GetRolePolicyCommand({ RoleName: role.RoleName, PolicyName: 'mtpipe-least-privilege' })).catch(() => undefined))?.PolicyDocument;
  }
  return documents;
}

const REFUSAL = /serves region us-east-1 of project "mt-pipeline": IAM names are account-wide, so one project cannot run in two regions of one account; use a distinct project name per region \(project in mtpipe\.yaml\)/;

describe('one project in a second region of the same account (issue 6.4)', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  it('init-repo in eu-west-1 after us-east-1: exit 2, the region and the fix named, zero writes, us-east-1 policies as they were', async () => {
    expect((await runInProcess('init-repo', [initRepo], moto, { options: { region: 'us-east-1' } })).error).toBeUndefined();
    const { Policy } = await aws.iam.send(new GetPolicyCommand({ PolicyArn: PROTECT_POLICY_ARN }));
    expect(Policy?.Tags).toContainEqual({ Key: 'mtpipe:region', Value: 'us-east-1' });
    const before = await iamDocuments();
    expect(decodeURIComponent(before.protect!)).toContain(`arn:aws:codecommit:us-east-1:${ACCOUNT}:machine-translation`);

    const second = await runInProcess('init-repo', [initRepo], moto, { options: { region: 'eu-west-1' } });
    expect((second.error as { exitCode?: number }).exitCode).toBe(2);
    expect((second.error as Error).message).toMatch(REFUSAL);
    // the group cannot carry the tag: its policy is refused because the project's tagged policy is
    expect((second.error as Error).message).toContain(`${DEVELOPERS}/${DEVELOPER_POLICY}: IAM names are the project's`);
    expect(second.stdout).toMatch(REFUSAL);
    expect(second.writes).toEqual([]);
    expect(await iamDocuments()).toEqual(before);
  });

  it('bootstrap in eu-west-1 after us-east-1: exit 2 with zero writes; the roles keep their region and policies', async () => {
    setHfToken(HF_TOKEN);
    expect((await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto, { options: { region: 'us-east-1' } })).error).toBeUndefined();
    const before = await iamDocuments();
    expect(Object.keys(before).filter((key) => key.startsWith('role ')).length).toBeGreaterThanOrEqual(7);

    const second = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto, { options: { region: 'eu-west-1' } });
    expect((second.error as { exitCode?: number }).exitCode).toBe(2);
    expect((second.error as Error).message).toMatch(REFUSAL);
    expect(second.writes).toEqual([]);
    expect(await iamDocuments()).toEqual(before);
    const { Role } = await aws.iam.send(new GetRoleCommand({ RoleName: 'mt-pipeline-pipeline' }));
    expect(Role?.Tags).toContainEqual({ Key: 'mtpipe:region', Value: 'us-east-1' });

    // the way out the message names: another project name serves eu-west-1 side by side
    const other = await runInProcess('bootstrap', BOOTSTRAP_STEPS, moto, { options: { region: 'eu-west-1' }, overrides: { project: 'mt-pipeline-eu' } });
    expect(other.error).toBeUndefined();
    const after = await iamDocuments();
    expect(Object.fromEntries(Object.keys(before).map((key) => [key, after[key]]))).toEqual(before);
    expect(Object.keys(after).filter((key) => key.startsWith('role mt-pipeline-eu-')).length).toBe(Object.keys(before).length - 2);
  });

  it('a project whose IAM resources have no region tag yet (made before it existed) is claimed by the next run', async () => {
    expect((await runInProcess('init-repo', [initRepo], moto, { options: { region: 'us-east-1' } })).error).toBeUndefined();
    await aws.iam.send(new UntagPolicyCommand({ PolicyArn: PROTECT_POLICY_ARN, TagKeys: ['mtpipe:region'] }));

    const claim = await runInProcess('init-repo', [initRepo], moto, { options: { region: 'us-east-1' } });
    expect(claim.error).toBeUndefined();
    expect(claim.writes.map((call) => call.operation)).toEqual(['TagPolicy']);
    const { Policy } = await aws.iam.send(new GetPolicyCommand({ PolicyArn: PROTECT_POLICY_ARN }));
    expect(Policy?.Tags).toContainEqual({ Key: 'mtpipe:region', Value: 'us-east-1' });
  });
});
