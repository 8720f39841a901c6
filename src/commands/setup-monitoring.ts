import { alarmsPart } from './monitoring-alarms.js';
import { alertsPart } from './monitoring-alerts.js';
import { dashboardsPart } from './monitoring-dashboards.js';
import { monitoredEnvironment, unreadEnvironment, type MonitoringInputs } from './monitoring-inputs.js';
import { tracingPart } from './monitoring-tracing.js';
import type { Step } from './step.js';

/** In plan order: the alerts topics first (alarms name them), then alarms, dashboards, tracing. */
const PARTS = [alertsPart, alarmsPart, dashboardsPart, tracingPart];

/**
 * Seed §6: in each environment's account and region, the alerts topic, alarms on how the solution
 * really fails, the health and quality dashboards and X-Ray tracing; in the tool account, build
 * alarms and the pipeline dashboard. What it watches comes from discovery of the deployed stacks.
 */
export const setupMonitoring: Step<MonitoringInputs> = {
  name: 'setup-monitoring',
  services: () => ['cloudwatch', 'sns', 'kms', 'events', 'logs', 'lambda', 'sfn', 'xray', 'cloudformation', 'iam'],

  // thresholds and addresses come from mtpipe.yaml (monitoring, notifications.alerts): nothing to ask.
  // What the configured names alone give (alert keys and topics, dashboards, release and build
  // alarms) is read while the stacks are discovered (Step.prepare).
  async resolve({ draft, targets }) {
    return { environments: targets.environments.map((target) => unreadEnvironment(draft.config, target)) };
  },

  async prepare(_inputs, { config, targets }) {
    return { environments: await Promise.all(targets.environments.map((target) => monitoredEnvironment(config, target))) };
  },

  desired(inputs, config, targets) {
    return PARTS.flatMap((part) => part.desired(inputs, config, targets));
  },

  outputs(inputs, config, targets, results, changes) {
    const outputs = PARTS.map((part) => part.outputs?.(inputs, config, targets, results, changes) ?? { notes: [], data: {} });
    return {
      notes: outputs.flatMap((out) => out.notes),
      actions: outputs.flatMap((out) => out.actions ?? []),
      data: Object.assign({}, ...outputs.map((out) => out.data)) as Record<string, unknown>,
    };
  },
};
