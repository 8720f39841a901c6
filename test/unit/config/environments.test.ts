import { describe, expect, it } from 'vitest';
import { accountClashes, refuseSharedAccounts, sharedAccountProblems, UNKNOWN_ACCOUNT } from '../../../src/aws/targets.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { MtpipeError } from '../../../src/errors.js';
import { testTarget } from '../../support/target.js';

const CALLER = '123456789012';

function config(environments?: Record<string, unknown>): Config {
  return configSchema.parse({ ...defaultConfig('us-east-1'), ...(environments ? { environments } : {}) });
}

describe('two environments in one account', () => {
  it('the built-in configuration: dev and prod both resolve to the credentials\' account, prod is named', () => {
    const dev = testTarget({ name: 'dev', account: CALLER });
    const prod = testTarget({ name: 'prod', account: CALLER });
    expect(accountClashes(config(), [dev, prod], CALLER)).toEqual([{ first: 'dev', second: 'prod', account: CALLER }]);
    // --env dev alone: prod (unselected, no account) still resolves to the caller's account
    expect(accountClashes(config(), [dev], CALLER)).toEqual([{ first: 'dev', second: 'prod', account: CALLER }]);
    // --env prod alone: the same
    expect(accountClashes(config(), [prod], CALLER)).toEqual([{ first: 'dev', second: 'prod', account: CALLER }]);
  });

  it('refused before any write with exit 2, both environments named and both fixes suggested', () => {
    const error = (() => {
      try {
        refuseSharedAccounts({ accountClashes: [{ first: 'dev', second: 'prod', account: CALLER }] });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })() as MtpipeError;
    expect(error).toBeInstanceOf(MtpipeError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`environments dev and prod both resolve to account ${CALLER}`);
    expect(error.hint).toContain('environments.prod.account');
    expect(error.hint).toContain('environments.prod.allowSharedAccount: true');
    expect(() => refuseSharedAccounts({ accountClashes: [] })).not.toThrow();
  });

  it('allowSharedAccount on the later environment, or separate accounts (given or by roleArn), are no clash', () => {
    const dev = testTarget({ name: 'dev', account: CALLER });
    const prod = testTarget({ name: 'prod', account: CALLER });
    const allowed = config({ dev: {}, prod: { allowSharedAccount: true } });
    expect(accountClashes(allowed, [dev, prod], CALLER)).toEqual([]);
    // on the earlier one it does not count: the later one is the one that shares
    expect(accountClashes(config({ dev: { allowSharedAccount: true }, prod: {} }), [dev, prod], CALLER)).toHaveLength(1);
    expect(accountClashes(config({ dev: {}, prod: { account: '222222222222' } }), [dev], CALLER)).toEqual([]);
    expect(accountClashes(config({ dev: {}, prod: { roleArn: 'arn:aws:iam::222222222222:role/deployer' } }), [dev], CALLER)).toEqual([]);
    // two regions of one account clash too: the solution's IAM role names are global
    expect(accountClashes(config({ dev: {}, prod: { region: 'eu-west-1' } }), [dev], CALLER)).toHaveLength(1);
  });

  it('offline plan: both default to the credentials\' account, which the problem says', () => {
    const offline = (name: string) => testTarget({ name, account: UNKNOWN_ACCOUNT, offline: true });
    const clashes = accountClashes(config(), [offline('dev'), offline('prod')], UNKNOWN_ACCOUNT);
    expect(sharedAccountProblems(clashes)).toEqual([
      "environments dev and prod both resolve to the credentials' account: the solution's stacks use fixed resource names, so deploying or releasing prod would overwrite dev; " +
        'give environments.prod.account (and environments.prod.roleArn to reach it) for a separate account, or set environments.prod.allowSharedAccount: true if the solution has no fixed names',
    ]);
  });
});

describe('environments.<name>.deploymentConfig', () => {
  it('takes the README spelling without the CodeDeployDefault. prefix and the prefixed one, and uses the prefixed one', () => {
    const parsed = config({ dev: { deploymentConfig: 'LambdaAllAtOnce' }, prod: { deploymentConfig: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' } });
    expect(parsed.environments.dev!.deploymentConfig).toBe('CodeDeployDefault.LambdaAllAtOnce');
    expect(parsed.environments.prod!.deploymentConfig).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
    expect(config({ dev: { deploymentConfig: 'LambdaLinear10PercentEvery3Minutes' } }).environments.dev!.deploymentConfig).toBe(
      'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes',
    );
  });

  it('anything else is refused, naming both spellings', () => {
    const result = configSchema.safeParse({ ...defaultConfig('us-east-1'), environments: { dev: { deploymentConfig: 'AllAtOnce' } } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['environments', 'dev', 'deploymentConfig']);
    expect(result.error!.issues[0]!.message).toMatch(/^must be one of LambdaAllAtOnce, .* \(with or without the prefix CodeDeployDefault\.\)$/);
  });
});

describe('defaults by the environment\'s name', () => {
  it('a prod that mtpipe.yaml gives without approval or deploymentConfig keeps the approval and the canary of prod', () => {
    const { environments } = config({ dev: {}, prod: { allowSharedAccount: true }, staging: {} });
    expect(environments.prod).toMatchObject({ approval: true, deploymentConfig: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
    expect(environments.dev).toMatchObject({ approval: false, deploymentConfig: 'CodeDeployDefault.LambdaAllAtOnce' });
    expect(environments.staging).toMatchObject({ approval: false, deploymentConfig: 'CodeDeployDefault.LambdaAllAtOnce' });
  });

  it('what the file says wins over the name', () => {
    const { environments } = config({ prod: { approval: false, deploymentConfig: 'LambdaLinear10PercentEvery1Minute' }, dev: { approval: true } });
    expect(environments.prod).toMatchObject({ approval: false, deploymentConfig: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
    expect(environments.dev!.approval).toBe(true);
  });
});
