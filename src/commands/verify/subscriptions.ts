import type { Topic } from '../../aws/sns-topic.js';
import type { Change } from '../../engine/types.js';
import { ok, someOf, warning, type CheckRow } from './check.js';

/**
 * Whether each email address subscribed to the project's topics has confirmed, from what the plan read
 * of each topic (ListSubscriptionsByTopic): pending confirmation warns, naming the addresses.
 * A topic that does not exist is reported by the presence check.
 */
export function subscriptionChecks(changes: Change[]): CheckRow[] {
  return changes
    .filter((change) => change.desired.kind.kind === 'sns:topic' && change.current !== undefined)
    .map((change) => {
      const check = `subscriptions of ${change.desired.kind.name(change.desired.spec)}`;
      const { subscriptions } = change.current as Topic;
      const pending = subscriptions.filter((s) => !s.confirmed).map((s) => s.endpoint);
      if (pending.length > 0) return warning(check, `pending confirmation: ${someOf(pending)} (each must follow the link AWS emailed)`);
      return ok(check, subscriptions.length === 0 ? 'no subscribers (notifications.approvers, notifications.alerts)' : `${subscriptions.length} confirmed`);
    });
}
