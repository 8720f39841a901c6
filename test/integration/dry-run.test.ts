import { GetApprovalRuleTemplateCommand, GetRepositoryCommand } from '@aws-sdk/client-codecommit';
import { GetGroupCommand, GetPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { initRepo } from '../../src/commands/init-repo.js';
import { setParams } from '../../src/commands/set-params.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import {
  DEVELOPER_POLICY,
  DEVELOPERS,
  errorNameOf,
  expectedParameters,
  HF_TOKEN,
  parameterName,
  parametersUnder,
  PROTECT_POLICY,
  PROTECT_POLICY_ARN,
  REPOSITORY,
  REPOSITORY_DESCRIPTION,
  restoreHfTokenAfterEach,
  setHfToken,
  stateClients,
  TEMPLATE,
} from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

/** Every resource init-repo and set-params manage, as the plan names them. */
function everyResource(): string[] {
  const params = ['dev', 'prod'].flatMap((env) =>
    [...Object.keys(expectedParameters(env)), 'hugging_face_token'].map((name) => `ssm:parameter ${parameterName(env, name)}`),
  );
  return [
    `codecommit:repository ${REPOSITORY}`,
    `codecommit:approval-rule-template ${TEMPLATE}`,
    `codecommit:approval-rule-template-association ${TEMPLATE} -> ${REPOSITORY}`,
    `iam:policy ${PROTECT_POLICY}`,
    `iam:group ${DEVELOPERS}`,
    `iam:group-policy ${DEVELOPERS}/${DEVELOPER_POLICY}`,
    `iam:group-policy-attachment ${DEVELOPERS} <- ${PROTECT_POLICY}`,
    ...params,
  ];
}

async function expectNothingExists(): Promise<void> {
  expect(await errorNameOf(aws.codecommit.send(new GetRepositoryCommand({ repositoryName: REPOSITORY })))).toBe('RepositoryDoesNotExistException');
  expect(await errorNameOf(aws.codecommit.send(new GetApprovalRuleTemplateCommand({ approvalRuleTemplateName: TEMPLATE })))).toBe(
    'ApprovalRuleTemplateDoesNotExistException',
  );
  expect(await errorNameOf(aws.iam.send(new GetPolicyCommand({ PolicyArn: PROTECT_POLICY_ARN })))).toBe('NoSuchEntityException');
  expect(await errorNameOf(aws.iam.send(new GetGroupCommand({ GroupName: DEVELOPERS })))).toBe('NoSuchEntityException');
  expect((await parametersUnder(aws.ssm, '/mt-pipeline/')).size).toBe(0);
}

describe('--dry-run against an empty moto', () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();

  it('makes no write call, lists every resource as "+" create, and leaves the account empty', async () => {
    setHfToken(HF_TOKEN);
    const run = await runInProcess('bootstrap', [initRepo, setParams], moto, { options: { dryRun: true } });
    expect(run.error).toBeUndefined();
    expect(run.writes).toEqual([]);
    // it did read the account: the plan is against the real state
    expect(run.calls.length).toBeGreaterThan(0);

    const created = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('  + '))
      .map((line) => line.slice(4));
    expect(created.sort()).toEqual(everyResource().sort());
    expect(run.stdout).not.toMatch(/^ {2}[~-] /m);
    expect(run.stdout).toContain('Plan: 23 to create, 0 to update, 0 to delete, 0 unchanged.');
    expect(run.stdout).toContain('shared (account 123456789012, us-east-1)');
    expect(run.stdout).toContain('prod (account 123456789012, us-east-1)');
    expect(run.stdout).toContain('After apply:');
    expect(run.stdout).not.toMatch(/^(created|updated) /m);
    expect(run.stdout).not.toContain(HF_TOKEN);

    await expectNothingExists();
  });

  it('plans without a token too: the missing token shows in the plan, nothing is written', async () => {
    setHfToken(undefined);
    const run = await runInProcess('set-params', [setParams], moto, { options: { dryRun: true } });
    expect(run.error).toBeUndefined();
    expect(run.writes).toEqual([]);
    expect(run.stdout).toContain('Plan: 16 to create, 0 to update, 0 to delete, 0 unchanged.');
    // the missing token is shown as a problem in the plan, not hidden
    expect(run.stdout).toContain('! /mt-pipeline/dev/hugging_face_token has no value yet: set HF_TOKEN or pass --hf-token-stdin');
    await expectNothingExists();
  });

  it('shows an update as "~" and still writes nothing', async () => {
    setHfToken(HF_TOKEN);
    expect((await runInProcess('init-repo', [initRepo], moto)).error).toBeUndefined();
    const run = await runInProcess('init-repo', [initRepo], moto, { options: { dryRun: true }, overrides: { 'repository.description': 'x' } });
    expect(run.error).toBeUndefined();
    expect(run.writes).toEqual([]);
    expect(run.stdout).toContain(`  ~ codecommit:repository ${REPOSITORY}\n      description: "${REPOSITORY_DESCRIPTION}" → "x"`);
    expect(run.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete, 6 unchanged.');
    const { repositoryMetadata } = await aws.codecommit.send(new GetRepositoryCommand({ repositoryName: REPOSITORY }));
    expect(repositoryMetadata?.repositoryDescription).not.toBe('x');
  });
});
