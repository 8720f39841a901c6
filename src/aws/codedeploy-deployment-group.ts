import type { AlarmConfiguration, AutoRollbackConfiguration, AutoRollbackEvent, DeploymentStyle } from '@aws-sdk/client-codedeploy';
import { sdk } from './sdk.js';
import { compareField, compareTags, fieldsToCreate, tagsToAdd, toTagList } from '../engine/diff.js';
import { CODEDEPLOY_ROLE_PROPAGATION_TIMEOUT_MS, whileIamPropagates } from '../engine/retry.js';
import { TAG_PROJECT, type FieldDiff, type ResourceKind, type Target } from '../engine/types.js';
import { describeAlarms } from './cloudwatch-alarm-reads.js';
import { projectTags, tagIndex } from './tag-index.js';
import { codedeployTags } from './codedeploy-application.js';
import { alreadyExists, isDeploymentGroupNotFound, propagation } from './errors.js';

/** CodeDeploy takes at most 10 alarms per deployment group. */
export const MAX_ALARMS = 10;

export interface DeploymentGroupSpec {
  applicationName: string;
  name: string;
  deploymentConfigName: string;
  serviceRoleArn: string;
  /** CloudWatch alarms that stop the deployment and roll it back */
  alarms: string[];
  tags: Record<string, string>;
}

/** The fields mtpipe owns, in the shape it compares them. */
export interface DeploymentGroupSettings {
  deploymentConfigName: string;
  serviceRoleArn: string;
  deploymentStyle: { deploymentType: string; deploymentOption: string };
  autoRollback: { enabled: boolean; events: string[] };
  alarms: { enabled: boolean; ignorePollAlarmFailure: boolean; names: string[] };
}

export interface DeploymentGroup extends DeploymentGroupSettings {
  tags: Record<string, string>;
  /** which of the wanted alarms exist now (read with the group, not a setting of it) */
  presentAlarms: string[];
}

/** Lambda deployments always shift traffic between versions behind an alias. */
const LAMBDA_STYLE = { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' } as const satisfies DeploymentStyle;
const ROLLBACK_EVENTS = ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] as const satisfies AutoRollbackConfiguration['events'];

/**
 * `present`: those of spec.alarms that exist in CloudWatch. CodeDeploy requires an alarm to exist before
 * a deployment group names it, so the group watches the alarms that exist (setup-monitoring creates
 * them) and takes the others up on a later run.
 */
export function wantedSettings(spec: DeploymentGroupSpec, present: string[]): DeploymentGroupSettings {
  const names = spec.alarms.filter((name) => present.includes(name)).sort();
  return {
    deploymentConfigName: spec.deploymentConfigName,
    serviceRoleArn: spec.serviceRoleArn,
    deploymentStyle: { ...LAMBDA_STYLE },
    autoRollback: { enabled: true, events: [...ROLLBACK_EVENTS] },
    // false: a deployment stops when CloudWatch cannot tell the alarms' state
    alarms: { enabled: names.length > 0, ignorePollAlarmFailure: false, names },
  };
}

interface ForeignSettings {
  alarms: string[];
  events: AutoRollbackEvent[];
}

/**
 * What others added to the group: alarms mtpipe does not name, rollback events it does not set. They
 * are not compared, and an update sends them back (UpdateDeploymentGroup replaces both lists).
 */
export function foreignSettings(current: DeploymentGroupSettings, spec: DeploymentGroupSpec): ForeignSettings {
  return {
    alarms: current.alarms.names.filter((name) => !spec.alarms.includes(name)),
    // events CodeDeploy reported back: of its own enumeration
    events: current.autoRollback.events.filter((event) => !(ROLLBACK_EVENTS as readonly string[]).includes(event)) as AutoRollbackEvent[],
  };
}

/** The current settings narrowed to what mtpipe owns, and the settings it wants with others' alarms in mind. */
function ownedView(current: DeploymentGroup, spec: DeploymentGroupSpec): { have: DeploymentGroupSettings; want: DeploymentGroupSettings } {
  const foreign = foreignSettings(current, spec);
  const want = wantedSettings(spec, current.presentAlarms);
  const have: DeploymentGroupSettings = {
    ...current,
    autoRollback: { ...current.autoRollback, events: current.autoRollback.events.filter((event) => (ROLLBACK_EVENTS as readonly string[]).includes(event)) },
    alarms: { ...current.alarms, names: current.alarms.names.filter((name) => !foreign.alarms.includes(name)) },
  };
  // the alarm check stays on while any alarm is named, mtpipe's or another's
  return { have, want: { ...want, alarms: { ...want.alarms, enabled: want.alarms.names.length + foreign.alarms.length > 0 } } };
}

