/**
 * Every IAM policy mtpipe writes, rendered for two environments (one in another account and region),
 * with and without a customer KMS key, with the token in SSM and in Secrets Manager, is held to the
 * rules of least privilege. Policies are found by shape in the desired resources of every step, so a
 * policy added later to any step is checked too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_STEPS } from '../../../src/commands/bootstrap.js';
import { preferOwners } from '../../../src/engine/graph.js';
import { initRepo } from '../../../src/commands/init-repo.js';
import { setParams } from '../../../src/commands/set-params.js';
import { setupSecurity } from '../../../src/commands/setup-security.js';
import type { Step } from '../../../src/commands/step.js';
import type { Desired } from '../../../src/engine/types.js';
import { SERVICE_PRINCIPALS, UNSCOPED_ACTIONS } from '../../../src/templates/policies.js';
import { configFor, describeVariant, PROD_ACCOUNT, PROD_REGION, targetsFor, TOOL_ACCOUNT, TOOL_REGION, VARIANTS, type Variant } from './fixtures.js';

interface Scope {
  partition: string;
  accounts: string[];
  regions: string[];
}

interface FoundPolicy {
  /** resource id and the path of the document in its spec */
  where: string;
  document: { Version?: string; Statement?: unknown };
  /** the account of the resource that carries it (a role's trust policy names its own account) */
  account: string;
}

type Statement = Record<string, unknown>;

const SCOPE: Scope = { partition: 'aws', accounts: [TOOL_ACCOUNT, PROD_ACCOUNT], regions: [TOOL_REGION, PROD_REGION] };
/** services whose ARNs have no region */
const GLOBAL_SERVICES = new Set(['iam', 's3']);
/** services whose ARNs have no account */
const ACCOUNTLESS_SERVICES = new Set(['s3']);
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every rule a policy document breaks, as sentences. */
function ruleViolations(policy: FoundPolicy, scope: Scope): string[] {
  const problems: string[] = [];
  const fail = (sid: unknown, problem: string) => problems.push(`${policy.where} [${String(sid ?? 'no Sid')}]: ${problem}`);
  const { document } = policy;
  if (document.Version !== '2012-10-17') fail(undefined, `Version is ${String(document.Version)}, not 2012-10-17`);
  const statements = list(document.Statement) as Statement[];
  if (statements.length === 0) fail(undefined, 'no statement');
  const sids = statements.map((s) => s.Sid).filter((sid) => sid !== undefined);
  if (new Set(sids).size !== sids.length) fail(undefined, `Sids are not unique: ${sids.join(', ')}`);

  for (const statement of statements) {
    const sid = statement.Sid;
    for (const forbidden of ['NotAction', 'NotResource', 'NotPrincipal']) {
      if (forbidden in statement) fail(sid, `uses ${forbidden}`);
    }
    const actions = list(statement.Action) as string[];
    if (actions.length === 0) fail(sid, 'no action');
    for (const action of actions) {
      if (typeof action !== 'string' || action.includes('*') || action.includes('?') || !ACTION.test(action)) {
        fail(sid, `action ${JSON.stringify(action)} is not one exact action (no wildcards)`);
      }
    }

    if ('Principal' in statement) {
      // a trust policy
      const principal = statement.Principal as Record<string, unknown>;
      const keys = Object.keys(principal ?? {});
      if (keys.length === 1 && keys[0] === 'AWS') {
        // a role in an environment account, assumed by exactly one of mtpipe's build roles
        const role = /^arn:aws:iam::(\d{12}):role\/mtpipe\/[\w+=,.@-]+$/.exec(typeof principal.AWS === 'string' ? principal.AWS : '');
        if (!role || !scope.accounts.includes(role[1]!)) fail(sid, `principal ${JSON.stringify(principal)} is not exactly one mtpipe role of the project's accounts`);
        else if (role[1] === policy.account) fail(sid, `principal ${String(principal.AWS)} is in the role's own account: no role is needed for that`);
        if (JSON.stringify(actions) !== '["sts:AssumeRole"]') fail(sid, `trust allows ${actions.join(', ')}, not just sts:AssumeRole`);
        continue;
      }
      if (keys.length !== 1 || keys[0] !== 'Service' || typeof principal.Service !== 'string') {
        fail(sid, `principal ${JSON.stringify(principal)} is not exactly one service or one mtpipe role`);
        continue;
      }
      if (JSON.stringify(actions) !== '["sts:AssumeRole"]') fail(sid, `trust allows ${actions.join(', ')}, not just sts:AssumeRole`);
      if (statement.Effect !== 'Allow') fail(sid, 'trust statement is not Allow');
      if ('Resource' in statement) fail(sid, 'trust statement has a Resource');
      const known = Object.values(SERVICE_PRINCIPALS).find((s) => s.principal === principal.Service);
      if (!known) {
        fail(sid, `service ${String(principal.Service)} is not in SERVICE_PRINCIPALS`);
      } else if (known.sourceAccount) {
        const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
        const sourceAccount = condition?.StringEquals?.['aws:SourceAccount'];
        if (sourceAccount !== policy.account) {
          fail(sid, `${String(principal.Service)} supports aws:SourceAccount: the condition must name ${policy.account} (has ${JSON.stringify(sourceAccount)})`);
        }
      }
      continue;
    }

    const resources = list(statement.Resource);
    if (resources.length === 0) fail(sid, 'no resource');
    if (resources.includes('*')) {
      if (resources.length > 1) fail(sid, '"*" next to other resources');
      for (const action of actions) {
        if (!(action in UNSCOPED_ACTIONS)) fail(sid, `${action} on "*", but it is not in UNSCOPED_ACTIONS`);
      }
    }
    if (actions.includes('iam:PassRole')) {
      const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
      const passedTo = condition?.StringEquals?.['iam:PassedToService'] ?? condition?.StringLike?.['iam:PassedToService'];
      if (passedTo === undefined) fail(sid, 'iam:PassRole without an iam:PassedToService condition');
    }
    for (const resource of resources) {
      if (resource === '*') continue;
      if (typeof resource !== 'string' || !resource.startsWith('arn:')) {
        fail(sid, `resource ${JSON.stringify(resource)} is neither an ARN nor "*"`);
        continue;
      }
      const [, partition, service = '', region, account, ...rest] = resource.split(':');
      const name = rest.join(':');
      if (partition !== scope.partition) fail(sid, `${resource}: partition ${partition}, not ${scope.partition}`);
      if (GLOBAL_SERVICES.has(service) ? region !== '' : !scope.regions.includes(region ?? '')) {
        fail(sid, `${resource}: region "${region}" is outside ${scope.regions.join(', ')}`);
      }
      if (ACCOUNTLESS_SERVICES.has(service) ? account !== '' : !scope.accounts.includes(account ?? '')) {
        fail(sid, `${resource}: account "${account}" is outside ${scope.accounts.join(', ')}`);
      }
      if (name === '' || name.startsWith('*') || name.startsWith('/*')) fail(sid, `${resource}: names no resource (starts with a wildcard)`);
    }
  }
  return problems;
}

