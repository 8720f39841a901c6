import type { Change } from '../../engine/types.js';
import { failed, ok, someOf, warning, type CheckRow } from './check.js';

/** What a resource kind is called in verify's table (by the service part of the kind). */
export function categoryOf(kind: string): string {
  const service = kind.split(':')[0];
  if (service === 'ssm' || service === 'secretsmanager') return 'parameters';
  if (service === 'iam') return 'roles and policies';
  if (service === 's3') return 'buckets';
  if (service === 'sns' || service === 'kms') return 'topics';
  return 'other resources';
}

/**
 * Whether the resources bootstrap wants exist, from its plan (`changes`, all of one table): one row per
 * category, failed naming those that are missing (planned for creation), a warning when all exist but
 * some differ from the configuration. Reads of others' resources (the solution's stacks) are left out.
 */
export function presenceChecks(changes: Change[]): CheckRow[] {
  const byCategory = new Map<string, Change[]>();
  for (const change of changes) {
    if (change.desired.kind.isReference || change.action === 'delete') continue;
    const category = categoryOf(change.desired.kind.kind);
    byCategory.set(category, [...(byCategory.get(category) ?? []), change]);
  }
  const order = ['parameters', 'roles and policies', 'buckets', 'topics', 'other resources'];
  return order
    .filter((category) => byCategory.has(category))
    .map((category) => {
      const group = byCategory.get(category)!;
      const label = (change: Change) => `${change.desired.kind.kind} ${change.desired.kind.name(change.desired.spec)}`;
      const missing = group.filter((change) => change.action === 'create').map(label);
      if (missing.length > 0) return failed(category, `missing ${missing.length} of ${group.length}: ${someOf(missing)} (run \`mtpipe bootstrap\`)`);
      const differing = group.filter((change) => change.action === 'update' || change.blocked).map(label);
      if (differing.length > 0) return warning(category, `all ${group.length} exist; ${differing.length} differ from the configuration (\`mtpipe drift\` shows how): ${someOf(differing)}`);
      return ok(category, group.length === 1 ? '1 exists' : `all ${group.length} exist`);
    });
}
