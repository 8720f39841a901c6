/**
 * Resource policies (a KMS key's, an SNS topic's) are held to rules of their own: mtpipe's statements
 * each have a Sid; a key's account statement is the only one with "kms:*"; service principals get exact
 * actions; a topic names itself and the rules (EventBridge) or alarms (CloudWatch) of its own account and
 * region allowed to publish (aws:SourceArn); a key names no source condition for EventBridge, which sends
 * none to KMS (AWS-FACTS: deliveries would be dropped).
 */
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_STEPS } from '../../../src/commands/bootstrap.js';
import { preferOwners } from '../../../src/engine/graph.js';
import { configFor, targetsFor, TOOL_ACCOUNT, TOOL_REGION, VARIANTS, type Variant } from './fixtures.js';

type Statement = Record<string, unknown>;
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;
/** the SNS developer guide's key statement for services that publish to an encrypted topic */
const DOCUMENTED_WILDCARDS = ['kms:GenerateDataKey*'];
const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('resource policies mtpipe writes (key and topic policies)', () => {
  interface Found {
    id: string;
    kind: string;
    statements: Statement[];
    /** the account and region of the resource */
    account?: string;
    region?: string;
  }
  const targets = targetsFor();
  // setup-monitoring's prepared inputs: each environment with the sample's Glue job
  const monitored = { environments: targets.environments.map((target) => ({ target, solution: { functions: [], stateMachines: [], glueJobs: [{ name: 'translation-results-processor' }] }, functions: [], read: true })) };
  const resourcePolicies = (variant: Variant): Found[] =>
    preferOwners(BOOTSTRAP_STEPS.flatMap((step) => step.desired(step.name === 'setup-monitoring' ? monitored : { hfToken: 'hf_policyRulesToken' }, configFor(variant), targets)))
      .filter((item) => Array.isArray((item.spec as { policyStatements?: unknown }).policyStatements))
      .map((item) => ({
        id: item.id,
        kind: item.kind.kind,
        statements: (item.spec as { policyStatements: Statement[] }).policyStatements,
        account: item.target.account,
        region: item.target.region,
      }));

  function violations(found: Found): string[] {
    const problems: string[] = [];
    const account = found.account ?? TOOL_ACCOUNT;
    const region = found.region ?? TOOL_REGION;
    for (const statement of found.statements) {
      const fail = (problem: string) => problems.push(`${found.id} [${String(statement.Sid)}]: ${problem}`);
      if (typeof statement.Sid !== 'string' || statement.Sid === '') fail('no Sid');
      const principal = statement.Principal as { AWS?: string; Service?: string };
      const actions = list(statement.Action) as string[];
      const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
      if (principal.AWS !== undefined) {
        if (found.kind !== 'kms:key' || principal.AWS !== `arn:aws:iam::${account}:root`) fail(`principal ${principal.AWS} is not the account of a key`);
        continue;
      }
      const alarms = principal.Service === 'cloudwatch.amazonaws.com';
      if (principal.Service !== 'events.amazonaws.com' && !alarms) fail(`service ${String(principal.Service)} is not expected`);
      for (const action of actions) if (!ACTION.test(action) && !DOCUMENTED_WILDCARDS.includes(action)) fail(`action ${action} is not one exact action`);
      const sourceArns = list(alarms ? condition?.ArnLike?.['aws:SourceArn'] : condition?.ArnEquals?.['aws:SourceArn']);
      const source = alarms ? `arn:aws:cloudwatch:${region}:${account}:alarm:` : `arn:aws:events:${region}:${account}:rule/`;
      if (found.kind === 'sns:topic') {
        if (!String(statement.Resource).startsWith(`arn:aws:sns:${region}:${account}:`)) fail(`resource ${String(statement.Resource)} is not this topic`);
        if (sourceArns.length === 0 || !sourceArns.every((arn) => typeof arn === 'string' && arn.startsWith(source))) fail(`publishing is not limited to the ${alarms ? 'alarms' : 'rules'} of its account and region (aws:SourceArn)`);
      } else if (condition !== undefined) {
        fail('a key statement for EventBridge must carry no source condition');
      }
    }
    return problems;
  }

  it.each(VARIANTS)('follow the rules ($store, connection $connection)', (variant) => {
    const found = resourcePolicies(variant);
    // create-pipeline's key and two topics; setup-monitoring's alerts key and topic per environment
    expect(found.map((f) => f.kind).sort()).toEqual(['kms:key', 'kms:key', 'kms:key', 'sns:topic', 'sns:topic', 'sns:topic', 'sns:topic']);
    expect(found.flatMap(violations)).toEqual([]);
  });

  it('and the rules are not blind', () => {
    const topic: Found = {
      id: 'topic',
      kind: 'sns:topic',
      statements: [{ Sid: 'P', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: `arn:aws:sns:${TOOL_REGION}:${TOOL_ACCOUNT}:t` }],
    };
    expect(violations(topic)).toEqual(['topic [P]: publishing is not limited to the rules of its account and region (aws:SourceArn)']);
    const alarmsElsewhere: Found = {
      id: 'alerts',
      kind: 'sns:topic',
      statements: [
        {
          Sid: 'A',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: `arn:aws:sns:${TOOL_REGION}:${TOOL_ACCOUNT}:t`,
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:999999999999:alarm:*' } },
        },
      ],
    };
    expect(violations(alarmsElsewhere)).toEqual(['alerts [A]: publishing is not limited to the alarms of its account and region (aws:SourceArn)']);
    const key: Found = {
      id: 'key',
      kind: 'kms:key',
      statements: [{ Sid: 'E', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:*'], Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': TOOL_ACCOUNT } } }],
    };
    expect(violations(key)).toEqual(['key [E]: action kms:* is not one exact action', 'key [E]: a key statement for EventBridge must carry no source condition']);
  });
});
