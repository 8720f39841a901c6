/**
 * A CloudWatch Logs resource policy: what lets a service (EventBridge) write into log groups. These
 * policies are account-wide per region, at most 10 of them (PutResourcePolicy, CloudWatch Logs API
 * reference). mtpipe uses one policy of its own name, owns its statements by Sid, keeps any statement
 * someone added to that policy, and never touches other policies.
 */
import { sdk } from './sdk.js';
import { compareField, fieldsToCreate } from '../engine/diff.js';
import type { ResourceKind, Target } from '../engine/types.js';
import { isLogsLimitExceeded } from './errors.js';
import { comparable, mergedPolicy, ownedStatements, statementsOf, type ResourcePolicyStatement } from './resource-policy.js';

export interface LogsResourcePolicySpec {
  name: string;
  statements: ResourcePolicyStatement[];
}

export interface LogsResourcePolicy {
  name: string;
  /** every statement of the policy, mtpipe's and others' */
  statements: Record<string, unknown>[];
}

const LIMIT = 10;

async function put(target: Target, spec: LogsResourcePolicySpec, current: LogsResourcePolicy | undefined): Promise<void> {
  const { CloudWatchLogsClient, PutResourcePolicyCommand } = await sdk.logs();
  try {
    await target.clients
      .get(CloudWatchLogsClient)
      .send(new PutResourcePolicyCommand({ policyName: spec.name, policyDocument: mergedPolicy(current?.statements ?? [], spec.statements) }));
  } catch (error) {
    if (!isLogsLimitExceeded(error)) throw error;
    throw new Error(
      `CloudWatch Logs holds ${LIMIT} resource policies in ${target.region} already (the most a region can have); mtpipe needs one more (${spec.name}): delete one that is no longer used (aws logs describe-resource-policies)`,
      { cause: error },
    );
  }
}

export const logsResourcePolicy: ResourceKind<LogsResourcePolicySpec, LogsResourcePolicy> = {
  kind: 'logs:resource-policy',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { CloudWatchLogsClient, DescribeResourcePoliciesCommand } = await sdk.logs();
    const client = target.clients.get(CloudWatchLogsClient);
    let nextToken: string | undefined;
    do {
      const page = await client.send(new DescribeResourcePoliciesCommand({ limit: 50, ...(nextToken ? { nextToken } : {}) }));
      const found = page.resourcePolicies?.find((policy) => policy.policyName === spec.name);
      if (found) return { name: spec.name, statements: statementsOf(found.policyDocument) };
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ statements: spec.statements.map((s) => s.Sid) });
    return compareField('statements', ownedStatements(current.statements, spec.statements).map(comparable), spec.statements.map(comparable));
  },

  // PutResourcePolicy creates or replaces by name: a lost response is simply sent again
  async create(target, spec) {
    await put(target, spec, undefined);
    return {};
  },

  async update(target, spec, current) {
    await put(target, spec, current);
    return {};
  },

  async delete(target, current) {
    const { CloudWatchLogsClient, DeleteResourcePolicyCommand } = await sdk.logs();
    await target.clients.get(CloudWatchLogsClient).send(new DeleteResourcePolicyCommand({ policyName: current.name }));
  },

  arnOf: () => undefined,
};
