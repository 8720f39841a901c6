/** CloudWatch alarms read once per run by name, shared by every caller of a target (see runMemo). */
import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { sdk } from './sdk.js';
import type { Target } from '../engine/types.js';
import { runMemo } from './run-reads.js';

/** DescribeAlarms takes at most 100 AlarmNames and returns at most 100 alarms a page (MaxRecords; default 50). */
export const DESCRIBE_ALARMS_MAX = 100;

/** The run's DescribeAlarms answers by alarm name, per set of clients (see runMemo). */
export const describedAlarms = (target: Target) => runMemo<Promise<MetricAlarm | undefined>>(target, 'cloudwatch:alarm');

/**
 * The metric alarms among `names` as DescribeAlarms reports them (undefined: no such alarm), read once
 * per run: names not read yet go in DescribeAlarms calls of 100 names (each answer paged), sent at
 * once; names another caller reads already share its answer. Composite alarms are not reported
 * (DescribeAlarms without AlarmTypes answers metric alarms only).
 */
export async function describeAlarms(target: Target, names: string[]): Promise<(MetricAlarm | undefined)[]> {
  const { CloudWatchClient, DescribeAlarmsCommand } = await sdk.cloudwatch();
  // from here to the memo's entries, no await: a concurrent caller sees the names being read
  const memo = describedAlarms(target);
  const unread = [...new Set(names.filter((name) => !memo.has(name)))];
  if (unread.length > 0) {
    const client = target.clients.get(CloudWatchClient);
    for (let start = 0; start < unread.length; start += DESCRIBE_ALARMS_MAX) {
      const AlarmNames = unread.slice(start, start + DESCRIBE_ALARMS_MAX);
      const batch = (async () => {
        const found = new Map<string, MetricAlarm>();
        let NextToken: string | undefined;
        do {
          const page = await client.send(new DescribeAlarmsCommand({ AlarmNames, MaxRecords: DESCRIBE_ALARMS_MAX, ...(NextToken ? { NextToken } : {}) }));
          for (const alarm of page.MetricAlarms ?? []) if (alarm.AlarmName) found.set(alarm.AlarmName, alarm);
          NextToken = page.NextToken;
        } while (NextToken);
        return found;
      })();
      // a failed read is not kept: the next caller asks again
      batch.catch(() => AlarmNames.forEach((name) => memo.delete(name)));
      for (const name of AlarmNames) memo.set(name, batch.then((found) => found.get(name)));
    }
  }
  return Promise.all(names.map((name) => memo.get(name)!));
}
