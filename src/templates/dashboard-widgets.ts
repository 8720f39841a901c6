/**
 * Typed CloudWatch dashboard widgets, after "Dashboard Body Structure and Syntax" (CloudWatch API
 * reference): metric, alarm-status, text and Logs Insights ("log") widgets on a grid 24 units wide.
 * Builders set every property a widget shows, so that what AWS returns compares equal when parsed.
 */

/** How one line of a metric widget is drawn (the optional last element of a metrics array entry). */
export interface MetricRendering {
  id?: string;
  label?: string;
  stat?: string;
  /** seconds */
  period?: number;
  visible?: boolean;
  yAxis?: 'left' | 'right';
  /** metric math or a Metrics Insights query; the entry is then `[{ expression, … }]` alone */
  expression?: string;
}

/** `[namespace, metricName, dim1Name, dim1Value, …, rendering?]`, or `[{ expression, … }]`. */
export type MetricLine = (string | MetricRendering)[];

export interface MetricWidgetProperties {
  metrics: MetricLine[];
  /** metrics are regional: every metric widget names its region */
  region: string;
  title: string;
  view: 'timeSeries' | 'singleValue' | 'bar' | 'pie' | 'gauge' | 'table';
  stacked: boolean;
  /** the default statistic of the lines that name none */
  stat: string;
  /** seconds */
  period: number;
  yAxis?: { left?: { min?: number; max?: number; label?: string; showUnits?: boolean } };
  annotations?: { horizontal?: { value: number; label: string }[] };
}

export interface AlarmWidgetProperties {
  /** 1–100 alarm ARNs (the ARN names the alarm's region) */
  alarms: string[];
  title: string;
  sortBy: 'default' | 'stateUpdatedTimestamp' | 'timestamp';
}

export interface TextWidgetProperties {
  markdown: string;
}

export interface LogWidgetProperties {
  /** `SOURCE '<log group>' | <Logs Insights query>` */
  query: string;
  region: string;
  title: string;
  view: 'table' | 'timeSeries' | 'bar' | 'pie';
  stacked?: boolean;
}

interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Widget =
  | (Placed & { type: 'metric'; properties: MetricWidgetProperties })
  | (Placed & { type: 'alarm'; properties: AlarmWidgetProperties })
  | (Placed & { type: 'text'; properties: TextWidgetProperties })
  | (Placed & { type: 'log'; properties: LogWidgetProperties });

/** A widget before it is placed on the grid. */
export type UnplacedWidget = Widget extends infer W ? (W extends Widget ? Omit<W, 'x' | 'y'> : never) : never;

export interface DashboardBody {
  /** the time range shown when the dashboard opens, e.g. -PT24H */
  start: string;
  widgets: Widget[];
}

/** Limits of PutDashboard (CloudWatch API reference, "Dashboard Body Structure and Syntax"). */
export const DASHBOARD_LIMITS = { widgets: 500, bodyBytes: 1_000_000, alarmsPerWidget: 100 };

const GRID = 24;
const PERIOD = 300;

/** One metric of `namespace` with its dimensions, in the order given. */
export function metric(namespace: string, name: string, dimensions: Record<string, string>, rendering?: MetricRendering): MetricLine {
  const line: MetricLine = [namespace, name, ...Object.entries(dimensions).flat()];
  return rendering ? [...line, rendering] : line;
}

export function metricWidget(
  title: string,
  region: string,
  metrics: MetricLine[],
  options: Partial<Omit<MetricWidgetProperties, 'metrics' | 'region' | 'title'>> & { width?: number; height?: number } = {},
): UnplacedWidget {
  const { width = 12, height = 6, ...rest } = options;
  return { type: 'metric', width, height, properties: { title, region, metrics, view: 'timeSeries', stacked: false, stat: 'Average', period: PERIOD, ...rest } };
}

/** Alarm-status widgets for `arns`: one per 100 alarms (the most one widget lists). */
export function alarmWidgets(title: string, arns: string[]): UnplacedWidget[] {
  const widgets: UnplacedWidget[] = [];
  for (let start = 0; start < arns.length; start += DASHBOARD_LIMITS.alarmsPerWidget) {
    const part = arns.slice(start, start + DASHBOARD_LIMITS.alarmsPerWidget);
    const rows = Math.ceil(part.length / 4);
    widgets.push({ type: 'alarm', width: GRID, height: Math.min(2 + rows, 20), properties: { title: arns.length > part.length ? `${title} (${start / 100 + 1})` : title, alarms: part, sortBy: 'stateUpdatedTimestamp' } });
  }
  return widgets;
}

export function textWidget(markdown: string, height = 2): UnplacedWidget {
  return { type: 'text', width: GRID, height, properties: { markdown } };
}

/** A Logs Insights widget over `logGroups` (each one must exist, else the widget shows an error). */
export function logWidget(title: string, region: string, logGroups: string[], query: string[], view: LogWidgetProperties['view'], width = 12): UnplacedWidget {
  const sources = logGroups.map((group) => `SOURCE '${group}'`).join(' | ');
  return { type: 'log', width, height: 6, properties: { title, region, view, query: `${sources} | ${query.join('\n| ')}`, ...(view === 'timeSeries' ? { stacked: false } : {}) } };
}

/** Places widgets left to right, wrapping at the grid's width; each row is as high as its highest widget. */
export function layout(widgets: UnplacedWidget[]): Widget[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return widgets.map((widget) => {
    if (x + widget.width > GRID) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const placed = { ...widget, x, y } as Widget;
    x += widget.width;
    rowHeight = Math.max(rowHeight, widget.height);
    return placed;
  });
}

export function dashboardBody(widgets: UnplacedWidget[], start = '-PT24H'): DashboardBody {
  return { start, widgets: layout(widgets) };
}

/**
 * The body as compared with what GetDashboard returns: the defaults a widget takes when a property
 * is absent filled in (AWS may leave out or add what equals the default), so that only real changes
 * show as a difference. Key order and whitespace are ignored by the comparison itself (parsed JSON).
 */
export function normalisedBody(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const { widgets, ...rest } = body as { widgets?: unknown };
  if (!Array.isArray(widgets)) return body;
  return {
    ...rest,
    widgets: widgets.map((widget: unknown) => {
      if (!widget || typeof widget !== 'object') return widget;
      const w = widget as { type?: string; properties?: Record<string, unknown> };
      const defaults: Record<string, unknown> =
        w.type === 'metric' ? { view: 'timeSeries', stacked: false, stat: 'Average', period: PERIOD } : w.type === 'log' ? { view: 'table' } : w.type === 'alarm' ? { sortBy: 'default' } : {};
      return { ...w, properties: { ...defaults, ...(w.properties ?? {}) } };
    }),
  };
}
