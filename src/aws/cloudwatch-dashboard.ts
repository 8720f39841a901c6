/**
 * CloudWatch dashboards. PutDashboard replaces the whole body: mtpipe owns every widget of a dashboard
 * it manages, and a change made in the console is replaced on the next run (the plan shows it).
 *
 * Dashboards cannot carry tags. Ownership is a marker in the body instead: a text widget saying
 * "Managed by mtpipe (project <p>, region <r>)". A dashboard of that name without the marker (someone
 * else made it, or removed the marker) is reported as existing without the project's tag, and is
 * replaced only with --adopt, as any other resource mtpipe did not make. Names are account-wide
 * (dashboards are global): the marker names the project's main region, and the plan refuses one that
 * serves another region, as it does IAM names.
 */
import { sdk } from './sdk.js';
import { compareField, fieldsToCreate } from '../engine/diff.js';
import { TAG_PROJECT, TAG_REGION, type ResourceKind, type Target } from '../engine/types.js';
import { DASHBOARD_LIMITS, normalisedBody, type DashboardBody } from '../templates/dashboard-widgets.js';
import { isDashboardNotFound, unlessAbsent } from './errors.js';

export interface DashboardSpec {
  name: string;
  body: DashboardBody;
}

export interface Dashboard {
  name: string;
  arn: string;
  /** the body as GetDashboard returned it, parsed; undefined when it is not JSON */
  body: unknown;
}

const MARKER = /Managed by mtpipe \(project ([^,)]+), region ([^)]+)\)/;

/** The text of the ownership marker; put it in a text widget of the body. */
export function ownershipMarker(project: string, region: string): string {
  return `Managed by mtpipe (project ${project}, region ${region}): changes made in the console are replaced on the next run.`;
}

/** The project and region a body's marker names, as tags; none when it has no marker. */
export function markerTags(body: unknown): Record<string, string> {
  const widgets = (body as { widgets?: unknown } | undefined)?.widgets;
  if (!Array.isArray(widgets)) return {};
  for (const widget of widgets as { type?: string; properties?: { markdown?: unknown } }[]) {
    const markdown = widget?.type === 'text' ? widget.properties?.markdown : undefined;
    const found = typeof markdown === 'string' ? MARKER.exec(markdown) : null;
    if (found) return { [TAG_PROJECT]: found[1]!, [TAG_REGION]: found[2]! };
  }
  return {};
}

/** Dashboards are global: their ARN has no region. */
export function dashboardArn(target: Pick<Target, 'partition' | 'account'>, name: string): string {
  return `arn:${target.partition}:cloudwatch::${target.account}:dashboard/${name}`;
}

async function put(target: Target, spec: DashboardSpec): Promise<void> {
  const { CloudWatchClient, PutDashboardCommand } = await sdk.cloudwatch();
  const { DashboardValidationMessages: messages = [] } = await target.clients
    .get(CloudWatchClient)
    .send(new PutDashboardCommand({ DashboardName: spec.name, DashboardBody: JSON.stringify(spec.body) }));
  // an invalid body is refused with an error; messages in a success are widgets that will not render
  if (messages.length > 0) {
    throw new Error(`CloudWatch saved dashboard ${spec.name} but reports: ${messages.map((m) => `${m.DataPath ?? ''} ${m.Message ?? ''}`.trim()).join('; ')}`);
  }
}

export const cloudwatchDashboard: ResourceKind<DashboardSpec, Dashboard> = {
  kind: 'cloudwatch:dashboard',
  name: (spec) => spec.name,
  accountGlobal: true,

  // One GetDashboard per dashboard: a ListDashboards by prefix saves the reads only while none exists,
  // and costs one more call on every later run (a run reads at most three dashboards per account).
  async find(target, spec) {
    const { CloudWatchClient, GetDashboardCommand } = await sdk.cloudwatch();
    let answer;
    try {
      answer = await target.clients.get(CloudWatchClient).send(new GetDashboardCommand({ DashboardName: spec.name }));
    } catch (error) {
      if (isDashboardNotFound(error)) return undefined;
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.DashboardBody ?? '');
    } catch {
      body = undefined;
    }
    return { name: spec.name, arn: answer.DashboardArn ?? dashboardArn(target, spec.name), body };
  },

  diff(current, spec) {
    if (!current) return fieldsToCreate({ widgets: spec.body.widgets.length });
    return compareField('body', normalisedBody(current.body), normalisedBody(spec.body));
  },

  async create(target, spec) {
    await put(target, spec);
    return { arn: dashboardArn(target, spec.name) };
  },

  async update(target, spec, current) {
    await put(target, spec);
    return { arn: current.arn };
  },

  async delete(target, current) {
    const { CloudWatchClient, DeleteDashboardsCommand } = await sdk.cloudwatch();
    // gone already (a delete whose response was lost) counts as deleted
    await unlessAbsent(target.clients.get(CloudWatchClient).send(new DeleteDashboardsCommand({ DashboardNames: [current.name] })), isDashboardNotFound);
  },

  tagsOf: (current) => markerTags(current.body),
  arnOf: (target, spec) => dashboardArn(target, spec.name),

  check(_current, spec) {
    const widgets = spec.body.widgets.length;
    if (widgets > DASHBOARD_LIMITS.widgets) return `has ${widgets} widgets; a dashboard holds at most ${DASHBOARD_LIMITS.widgets} (CloudWatch PutDashboard)`;
    const bytes = Buffer.byteLength(JSON.stringify(spec.body));
    if (bytes > DASHBOARD_LIMITS.bodyBytes) return `its body is ${bytes} bytes; a dashboard body is at most ${DASHBOARD_LIMITS.bodyBytes} bytes (CloudWatch PutDashboard)`;
    return undefined;
  },
};
