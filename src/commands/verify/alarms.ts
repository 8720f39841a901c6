import { sdk } from '../../aws/sdk.js';
import type { Target } from '../../engine/types.js';
import { failed, guarded, ok, someOf, warning, type CheckRow } from './check.js';

/**
 * Every alarm, metric or composite, whose name starts with `prefix` (`<project>-<env>-`, what
 * setup-monitoring names them): any in ALARM fails, none at all warns. Never throws.
 */
export async function alarmCheck(target: Target, prefix: string): Promise<CheckRow[]> {
  const { CloudWatchClient, DescribeAlarmsCommand } = await sdk.cloudwatch();
  const check = 'alarms';
  return guarded(check, async () => {
    const client = target.clients.get(CloudWatchClient);
    const states = new Map<string, string>();
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], ...(NextToken ? { NextToken } : {}) }),
      );
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) states.set(alarm.AlarmName ?? '', alarm.StateValue ?? '');
      NextToken = page.NextToken;
    } while (NextToken);
    if (states.size === 0) return [warning(check, `no alarm named ${prefix}*: run \`mtpipe setup-monitoring\``)];
    const firing = [...states].filter(([, state]) => state === 'ALARM').map(([name]) => name);
    if (firing.length > 0) return [failed(check, `in ALARM: ${someOf(firing)}`)];
    const noData = [...states.values()].filter((state) => state === 'INSUFFICIENT_DATA').length;
    return [ok(check, `${states.size} not in ALARM${noData > 0 ? ` (${noData} without data yet)` : ''}`)];
  });
}
