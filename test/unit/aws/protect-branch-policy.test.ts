import { describe, expect, it } from 'vitest';
import { groupPolicyAttachment } from '../../../src/aws/iam-group.js';
import { managedPolicy, policyArn } from '../../../src/aws/iam-policy.js';
import { initRepo, protectBranchPolicy, repositoryNames } from '../../../src/commands/init-repo.js';
import { configSchema } from '../../../src/config/schema.js';
import { testTarget } from '../../support/target.js';

const REPO_ARN = 'arn:aws:codecommit:us-east-1:123456789012:mt-repo';

// CodeCommit user guide, customer-managed policies, example 4: deny direct changes to one branch.
describe('protectBranchPolicy', () => {
  it('denies pushes, file edits, branch deletion and branch merges on the protected branch only', () => {
    expect(protectBranchPolicy(REPO_ARN, 'main')).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyDirectChangesToProtectedBranch',
          Effect: 'Deny',
          Action: [
            'codecommit:GitPush',
            'codecommit:DeleteBranch',
            'codecommit:PutFile',
            'codecommit:CreateCommit',
            'codecommit:DeleteFile',
            'codecommit:MergeBranchesByFastForward',
            'codecommit:MergeBranchesBySquash',
            'codecommit:MergeBranchesByThreeWay',
          ],
          Resource: REPO_ARN,
          Condition: {
            StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main'] },
            Null: { 'codecommit:References': 'false' },
          },
        },
      ],
    });
  });

  it('leaves pull-request merges allowed (they are gated by the approval rule template)', () => {
    const [statement] = protectBranchPolicy(REPO_ARN, 'main').Statement;
    expect(statement!.Action.some((action) => action.startsWith('codecommit:MergePullRequest'))).toBe(false);
    expect(statement!.Action).not.toContain('codecommit:Merge*');
  });

  it('names the configured branch in the reference condition', () => {
    const [statement] = protectBranchPolicy(REPO_ARN, 'release/2.x').Statement;
    expect(statement!.Condition).toStrictEqual({
      StringEqualsIfExists: { 'codecommit:References': ['refs/heads/release/2.x'] },
      Null: { 'codecommit:References': 'false' },
    });
  });
});

describe('init-repo wiring of the protect policy', () => {
  const config = configSchema.parse({
    project: 'mt',
    region: 'us-east-1',
    repository: { name: 'mt-repo' },
    parameters: {
      input_bucket_name: 'in',
      output_bucket_name: 'out',
      quality_estimation_sgm_model_name: 'm',
      quality_estimation_sgm_endpoint_name: 'e',
      quality_estimation_sgm_image_uri: 'i',
      quality_estimation_sgm_topic_name: 't',
    },
    environments: { dev: {} },
  });
  const shared = testTarget();
  const desired = initRepo.desired({}, config, { shared, environments: [], environmentsInToolAccount: [], offline: false });
  const names = repositoryNames(config);

  it('creates the policy for the repository ARN and attaches that same policy ARN to the developers group', () => {
    const policy = desired.find((d) => d.kind === managedPolicy);
    const attachment = desired.find((d) => d.kind === groupPolicyAttachment);
    expect(policy?.spec).toMatchObject({ name: 'mt-protect-main', path: '/mtpipe/', document: protectBranchPolicy(REPO_ARN, 'main') });
    expect(attachment?.spec).toStrictEqual({
      groupName: names.developers,
      policyArn: policyArn(shared, { name: names.protectPolicy, path: '/mtpipe/' }),
    });
    expect(attachment?.spec).toMatchObject({ policyArn: 'arn:aws:iam::123456789012:policy/mtpipe/mt-protect-main' });
    expect(attachment?.dependsOn).toContain(policy?.id);
  });
});