/** The alarms among `names` that exist (DescribeAlarms takes at most 100 names). */
export async function presentAlarms(target: Target, names: string[]): Promise<string[]> {
  const { CloudWatchClient, DescribeAlarmsCommand } = await sdk.cloudwatch();
  if (names.length === 0) return [];
  const client = target.clients.get(CloudWatchClient);
  const found: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeAlarmsCommand({ AlarmNames: names, MaxRecords: 100, NextToken: nextToken }));
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) if (alarm.AlarmName) found.push(alarm.AlarmName);
    nextToken = page.NextToken;
  } while (nextToken);
  return found.sort();
}

export const codedeployDeploymentGroup: ResourceKind<DeploymentGroupSpec, DeploymentGroup> = {
  kind: 'codedeploy:deployment-group',
  name: (spec) => spec.name,

  async find(target, spec) {
    const { CodeDeployClient, GetDeploymentGroupCommand } = await sdk.codedeploy();
    const arn = deploymentGroupArn(target, spec);
    const project = spec.tags[TAG_PROJECT];
    // the group, its alarms (shared with the alarms' own read) and the project's tag index at once
    const [read, alarms] = await Promise.allSettled([
      target.clients.get(CodeDeployClient).send(new GetDeploymentGroupCommand({ applicationName: spec.applicationName, deploymentGroupName: spec.name })),
      describeAlarms(target, spec.alarms),
      project && tagIndex(target, project),
    ]);
    if (read.status === 'rejected') {
      if (isDeploymentGroupNotFound(read.reason)) return undefined;
      throw read.reason;
    }
    if (alarms.status === 'rejected') throw alarms.reason;
    const info = read.value.deploymentGroupInfo;
    return {
      deploymentConfigName: info?.deploymentConfigName ?? '',
      serviceRoleArn: info?.serviceRoleArn ?? '',
      deploymentStyle: { deploymentType: info?.deploymentStyle?.deploymentType ?? '', deploymentOption: info?.deploymentStyle?.deploymentOption ?? '' },
      autoRollback: { enabled: info?.autoRollbackConfiguration?.enabled ?? false, events: [...(info?.autoRollbackConfiguration?.events ?? [])].sort() },
      alarms: {
        enabled: info?.alarmConfiguration?.enabled ?? false,
        ignorePollAlarmFailure: info?.alarmConfiguration?.ignorePollAlarmFailure ?? false,
        names: (info?.alarmConfiguration?.alarms ?? []).map((alarm) => alarm.name ?? '').sort(),
      },
      tags: await projectTags(target, project, arn, () => codedeployTags(target, arn)),
      presentAlarms: spec.alarms.filter((_, index) => alarms.value[index] !== undefined).sort(),
    };
  },

  diff(current, spec) {
    if (!current) {
      const { alarms: _alarms, ...settings } = wantedSettings(spec, []);
      return fieldsToCreate({ ...settings, alarms: `those of ${spec.alarms.join(', ')} that exist when it is created`, tags: spec.tags });
    }
    const { have, want } = ownedView(current, spec);
    const diffs: FieldDiff[] = [];
    for (const field of Object.keys(want) as (keyof DeploymentGroupSettings)[]) {
      diffs.push(...compareField(field, have[field], want[field]));
    }
    return [...diffs, ...compareTags(current.tags, spec.tags)];
  },

  check(current, spec) {
    if (spec.alarms.length > MAX_ALARMS) return `${spec.alarms.length} alarms: a deployment group takes at most ${MAX_ALARMS}`;
    const others = current ? foreignSettings(current, spec).alarms : [];
    if (spec.alarms.length + others.length > MAX_ALARMS) {
      return `the group already names ${others.length} other alarm(s) (${others.join(', ')}): with mtpipe's ${spec.alarms.length} that is more than CodeDeploy's ${MAX_ALARMS}; remove some of them from the group`;
    }
    return undefined;
  },

  alreadyExists: alreadyExists.codedeployDeploymentGroup,

  async create(target, spec, context) {
    const { CodeDeployClient, CreateDeploymentGroupCommand } = await sdk.codedeploy();
    const client = target.clients.get(CodeDeployClient);
    // alarms this run created exist: only others are asked for (setup-monitoring's come first, by `after`)
    const created = spec.alarms.filter((name) => context?.createdInThisRun('cloudwatch:alarm', name) ?? false);
    const present = created.length === spec.alarms.length ? created.sort() : await presentAlarms(target, spec.alarms);
    // The CodeDeploy role may have been created moments ago in this run: CodeDeploy sees it minutes later at worst.
    const roleIsNew = context?.createdInThisRun('iam:role', spec.serviceRoleArn) ?? false;
    await whileIamPropagates(
      () =>
        client.send(
          new CreateDeploymentGroupCommand({
            applicationName: spec.applicationName,
            deploymentGroupName: spec.name,
            ...settingsInput(spec, present),
            tags: toTagList(spec.tags),
          }),
        ),
      (error) => roleIsNew && propagation.codedeployInvalidRole(error),
      { timeoutMs: CODEDEPLOY_ROLE_PROPAGATION_TIMEOUT_MS, context },
    );
    return { arn: deploymentGroupArn(target, spec) };
  },

  async update(target, spec, current, diffs, context) {
    const { CodeDeployClient, TagResourceCommand, UpdateDeploymentGroupCommand } = await sdk.codedeploy();
    const client = target.clients.get(CodeDeployClient);
    const roleIsNew = context?.createdInThisRun('iam:role', spec.serviceRoleArn) ?? false;
    // the group exists: its settings and its tags are written at once
    await Promise.all([
      diffs.some((diff) => diff.field !== 'tags')
        ? // Omitted fields stay as they are; every field mtpipe owns is sent, so the result does not depend on what differed.
          whileIamPropagates(
            () =>
              client.send(
                new UpdateDeploymentGroupCommand({
                  applicationName: spec.applicationName,
                  currentDeploymentGroupName: spec.name,
                  ...settingsInput(spec, current.presentAlarms, foreignSettings(current, spec)),
                }),
              ),
            (error) => roleIsNew && propagation.codedeployInvalidRole(error),
            { timeoutMs: CODEDEPLOY_ROLE_PROPAGATION_TIMEOUT_MS, context },
          )
        : undefined,
      diffs.some((diff) => diff.field === 'tags')
        ? client.send(new TagResourceCommand({ ResourceArn: deploymentGroupArn(target, spec), Tags: toTagList(tagsToAdd(current.tags, spec.tags)) }))
        : undefined,
    ]);
    return { arn: deploymentGroupArn(target, spec) };
  },

  async delete(target, _current, spec) {
    const { CodeDeployClient, DeleteDeploymentGroupCommand } = await sdk.codedeploy();
    try {
      await target.clients
        .get(CodeDeployClient)
        .send(new DeleteDeploymentGroupCommand({ applicationName: spec.applicationName, deploymentGroupName: spec.name }));
    } catch (error) {
      if (!isDeploymentGroupNotFound(error)) throw error;
    }
  },

  tagsOf: (current) => current.tags,
  arnOf: (target, spec) => deploymentGroupArn(target, spec),
};

