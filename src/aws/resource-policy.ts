/**
 * Resource policies (an SNS topic's, a KMS key's) that others may add statements to: mtpipe owns its
 * statements by Sid, compares only those, and keeps every other statement when it writes.
 */
export interface ResourcePolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: { Service: string } | { AWS: string };
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface ResourcePolicy {
  Version: '2012-10-17';
  Statement: ResourcePolicyStatement[];
}

/** Statements of a policy as AWS returns it (JSON text; Statement may be one object). */
export function statementsOf(policy: string | undefined): Record<string, unknown>[] {
  if (!policy) return [];
  const parsed = JSON.parse(policy) as { Statement?: unknown };
  const statements = parsed.Statement;
  if (Array.isArray(statements)) return statements as Record<string, unknown>[];
  return statements && typeof statements === 'object' ? [statements as Record<string, unknown>] : [];
}

/** mtpipe's statements as they are now in the policy, in the order of `owned` (missing ones left out). */
export function ownedStatements(current: Record<string, unknown>[], owned: ResourcePolicyStatement[]): Record<string, unknown>[] {
  return owned.flatMap((statement) => current.filter((candidate) => candidate.Sid === statement.Sid));
}

/** The policy to write: everyone else's statements as they are, then mtpipe's. */
export function mergedPolicy(current: Record<string, unknown>[], owned: ResourcePolicyStatement[]): string {
  const sids = new Set(owned.map((statement) => statement.Sid));
  return JSON.stringify({ Version: '2012-10-17', Statement: [...current.filter((statement) => !sids.has(String(statement.Sid))), ...owned] });
}

/** AWS returns a one-element Action or Principal list as a string: compare in that form. */
export function comparable(statement: object): Record<string, unknown> {
  const s = statement as Record<string, unknown>;
  const single = (value: unknown) => (Array.isArray(value) && value.length === 1 ? value[0] : value);
  const principal = s.Principal as Record<string, unknown> | undefined;
  return {
    ...s,
    Action: single(s.Action),
    ...(principal && typeof principal === 'object' ? { Principal: Object.fromEntries(Object.entries(principal).map(([k, v]) => [k, single(v)])) } : {}),
  };
}
