import { GetBranchCommand, RepositoryDoesNotExistException } from '@aws-sdk/client-codecommit';
import { beforeEach, describe, expect, it } from 'vitest';
import { codecommitBranchFiles } from '../../../src/aws/codecommit-branch-files.js';
import { codecommitRepository } from '../../../src/aws/codecommit-repository.js';
import { iamRole } from '../../../src/aws/iam-role.js';
import { testStartAhead } from '../../../src/commands/pipeline-test.js';
import { configSchema } from '../../../src/config/schema.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import type { Change } from '../../../src/engine/types.js';
import { testTarget } from '../../support/target.js';
import { codecommitMock, resetSdkMocks, sentCommands } from '../aws/mock-sdk.js';

const target = testTarget();
const config = configSchema.parse(defaultConfig('us-east-1'));
const written = (kind: { kind: string }, action: Change['action']) => ({ action, desired: { kind } }) as unknown as Change;

beforeEach(() => resetSdkMocks());

describe("bootstrap's read-ahead of the branch tip (testStartAhead)", () => {
  it('reads the tip with one GetBranch', async () => {
    codecommitMock.on(GetBranchCommand).resolves({ branch: { branchName: 'main', commitId: 'tip1' } });
    expect(await testStartAhead.read(target, config)).toStrictEqual({ head: 'tip1' });
    expect(sentCommands(codecommitMock)).toEqual([['GetBranchCommand', { repositoryName: 'machine-translation', branchName: 'main' }]]);
  });

  it('takes a repository that does not exist yet for a branch with no code, and says so', async () => {
    codecommitMock.on(GetBranchCommand).rejects(new RepositoryDoesNotExistException({ message: 'machine-translation does not exist', $metadata: {} }));
    const answer = await testStartAhead.read(target, config);
    expect(answer).toMatchObject({ noCode: true, repositoryMissing: true });
    expect((answer as { skipped: string }).skipped).toMatch(/^no code on machine-translation branch main yet/);
  });

  it('holds after an apply that pushed no files; a missing repository only once the apply created it', () => {
    const tip = { head: 'tip1' };
    const missing = { skipped: 'no code', noCode: true, repositoryMissing: true as const };
    expect(testStartAhead.holds(tip, [])).toBe(true);
    expect(testStartAhead.holds(tip, [written(iamRole, 'create'), written(codecommitRepository, 'update')])).toBe(true);
    expect(testStartAhead.holds(tip, [written(codecommitBranchFiles, 'update')])).toBe(false);
    expect(testStartAhead.holds(missing, [written(codecommitRepository, 'create')])).toBe(true);
    expect(testStartAhead.holds(missing, [written(iamRole, 'create')])).toBe(false);
    expect(testStartAhead.holds(missing, [written(codecommitRepository, 'create'), written(codecommitBranchFiles, 'create')])).toBe(false);
  });
});
