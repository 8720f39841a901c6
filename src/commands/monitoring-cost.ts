/**
 * What setup-monitoring's resources cost a month, from a price table kept here. Prices: Amazon
 * CloudWatch pricing page (aws.amazon.com/cloudwatch/pricing), US East (N. Virginia), read 2026-11-30;
 * other regions differ a little. The free tier (10 alarm metrics, 3 dashboards, 10 custom metrics per
 * account) is left out for alarms, whose free share other alarms of the account may already use.
 */
import type { AlarmSpec } from '../aws/cloudwatch-alarm.js';
import type { Change } from '../engine/types.js';

export const PRICES = {
  date: '2026-11-30',
  source: 'https://aws.amazon.com/cloudwatch/pricing/ (us-east-1)',
  /** USD a month per metric a standard-resolution alarm watches (a math alarm pays for each of its metrics) */
  alarmMetric: 0.1,
  /** USD a month per metric a Metrics Insights query alarm analyses */
  insightsAlarmMetric: 0.1,
  /** USD a month per composite alarm */
  compositeAlarm: 0.5,
  /** USD a month per dashboard beyond the free ones */
  dashboard: 3,
  /** dashboards free per account */
  freeDashboards: 3,
  /** USD a month per custom metric, first 10,000 */
  customMetric: 0.3,
} as const;

export interface MonthlyCost {
  /** USD a month, rounded to cents */
  total: number;
  lines: { what: string; count: number; usd: number }[];
  /** what the estimate cannot count */
  notes: string[];
}

/** How many metrics an alarm is billed for; a Metrics Insights query without WHERE analyses an unknown number. */
function billedMetrics(spec: AlarmSpec): { standard: number; insights: number; open: boolean } {
  if (spec.metric) return { standard: 1, insights: 0, open: false };
  const queries = spec.queries ?? [];
  const insights = queries.filter((query) => query.expression?.trimStart().toUpperCase().startsWith('SELECT'));
  const analysed = insights.map((query) => (/ WHERE /.test(query.expression!) ? query.expression!.split(' OR ').length : 0));
  return { standard: queries.filter((query) => query.metric).length, insights: analysed.reduce((a, b) => a + b, 0), open: analysed.includes(0) };
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

/**
 * The monthly cost of the alarms and dashboards in a plan (its `changes`, whatever step made them:
 * dashboards are counted by kind). Deletions are left out.
 */
export function monthlyCost(changes: Change[]): MonthlyCost {
  const wanted = changes.filter((change) => change.action !== 'delete').map((change) => change.desired);
  const alarms = wanted.filter((item) => item.kind.kind === 'cloudwatch:alarm').map((item) => item.spec as AlarmSpec);
  const composites = wanted.filter((item) => item.kind.kind === 'cloudwatch:composite-alarm').length;
  let standard = 0;
  let insights = 0;
  let open = 0;
  for (const spec of alarms) {
    const billed = billedMetrics(spec);
    standard += billed.standard;
    insights += billed.insights;
    if (billed.open) open += 1;
  }
  const byAccount = new Map<string, number>();
  for (const item of wanted.filter((entry) => /dashboard/.test(entry.kind.kind))) {
    byAccount.set(item.target.account, (byAccount.get(item.target.account) ?? 0) + 1);
  }
  const dashboards = [...byAccount.values()].reduce((sum, count) => sum + Math.max(0, count - PRICES.freeDashboards), 0);
  const lines = [
    { what: 'alarm metrics (standard resolution)', count: standard, usd: cents(standard * PRICES.alarmMetric) },
    { what: 'metrics analysed by Metrics Insights alarms', count: insights, usd: cents(insights * PRICES.insightsAlarmMetric) },
    { what: 'composite alarms', count: composites, usd: cents(composites * PRICES.compositeAlarm) },
    { what: `dashboards beyond ${PRICES.freeDashboards} free per account`, count: dashboards, usd: cents(dashboards * PRICES.dashboard) },
  ].filter((line) => line.count > 0);
  const notes = [
    ...(open > 0 ? [`${open} Metrics Insights alarm(s) watch every function or state machine of the account until the stacks are deployed: $${PRICES.insightsAlarmMetric} a month per metric they analyse`] : []),
    ...(byAccount.size > 0 ? [`dashboards: assumes no other dashboard in the account (${PRICES.freeDashboards} are free per account)`] : []),
  ];
  return { total: cents(lines.reduce((sum, line) => sum + line.usd, 0)), lines, notes };
}