/** Everything shaped like a policy document anywhere in a resource's spec. */
function policiesIn(item: Desired): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== 'object') return;
    if (!Array.isArray(node) && 'Statement' in node) {
      found.push({ where: `${item.id} ${path}`, document: node as FoundPolicy['document'], account: item.target.account });
      return;
    }
    for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`);
  };
  walk(item.spec, 'spec');
  return found;
}

/** Every step mtpipe has, each once: the ones bootstrap runs and those not wired into it yet. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const STEPS: Step<any>[] = [...new Set([initRepo, setParams, setupSecurity, ...BOOTSTRAP_STEPS])];

function everyPolicy(variant: Variant, selected?: string[]): FoundPolicy[] {
  const config = configFor(variant);
  const targets = targetsFor(selected);
  // as the runner does: a reference to a role another step owns gives way to that step's real role
  return preferOwners(STEPS.flatMap((step) => step.desired({ hfToken: 'hf_policyRulesToken', environments: [] }, config, targets))).flatMap(policiesIn);
}

describe.each(VARIANTS)('every policy mtpipe writes ($store, key $kmsKeyId, named solution $namedSolution)', (variant) => {
  const policies = everyPolicy(variant);

  it(`${describeVariant(variant)}: the policies are found (at least setup-security's 9 roles and 7 inline policies, init-repo's 2)`, () => {
    // later steps may add policies of their own: they are checked too
    expect(policies.filter((p) => p.where.includes('/iam:role/')).length).toBeGreaterThanOrEqual(9);
    expect(policies.filter((p) => p.where.includes('/iam:role-policy/')).length).toBeGreaterThanOrEqual(7);
    expect(policies.filter((p) => p.where.includes('/iam:policy/') || p.where.includes('/iam:group-policy/')).length).toBeGreaterThanOrEqual(2);
  });

  it('break none of the rules', () => {
    expect(policies.flatMap((policy) => ruleViolations(policy, SCOPE))).toEqual([]);
  });

  it('use "*" only for the allow-listed actions', () => {
    const unscoped = policies.flatMap((p) =>
      (list(p.document.Statement) as Statement[]).filter((s) => list(s.Resource).includes('*')).flatMap((s) => list(s.Action) as string[]),
    );
    for (const action of unscoped) expect(Object.keys(UNSCOPED_ACTIONS)).toContain(action);
  });
});

describe('with one environment selected (--env prod)', () => {
  it('the policies still follow every rule', () => {
    for (const variant of VARIANTS) {
      expect(everyPolicy(variant, ['prod']).flatMap((policy) => ruleViolations(policy, SCOPE))).toEqual([]);
    }
  });
});

describe('the allow-list of unscoped actions', () => {
  it('gives a reason for each action, and holds no wildcard', () => {
    for (const [action, reason] of Object.entries(UNSCOPED_ACTIONS)) {
      expect(action).toMatch(ACTION);
      expect(reason.length, action).toBeGreaterThan(20);
    }
  });
});

describe('the policy templates', () => {
  const dir = fileURLToPath(new URL('../../../src/templates/policies/', import.meta.url));
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.json'));

  it('are real JSON files', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) expect(() => JSON.parse(readFileSync(join(dir, file), 'utf8')), file).not.toThrow();
  });

  it('write no action with a wildcard, even in statements some configurations leave out', () => {
    for (const file of files) {
      const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Statement[] | { Statement: Statement[] };
      const statements = Array.isArray(parsed) ? parsed : parsed.Statement;
      expect(statements.length, file).toBeGreaterThan(0);
      for (const statement of statements) {
        for (const action of list(statement.Action)) expect(action, `${file} ${String(statement.Sid)}`).toMatch(ACTION);
      }
    }
  });
});

describe('the rules are not blind', () => {
  const check = (document: unknown, account = TOOL_ACCOUNT) => ruleViolations({ where: 'test', document: document as FoundPolicy['document'], account }, SCOPE);
  const allow = (statement: Statement) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] });
  const BUCKET = 'arn:aws:s3:::mt-artifacts/*';

  it('a wildcard action', () => {
    expect(check(allow({ Sid: 'A', Action: ['s3:*'], Resource: BUCKET }))).toEqual([expect.stringContaining('"s3:*" is not one exact action')]);
    expect(check(allow({ Sid: 'A', Action: 's3:Get*', Resource: BUCKET }))).toEqual([expect.stringContaining('"s3:Get*"')]);
    expect(check(allow({ Sid: 'A', Action: '*', Resource: BUCKET }))).toHaveLength(1);
    expect(check(allow({ Sid: 'A', NotAction: ['s3:GetObject'], Action: ['s3:PutObject'], Resource: BUCKET }))).toEqual([expect.stringContaining('uses NotAction')]);
  });

  it('"*" on an action that can be scoped, or next to other resources', () => {
    expect(check(allow({ Sid: 'A', Action: ['s3:GetObject'], Resource: '*' }))).toEqual([expect.stringContaining('s3:GetObject on "*"')]);
    expect(check(allow({ Sid: 'A', Action: ['ecr:GetAuthorizationToken'], Resource: '*' }))).toEqual([]);
    expect(check(allow({ Sid: 'A', Action: ['ecr:GetAuthorizationToken', 'ecr:PutImage'], Resource: ['*'] }))).toEqual([
      expect.stringContaining('ecr:PutImage on "*"'),
    ]);
  });

  it('iam:PassRole without iam:PassedToService', () => {
    const role = `arn:aws:iam::${TOOL_ACCOUNT}:role/mtpipe/mt-build`;
    expect(check(allow({ Sid: 'A', Action: ['iam:PassRole'], Resource: role }))).toEqual([expect.stringContaining('iam:PassRole without')]);
    expect(check(allow({ Sid: 'A', Action: ['iam:PassRole'], Resource: role, Condition: { StringEquals: { 'iam:PassedToService': 'codebuild.amazonaws.com' } } }))).toEqual([]);
  });

  it('an ARN outside the project\'s accounts, regions or partition, or naming nothing', () => {
    expect(check(allow({ Sid: 'A', Action: ['sns:Publish'], Resource: 'arn:aws:sns:us-east-1:999999999999:topic' }))).toEqual([
      expect.stringContaining('account "999999999999" is outside'),
    ]);
    expect(check(allow({ Sid: 'A', Action: ['sns:Publish'], Resource: `arn:aws:sns:ap-south-1:${TOOL_ACCOUNT}:topic` }))).toEqual([
      expect.stringContaining('region "ap-south-1" is outside'),
    ]);
    expect(check(allow({ Sid: 'A', Action: ['sns:Publish'], Resource: `arn:aws-cn:sns:us-east-1:${TOOL_ACCOUNT}:topic` }))).toEqual([
      expect.stringContaining('partition aws-cn'),
    ]);
    expect(check(allow({ Sid: 'A', Action: ['sns:Publish'], Resource: `arn:aws:sns:us-east-1:${TOOL_ACCOUNT}:*` }))).toEqual([expect.stringContaining('names no resource')]);
    expect(check(allow({ Sid: 'A', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::*' }))).toEqual([expect.stringContaining('names no resource')]);
    expect(check(allow({ Sid: 'A', Action: ['s3:GetObject'], Resource: 'mt-artifacts' }))).toEqual([expect.stringContaining('neither an ARN nor "*"')]);
  });

  it('a trust policy with two services in one statement, another principal, or no aws:SourceAccount', () => {
    const trust = (statement: Statement) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }] });
    const condition = { StringEquals: { 'aws:SourceAccount': TOOL_ACCOUNT } };
    expect(check(trust({ Sid: 'T', Principal: { Service: 'codebuild.amazonaws.com' }, Condition: condition }))).toEqual([]);
    expect(check(trust({ Sid: 'T', Principal: { Service: ['codebuild.amazonaws.com', 'codepipeline.amazonaws.com'] }, Condition: condition }))).toEqual([
      expect.stringContaining('is not exactly one service or one mtpipe role'),
    ]);
    expect(check(trust({ Sid: 'T', Principal: { AWS: `arn:aws:iam::${TOOL_ACCOUNT}:root` } }))).toEqual([expect.stringContaining('is not exactly one mtpipe role')]);
    // a role of another account: one mtpipe build role, never a whole account, a wildcard or the role's own account
    const buildRole = `arn:aws:iam::${TOOL_ACCOUNT}:role/mtpipe/mt-pipeline-deploy-prod`;
    expect(check(trust({ Sid: 'T', Principal: { AWS: buildRole } }), PROD_ACCOUNT)).toEqual([]);
    expect(check(trust({ Sid: 'T', Principal: { AWS: `arn:aws:iam::${TOOL_ACCOUNT}:role/mtpipe/*` } }), PROD_ACCOUNT)).toEqual([expect.stringContaining('is not exactly one mtpipe role')]);
    expect(check(trust({ Sid: 'T', Principal: { AWS: [buildRole] } }), PROD_ACCOUNT)).toEqual([expect.stringContaining('is not exactly one mtpipe role')]);
    expect(check(trust({ Sid: 'T', Principal: { AWS: buildRole } }))).toEqual([expect.stringContaining("is in the role's own account")]);
    expect(check(trust({ Sid: 'T', Principal: { AWS: buildRole }, Action: ['sts:AssumeRole', 'sts:TagSession'] }), PROD_ACCOUNT)).toEqual([expect.stringContaining('not just sts:AssumeRole')]);
    expect(check(trust({ Sid: 'T', Principal: { Service: 'codebuild.amazonaws.com' } }))).toEqual([expect.stringContaining('must name 123456789012')]);
    expect(check(trust({ Sid: 'T', Principal: { Service: 'codebuild.amazonaws.com' }, Condition: condition }), PROD_ACCOUNT)).toEqual([
      expect.stringContaining(`must name ${PROD_ACCOUNT}`),
    ]);
    expect(check(trust({ Sid: 'T', Principal: { Service: 'lambda.amazonaws.com' }, Condition: condition }))).toEqual([
      expect.stringContaining('not in SERVICE_PRINCIPALS'),
    ]);
  });
});
