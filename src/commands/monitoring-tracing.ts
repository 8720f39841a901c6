/**
 * X-Ray across the workflow, per environment: active tracing on every solution function, the
 * trace-writing permission on their roles, the state machine's tracing verified, and an X-Ray group
 * selecting the workflow's traces. `monitoring.tracing.enabled: false` turns all of it off; what earlier
 * runs set stays as it is (tracing on the functions, the policy on their roles, the group).
 *
 * The functions, their roles and the state machine are CDK's: only the tracing setting and one managed
 * policy attachment are changed, outside CloudFormation. A later `cdk deploy` resets the functions'
 * tracing to what the stack says; that is drift the next run repairs.
 */
import { rolePolicyAttachment, type RoleAttachmentSpec } from '../aws/iam-role.js';
import { lambdaTracing, type FunctionTracingSpec } from '../aws/lambda-tracing.js';
import { stateMachineTracing, type StateMachineTracing } from '../aws/states-tracing.js';
import { xrayGroup, type XrayGroupSpec } from '../aws/xray-group.js';
import { monitoringNames } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Change, Desired } from '../engine/types.js';
import type { MonitoredEnvironment, MonitoringPart } from './monitoring-inputs.js';
import { resourceId, standardTags } from './step.js';

/** The AWS managed policy that lets a function's role write traces (PutTraceSegments, PutTelemetryRecords, sampling rules). */
export const XRAY_WRITE_POLICY = 'AWSXRayDaemonWriteAccess';

/** The permission on CDK's role is one attachment of an AWS managed policy; nothing else of the role is touched. */
const roleAttachment = {
  ...rolePolicyAttachment,
  planNote: 'a CDK-managed role: only this AWS managed policy is attached to it, outside CloudFormation',
};

/** An IAM role ARN (arn:…:iam::<account>:role[/path]/<name>) becomes its name. */
export function roleNameOf(roleArn: string): string {
  return roleArn.split('/').at(-1) ?? roleArn;
}

/**
 * The X-Ray filter expression of the workflow: traces through the state machine or any solution function
 * (`service("name")` matches a node of that name, whatever its type; X-Ray developer guide, "Using filter
 * expressions"). Names are sorted: the order discovery lists them in is no change.
 */
export function workflowFilter(stateMachines: string[], functions: string[]): string {
  return [...[...stateMachines].sort(), ...[...functions].sort()].map((name) => `service(${JSON.stringify(name)})`).join(' OR ');
}

/** An environment's tracing resources (nothing offline: no function is known until the stacks are read). */
export function tracingOf(config: Config, environment: MonitoredEnvironment): Desired[] {
  const { target } = environment;
  const items: Desired[] = [];
  const add = <S, C>(kind: Desired<S, C>['kind'], spec: S, dependsOn: string[] = []): string => {
    const id = resourceId(target.name, kind.kind, kind.name(spec));
    if (!items.some((item) => item.id === id)) items.push({ id, kind, spec, target, dependsOn } as Desired);
    return id;
  };
  const policyArn = `arn:${target.partition}:iam::aws:policy/${XRAY_WRITE_POLICY}`;
  for (const fn of environment.functions) {
    // once per role, however many functions share it; the permission first, so that no trace is refused
    const attachment: RoleAttachmentSpec | undefined = fn.roleArn ? { roleName: roleNameOf(fn.roleArn), policyArn } : undefined;
    const permission = attachment ? [add(roleAttachment, attachment)] : [];
    const spec: FunctionTracingSpec = { functionName: fn.name, mode: 'Active', ...(attachment ? { permission: roleAttachment.name(attachment) } : {}) };
    add(lambdaTracing, spec, permission);
  }
  const machines = environment.read ? environment.solution.stateMachines : [];
  for (const machine of machines) add(stateMachineTracing, { name: machine.name, arn: machine.arn });
  if (machines.length > 0 || environment.functions.length > 0) {
    const group: XrayGroupSpec = {
      name: monitoringNames.xrayGroup(config.project, target.name),
      filterExpression: workflowFilter(
        machines.map((machine) => machine.name),
        environment.functions.map((fn) => fn.name),
      ),
      tags: standardTags(config.project, target.name),
    };
    add(xrayGroup, group);
  }
  return items;
}

export const tracingPart: MonitoringPart = {
  desired: (inputs, config) => (config.monitoring.tracing.enabled ? inputs.environments.flatMap((environment) => tracingOf(config, environment)) : []),

  outputs(inputs, config, _targets, _results, changes) {
    const notes: string[] = [];
    const actions: string[] = [];
    const data: Record<string, unknown> = {};
    if (!config.monitoring.tracing.enabled) {
      notes.push('X-Ray tracing is off (monitoring.tracing.enabled: false): nothing is traced or changed; what earlier runs set (function tracing, role policies, X-Ray groups) stays as it is.');
      return { notes, actions, data: { tracing: { enabled: false } } };
    }
    for (const environment of inputs.environments) {
      const { target } = environment;
      const ofEnv = (change: Change) => change.desired.target === target;
      const functions = environment.functions.map((fn) => fn.name);
      const changed = changes.filter((change) => ofEnv(change) && change.desired.kind === lambdaTracing && change.action === 'update').length;
      const machines = changes
        .filter((change) => ofEnv(change) && change.desired.kind === stateMachineTracing)
        .map((change) => ({ name: change.desired.kind.name(change.desired.spec), tracing: (change.current as StateMachineTracing | undefined)?.enabled ?? false }));
      data[target.name] = { functionsTraced: functions, stateMachines: machines, group: functions.length + machines.length > 0 ? monitoringNames.xrayGroup(config.project, target.name) : undefined };
      if (!environment.read) {
        notes.push(`X-Ray (${target.name}): the solution's functions and state machine are known once its stacks are read (not in an offline plan).`);
        continue;
      }
      if (functions.length > 0) {
        notes.push(`X-Ray (${target.name}): active tracing on ${functions.length} solution function(s)${changed > 0 ? `, ${changed} of them turned on outside CloudFormation (a later cdk deploy turns it off again: the next run of setup-monitoring repairs it)` : ''}.`);
      }
      for (const machine of machines) {
        if (machine.tracing) notes.push(`X-Ray (${target.name}): state machine ${machine.name} traces (tracingConfiguration.enabled).`);
        else actions.push(`State machine ${machine.name} (${target.name}) has X-Ray tracing off: enable it in the solution's stack (tracing_enabled=True on the state machine) and deploy; mtpipe does not change it beside CloudFormation.`);
      }
    }
    return { notes, actions, data: { tracing: data } };
  },
};
