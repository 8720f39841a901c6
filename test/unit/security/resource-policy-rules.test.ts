/**
 * Resource policies (a KMS key's, an SNS topic's) are held to rules of their own: mtpipe's statements
 * each have a Sid; a key's account statement is the only one with "kms:*"; service principals get exact
 * actions; a topic names itself and the one rule allowed to publish (aws:SourceArn); a key names no
 * source condition for EventBridge, which sends none to KMS (AWS-FACTS: deliveries would be dropped).
 */
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_STEPS } from '../../../src/commands/bootstrap.js';
import { preferOwners } from '../../../src/engine/graph.js';
import { configFor, targetsFor, TOOL_ACCOUNT, TOOL_REGION, VARIANTS, type Variant } from './fixtures.js';

type Statement = Record<string, unknown>;
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;
const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('resource policies mtpipe writes (key and topic policies)', () => {
  interface Found {
    id: string;
    kind: string;
    statements: Statement[];
  }
  const resourcePolicies = (variant: Variant): Found[] =>
    preferOwners(BOOTSTRAP_STEPS.flatMap((step) => step.desired({ hfToken: 'hf_policyRulesToken', environments: [] }, configFor(variant), targetsFor())))
      .filter((item) => Array.isArray((item.spec as { policyStatements?: unknown }).policyStatements))
      .map((item) => ({ id: item.id, kind: item.kind.kind, statements: (item.spec as { policyStatements: Statement[] }).policyStatements }));

  function violations(found: Found): string[] {
    const problems: string[] = [];
    for (const statement of found.statements) {
      const fail = (problem: string) => problems.push(`${found.id} [${String(statement.Sid)}]: ${problem}`);
      if (typeof statement.Sid !== 'string' || statement.Sid === '') fail('no Sid');
      const principal = statement.Principal as { AWS?: string; Service?: string };
      const actions = list(statement.Action) as string[];
      const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
      if (principal.AWS !== undefined) {
        if (found.kind !== 'kms:key' || principal.AWS !== `arn:aws:iam::${TOOL_ACCOUNT}:root`) fail(`principal ${principal.AWS} is not the account of a key`);
        continue;
      }
      if (principal.Service !== 'events.amazonaws.com') fail(`service ${String(principal.Service)} is not expected`);
      for (const action of actions) if (!ACTION.test(action)) fail(`action ${action} is not one exact action`);
      const sourceArn = condition?.ArnEquals?.['aws:SourceArn'];
      if (found.kind === 'sns:topic') {
        if (!String(statement.Resource).startsWith(`arn:aws:sns:${TOOL_REGION}:${TOOL_ACCOUNT}:`)) fail(`resource ${String(statement.Resource)} is not this topic`);
        if (typeof sourceArn !== 'string' || !sourceArn.startsWith(`arn:aws:events:${TOOL_REGION}:${TOOL_ACCOUNT}:rule/`)) fail('publishing is not limited to one rule (aws:SourceArn)');
      } else if (condition !== undefined) {
        fail('a key statement for EventBridge must carry no source condition');
      }
    }
    return problems;
  }

  it.each(VARIANTS)('follow the rules ($store, connection $connection)', (variant) => {
    const found = resourcePolicies(variant);
    expect(found.map((f) => f.kind).sort()).toEqual(['kms:key', 'sns:topic', 'sns:topic']);
    expect(found.flatMap(violations)).toEqual([]);
  });

  it('and the rules are not blind', () => {
    const topic: Found = {
      id: 'topic',
      kind: 'sns:topic',
      statements: [{ Sid: 'P', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: `arn:aws:sns:${TOOL_REGION}:${TOOL_ACCOUNT}:t` }],
    };
    expect(violations(topic)).toEqual(['topic [P]: publishing is not limited to one rule (aws:SourceArn)']);
    const key: Found = {
      id: 'key',
      kind: 'kms:key',
      statements: [{ Sid: 'E', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:*'], Resource: '*', Condition: { StringEquals: { 'aws:SourceAccount': TOOL_ACCOUNT } } }],
    };
    expect(violations(key)).toEqual(['key [E]: action kms:* is not one exact action', 'key [E]: a key statement for EventBridge must carry no source condition']);
  });
});