function settingsInput(spec: DeploymentGroupSpec, present: string[], others: ForeignSettings = { alarms: [], events: [] }): {
  deploymentConfigName: string;
  serviceRoleArn: string;
  deploymentStyle: DeploymentStyle;
  autoRollbackConfiguration: AutoRollbackConfiguration;
  alarmConfiguration: AlarmConfiguration;
} {
  const wanted = wantedSettings(spec, present);
  return {
    deploymentConfigName: wanted.deploymentConfigName,
    serviceRoleArn: wanted.serviceRoleArn,
    deploymentStyle: { ...LAMBDA_STYLE },
    autoRollbackConfiguration: { enabled: true, events: [...ROLLBACK_EVENTS, ...others.events] },
    alarmConfiguration: {
      enabled: wanted.alarms.names.length + others.alarms.length > 0,
      ignorePollAlarmFailure: wanted.alarms.ignorePollAlarmFailure,
      alarms: [...wanted.alarms.names, ...others.alarms].map((name) => ({ name })),
    },
  };
}

export function deploymentGroupArn(place: Pick<Target, 'partition' | 'account' | 'region'>, spec: { applicationName: string; name: string }): string {
  return `arn:${place.partition}:codedeploy:${place.region}:${place.account}:deploymentgroup:${spec.applicationName}/${spec.name}`;
}
