/**
 * What create-pipeline sets up around the pipelines, as pure builders: the notification key and topics,
 * the failure rule with its readable message, and the push trigger of a CodeCommit source.
 */
import type { RuleSpec } from '../aws/events-rule.js';
import { ruleArn } from '../aws/events-rule.js';
import type { KeySpec } from '../aws/kms-key.js';
import { pipelineArn } from '../aws/codepipeline-pipeline.js';
import type { ResourcePolicyStatement } from '../aws/resource-policy.js';
import { topicArn, type TopicSpec } from '../aws/sns-topic.js';
import { alarmArn, codecommitRepositoryArn } from '../config/arns.js';
import { approvalTopicName, monitoringNames, pipelineNames, roleArn, roleNames } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { PipelinePlace } from './pipeline-declaration.js';
import { keyUser, SERVICE_PRINCIPAL, topicKey } from './topic-encryption.js';

const EVENTS = SERVICE_PRINCIPAL.events;
const CLOUDWATCH = SERVICE_PRINCIPAL.cloudwatch;

/**
 * The customer key of both topics. The AWS managed key alias/aws/sns cannot be used: its policy cannot
 * let EventBridge publish. EventBridge gets Decrypt and GenerateDataKey without aws:SourceArn /
 * aws:SourceAccount conditions, which EventBridge does not send to KMS (deliveries would be dropped).
 * The pipeline role publishes approvals through its IAM policy, which the account statement enables.
 */
export function notificationKey(config: Config, place: PipelinePlace, tags: Record<string, string>): KeySpec {
  return topicKey(place, {
    alias: pipelineNames.notificationKeyAlias(config.project),
    description: `mtpipe (${config.project}): encrypts the pipeline's approval and alert topics`,
    users: [
      keyUser('EventBridgePublishesAlerts', EVENTS, ['kms:Decrypt', 'kms:GenerateDataKey']),
      // setup-monitoring's failed-build alarms publish to the alerts topic
      keyUser('CloudWatchPublishesAlarms', CLOUDWATCH, ['kms:Decrypt', 'kms:GenerateDataKey']),
    ],
    tags,
  });
}

export function approvalTopic(config: Config, keyAlias: string | undefined, tags: Record<string, string>): TopicSpec {
  return {
    name: approvalTopicName(config.project),
    ...(keyAlias ? { kmsMasterKeyId: keyAlias } : {}),
    // the pipeline role publishes through its own IAM policy: no statement here
    policyStatements: [],
    emails: config.notifications.approvers,
    tags,
  };
}

/** The alerts topic: only the failure rule and the tool account's alarms (<project>-pipeline-*) may publish to it. */
export function alertTopic(config: Config, place: PipelinePlace, keyAlias: string | undefined, tags: Record<string, string>): TopicSpec {
  const name = pipelineNames.alertTopic(config.project);
  const statement: ResourcePolicyStatement = {
    Sid: 'FailureRulePublishes',
    Effect: 'Allow',
    Principal: { Service: EVENTS },
    Action: 'sns:Publish',
    Resource: topicArn(place, name),
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArn(place, pipelineNames.failureRule(config.project)) } },
  };
  const alarms: ResourcePolicyStatement = {
    Sid: 'BuildAlarmsPublish',
    Effect: 'Allow',
    Principal: { Service: CLOUDWATCH },
    Action: 'sns:Publish',
    Resource: topicArn(place, name),
    Condition: { ArnLike: { 'aws:SourceArn': alarmArn(place, monitoringNames.alarm(config.project, 'pipeline', '*')) } },
  };
  return { name, ...(keyAlias ? { kmsMasterKeyId: keyAlias } : {}), policyStatements: [statement, alarms], emails: config.notifications.alerts, tags };
}

/**
 * Failed executions of the pipelines, and failed actions of their Deploy-* and Test-* stages, sent to
 * the alerts topic as one readable line (pipeline, stage, action, execution id, console link).
 */
export function failureRule(config: Config, place: PipelinePlace, pipelines: string[], tags: Record<string, string>): RuleSpec {
  const console = place.partition === 'aws-cn' ? 'https://console.amazonaws.cn' : `https://${place.region}.console.aws.amazon.com`;
  return {
    name: pipelineNames.failureRule(config.project),
    description: `mtpipe (${config.project}): failed pipeline executions and deploy/test actions, to ${pipelineNames.alertTopic(config.project)}`,
    eventPattern: {
      source: ['aws.codepipeline'],
      resources: pipelines.map((name) => pipelineArn(place, name)),
      $or: [
        { 'detail-type': ['CodePipeline Pipeline Execution State Change'], detail: { state: ['FAILED'] } },
        { 'detail-type': ['CodePipeline Action Execution State Change'], detail: { state: ['FAILED'], stage: [{ prefix: 'Deploy-' }, { prefix: 'Test-' }] } },
      ],
    },
    targets: [
      {
        Id: 'alerts',
        Arn: topicArn(place, pipelineNames.alertTopic(config.project)),
        InputTransformer: {
          InputPathsMap: {
            pipeline: '$.detail.pipeline',
            execution: '$.detail.execution-id',
            stage: '$.detail.stage',
            action: '$.detail.action',
            state: '$.detail.state',
          },
          InputTemplate: `"Pipeline <pipeline> <state> (stage <stage>, action <action>), execution <execution>: ${console}/codesuite/codepipeline/pipelines/<pipeline>/executions/<execution>/timeline?region=${place.region}"`,
        },
      },
    ],
    tags,
  };
}

/** Starts a pipeline on a push to its branch of the CodeCommit repository (no polling: no double start). */
export function triggerRule(config: Config, place: PipelinePlace, pipeline: string, branch: string, tags: Record<string, string>): RuleSpec {
  return {
    name: pipelineNames.triggerRule(pipeline),
    description: `mtpipe (${config.project}): starts ${pipeline} on a push to ${branch}`,
    eventPattern: {
      source: ['aws.codecommit'],
      'detail-type': ['CodeCommit Repository State Change'],
      resources: [codecommitRepositoryArn(place, config.repository.name)],
      detail: { event: ['referenceCreated', 'referenceUpdated'], referenceType: ['branch'], referenceName: [branch] },
    },
    targets: [{ Id: 'pipeline', Arn: pipelineArn(place, pipeline), RoleArn: roleArn(place.partition, place.account, roleNames.startPipeline(config.project)) }],
    tags,
  };
}
