import { codebuildProject, type ProjectSpec } from '../aws/codebuild-project.js';
import { codeconnectionsConnection, connectionConsoleUrl, existingConnection, type Connection } from '../aws/codeconnections-connection.js';
import { codepipelinePipeline, pipelineArn } from '../aws/codepipeline-pipeline.js';
import { pushId } from './push-step.js';
import { eventsRule } from '../aws/events-rule.js';
import { kmsKey } from '../aws/kms-key.js';
import { s3Bucket, type BucketSpec } from '../aws/s3-bucket.js';
import { snsTopic, unconfirmedEmails, type Topic, type TopicSpec } from '../aws/sns-topic.js';
import { SHARED, type Targets } from '../aws/targets.js';
import { artifactBucketName, pipelineNames, pipelinesOf, projectNames, roleNames } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import { existing } from '../engine/reference.js';
import type { Change, Desired, ResourceKind, Target } from '../engine/types.js';
import { pipelineConsoleUrl, pipelineDeclaration, type PipelinePlace } from './pipeline-declaration.js';
import { alertTopic, approvalTopic, failureRule, notificationKey, triggerRule } from './pipeline-notifications.js';
import { roleReference } from './security-roles.js';
import { resourceId, standardTags, type Step } from './step.js';

/** The builds' bucket and projects, as create-pipeline refers to them: read, never written. */
const builtBucket = existing(s3Bucket, 'create-builds');
const builtProject = existing(codebuildProject, 'create-builds');

const placeOf = (target: Target): PipelinePlace => ({ partition: target.partition, account: target.account, region: target.region });

/** The pipelines this run acts on: the single one always; per environment, those of the selected environments. */
function selectedPipelines(config: Config, targets: Targets) {
  return config.pipeline.layout === 'per-environment' ? pipelinesOf(config, targets.environments.map((t) => t.name)) : pipelinesOf(config);
}

const needsApproval = (config: Config) => Object.values(config.environments).some((env) => env.approval);

function projectReference(target: Target, name: string): Desired {
  return { id: resourceId(target.name, codebuildProject.kind, name), kind: builtProject, target, spec: { name } as ProjectSpec };
}

export const createPipeline: Step<Record<string, never>> = {
  name: 'create-pipeline',
  services: (config) => ['codepipeline', 'codebuild', 'events', 'kms', 's3', 'sns', 'iam', ...(config.source.provider === 'codeconnections' ? (['codeconnections'] as const) : [])],

  // everything comes from mtpipe.yaml (pipeline, notifications, source): nothing to ask
  async resolve() {
    return {};
  },

  desired(_inputs, config, targets) {
    const { shared } = targets;
    const { project } = config;
    const place = placeOf(shared);
    const tags = standardTags(project, SHARED);
    const items: Desired[] = [];
    const add = <S, C>(kind: Desired<S, C>['kind'], spec: S, name: string, dependsOn: string[] = []): string => {
      const id = resourceId(shared.name, kind.kind, name);
      items.push({ id, kind, target: shared, spec, dependsOn } as Desired);
      return id;
    };

    const pipelineRole = roleReference(shared, roleNames.pipeline(project));
    const bucket = artifactBucketName(config, shared.account, shared.region);
    const bucketId = add(builtBucket, { name: bucket, partition: shared.partition, retentionDays: config.builds.artifactRetentionDays, tags } as BucketSpec, bucket);
    items.push(pipelineRole);

    const encrypted = config.notifications.encryption === 'kms';
    const key = notificationKey(config, place, tags);
    const keyId = encrypted ? add(kmsKey, key, key.alias) : undefined;
    const keyAlias = encrypted ? key.alias : undefined;
    const topicDeps = keyId ? [keyId] : [];

    const approvals: TopicSpec | undefined = needsApproval(config) ? approvalTopic(config, keyAlias, tags) : undefined;
    const approvalsId = approvals ? add(snsTopic, approvals, approvals.name, topicDeps) : undefined;
    const alerts = alertTopic(config, place, keyAlias, tags);
    const alertsId = add(snsTopic, alerts, alerts.name, topicDeps);

    let connectionId: string | undefined;
    let connection: { name: string; providerType: typeof config.source.connectionProvider } | undefined;
    if (config.source.provider === 'codeconnections') {
      if (config.source.connectionArn) {
        connectionId = add(existingConnection, { arn: config.source.connectionArn }, config.source.connectionArn);
      } else {
        connection = { name: pipelineNames.connection(project), providerType: config.source.connectionProvider };
        connectionId = add(codeconnectionsConnection, { ...connection, tags }, connection.name);
      }
    } else {
      items.push(roleReference(shared, roleNames.startPipeline(project)));
    }

    const pipelines = selectedPipelines(config, targets);
    const projectRefs = new Map<string, Desired>();
    const refer = (target: Target, name: string) => {
      const ref = projectRefs.get(name) ?? projectReference(target, name);
      projectRefs.set(name, ref);
      return ref.id;
    };
    for (const pipeline of pipelines) {
      const projectIds = [
        refer(shared, projectNames.buildAndTest(project)),
        ...pipeline.envs.flatMap((env) => {
          const inTool = targets.environmentsInToolAccount.find((t) => t.name === env) ?? { ...shared, name: env };
          return [refer(inTool, projectNames.cdkDeploy(project, env)), refer(inTool, projectNames.integrationTest(project, env))];
        }),
      ];
      const declaration = pipelineDeclaration(config, place, {
        ...pipeline,
        ...(approvals ? { approvalTopicArn: snsTopic.arnOf(shared, approvals) } : {}),
        ...(config.source.connectionArn ? { connectionArn: config.source.connectionArn } : {}),
      });
      const deps = [pipelineRole.id, bucketId, ...projectIds, ...(approvalsId ? [approvalsId] : []), ...(connectionId ? [connectionId] : [])];
      const pipelineId = add(codepipelinePipeline, { declaration, tags, ...(connection ? { connection } : {}) }, pipeline.name, deps);
      // a new pipeline starts an execution at once: in bootstrap, the code is pushed first (ordering only)
      if (config.source.provider === 'codecommit') items.at(-1)!.after = [pushId(shared.name, config.repository.name, pipeline.branch)];
      if (config.source.provider === 'codecommit') {
        const rule = triggerRule(config, place, pipeline.name, pipeline.branch, tags);
        add(eventsRule, rule, rule.name, [pipelineId, resourceId(shared.name, pipelineRole.kind.kind, roleNames.startPipeline(project))]);
      }
    }
    items.push(...projectRefs.values());
    const rule = failureRule(config, place, pipelinesOf(config).map((p) => p.name), tags);
    add(eventsRule, rule, rule.name, [alertsId]);
    return items;
  },

  outputs(_inputs, config, targets, results, changes) {
    const { shared } = targets;
    const place = placeOf(shared);
    // what the plan read of a resource (undefined: created by this run, or not read)
    const read = <S, C>(kind: ResourceKind<S, C>, name: string): C | undefined =>
      (changes.find((c: Change) => c.desired.kind === (kind as unknown) && c.desired.kind.name(c.desired.spec) === name)?.current as C | undefined);
    const pipelines = selectedPipelines(config, targets).map((p) => ({ name: p.name, arn: pipelineArn(place, p.name), consoleUrl: pipelineConsoleUrl(place, p.name), environments: p.envs, branch: p.branch }));
    const topic = (spec: TopicSpec) => {
      const arn = snsTopic.arnOf(shared, spec)!;
      return { name: spec.name, arn, unconfirmed: unconfirmedEmails(read<TopicSpec, Topic>(snsTopic, spec.name), spec.emails) };
    };
    const approvals = needsApproval(config) ? topic(approvalTopic(config, undefined, {})) : undefined;
    const alerts = topic(alertTopic(config, place, undefined, {}));
    const notes = pipelines.map((p) => `Pipeline ${p.name} (${['Source', 'BuildAndTest', ...p.environments].join(' → ')}, branch ${p.branch}): ${p.consoleUrl}`);
    // what a person still has to do is shown after every run; the rest with --verbose or after changes
    const actions: string[] = [];
    for (const t of [approvals, alerts]) {
      if (!t) continue;
      if (t.unconfirmed.length > 0) actions.push(`SNS topic ${t.name}: still to confirm their subscription (email from AWS Notifications): ${t.unconfirmed.join(', ')}`);
      else notes.push(`SNS topic ${t.name}`);
    }
    if (approvals && config.notifications.approvers.length === 0) actions.push('No approver is notified: set notifications.approvers to email addresses.');
    const data: Record<string, unknown> = { pipelines, ...(approvals ? { approvalTopic: approvals } : {}), alertTopic: alerts };
    if (config.source.provider === 'codeconnections') {
      const name = config.source.connectionArn ?? pipelineNames.connection(config.project);
      const found = read<unknown, Connection>(config.source.connectionArn ? existingConnection : codeconnectionsConnection, name);
      // a connection created by this run is PENDING; its ARN is in the results
      const created = results?.find((r) => r.kind === codeconnectionsConnection.kind && r.status === 'created')?.arn;
      const arn = config.source.connectionArn ?? found?.arn ?? created;
      const status = found?.status;
      data.connection = { arn, status: status ?? 'PENDING' };
      if (status !== 'AVAILABLE') {
        actions.push(
          `Connection ${arn ?? pipelineNames.connection(config.project)} is ${status ?? 'PENDING'}: the pipeline's Source fails until someone completes the handshake with ${config.source.connectionProvider} in the console: ${connectionConsoleUrl(shared)}`,
        );
      }
    }
    return { data, notes, actions };
  },
};
