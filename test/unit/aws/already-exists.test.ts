import { ResourceAlreadyExistsException as LogsResourceAlreadyExists, ResourceNotFoundException as LogsNotFound } from '@aws-sdk/client-cloudwatch-logs';
import { ResourceAlreadyExistsException as CodeBuildResourceAlreadyExists } from '@aws-sdk/client-codebuild';
import {
  ApprovalRuleTemplateDoesNotExistException,
  ApprovalRuleTemplateNameAlreadyExistsException,
  RepositoryDoesNotExistException,
  RepositoryNameExistsException,
} from '@aws-sdk/client-codecommit';
import { ApplicationAlreadyExistsException, DeploymentGroupAlreadyExistsException } from '@aws-sdk/client-codedeploy';
import { EntityAlreadyExistsException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { BucketAlreadyExists, BucketAlreadyOwnedByYou } from '@aws-sdk/client-s3';
import { ResourceExistsException } from '@aws-sdk/client-secrets-manager';
import { ParameterAlreadyExists, ParameterNotFound } from '@aws-sdk/client-ssm';
import { AlreadyExistsException as KmsAlreadyExists, NotFoundException as KmsNotFound } from '@aws-sdk/client-kms';
import { PipelineNameInUseException, PipelineNotFoundException } from '@aws-sdk/client-codepipeline';
import { RepositoryAlreadyExistsException as EcrRepositoryExists, RepositoryNotFoundException as EcrRepositoryNotFound } from '@aws-sdk/client-ecr';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cloudwatchAlarm } from '../../../src/aws/cloudwatch-alarm.js';
import { codebuildProject } from '../../../src/aws/codebuild-project.js';
import { codeconnectionsConnection } from '../../../src/aws/codeconnections-connection.js';
import { codepipelinePipeline } from '../../../src/aws/codepipeline-pipeline.js';
import { eventsRule } from '../../../src/aws/events-rule.js';
import { ecrRepository } from '../../../src/aws/ecr-repository.js';
import { ecrReplicationRule } from '../../../src/aws/ecr-replication.js';
import { kmsKey } from '../../../src/aws/kms-key.js';
import { solutionBucket } from '../../../src/aws/solution-bucket.js';
import { snsTopic } from '../../../src/aws/sns-topic.js';
import { approvalRuleTemplate, approvalTemplateAssociation } from '../../../src/aws/codecommit-approval-template.js';
import { codecommitRepository } from '../../../src/aws/codecommit-repository.js';
import { codedeployApplication } from '../../../src/aws/codedeploy-application.js';
import { codedeployDeploymentGroup } from '../../../src/aws/codedeploy-deployment-group.js';
import { groupInlinePolicy, groupPolicyAttachment, iamGroup } from '../../../src/aws/iam-group.js';
import { managedPolicy } from '../../../src/aws/iam-policy.js';
import { iamRole, roleInlinePolicy, rolePolicyAttachment } from '../../../src/aws/iam-role.js';
import { logGroup } from '../../../src/aws/log-group.js';
import { cloudwatchDashboard } from '../../../src/aws/cloudwatch-dashboard.js';
import { logsResourcePolicy } from '../../../src/aws/logs-resource-policy.js';
import { s3Bucket } from '../../../src/aws/s3-bucket.js';
import { codecommitBranchFiles } from '../../../src/aws/codecommit-branch-files.js';
import { secretsManagerSecret } from '../../../src/aws/secretsmanager-secret.js';
import { ssmParameter, ssmParameterBatch } from '../../../src/aws/ssm-parameter.js';
import { lambdaTracing } from '../../../src/aws/lambda-tracing.js';
import { xrayGroup } from '../../../src/aws/xray-group.js';
import type { ResourceKind } from '../../../src/engine/types.js';

const meta = { $metadata: {} };
type Kind = ResourceKind<never, never>;

/**
 * Each kind with a create that is not idempotent, the error its create answers when the resource exists
 * (the SDK's own exception, as it parses AWS's answer), and an error that must not count as that.
 */
const NOT_IDEMPOTENT: [Kind, Error, Error][] = [
  [codecommitRepository as Kind, new RepositoryNameExistsException({ message: 'exists', ...meta }), new RepositoryDoesNotExistException({ message: 'x', ...meta })],
  [approvalRuleTemplate as Kind, new ApprovalRuleTemplateNameAlreadyExistsException({ message: 'exists', ...meta }), new ApprovalRuleTemplateDoesNotExistException({ message: 'x', ...meta })],
  [codebuildProject as Kind, new CodeBuildResourceAlreadyExists({ message: 'exists', ...meta }), new LogsNotFound({ message: 'x', ...meta })],
  [codedeployApplication as Kind, new ApplicationAlreadyExistsException({ message: 'exists', ...meta }), new DeploymentGroupAlreadyExistsException({ message: 'x', ...meta })],
  [codedeployDeploymentGroup as Kind, new DeploymentGroupAlreadyExistsException({ message: 'exists', ...meta }), new ApplicationAlreadyExistsException({ message: 'x', ...meta })],
  [iamRole as Kind, new EntityAlreadyExistsException({ message: 'Role with name r already exists.', ...meta }), new NoSuchEntityException({ message: 'x', ...meta })],
  [iamGroup as Kind, new EntityAlreadyExistsException({ message: 'Group with name g already exists.', ...meta }), new NoSuchEntityException({ message: 'x', ...meta })],
  [managedPolicy as Kind, new EntityAlreadyExistsException({ message: 'A policy called p already exists.', ...meta }), new NoSuchEntityException({ message: 'x', ...meta })],
  [logGroup as Kind, new LogsResourceAlreadyExists({ message: 'The specified log group already exists', ...meta }), new LogsNotFound({ message: 'x', ...meta })],
  // another account's bucket of that name is not ours to converge
  [s3Bucket as Kind, new BucketAlreadyOwnedByYou({ message: 'yours', ...meta }), new BucketAlreadyExists({ message: 'taken', ...meta })],
  [secretsManagerSecret as Kind, new ResourceExistsException({ message: 'exists', ...meta }), new NoSuchEntityException({ message: 'x', ...meta })],
  [ssmParameter as Kind, new ParameterAlreadyExists({ message: 'exists', ...meta }), new ParameterNotFound({ message: 'x', ...meta })],
  [codepipelinePipeline as Kind, new PipelineNameInUseException({ message: 'exists', ...meta }), new PipelineNotFoundException({ message: 'x', ...meta })],
  // CreateKey always makes a new key: its alias is what exists (the extra key is scheduled for deletion)
  [kmsKey as Kind, new KmsAlreadyExists({ message: 'alias exists', ...meta }), new KmsNotFound({ message: 'x', ...meta })],
  [ecrRepository as Kind, new EcrRepositoryExists({ message: 'exists', ...meta }), new EcrRepositoryNotFound({ message: 'x', ...meta })],
  [solutionBucket as Kind, new BucketAlreadyOwnedByYou({ message: 'yours', ...meta }), new BucketAlreadyExists({ message: 'taken', ...meta })],
  // X-Ray answers both with InvalidRequestException: the message tells them apart
  [xrayGroup as Kind, Object.assign(new Error('Group already exists'), { name: 'InvalidRequestException' }), Object.assign(new Error('Group not found'), { name: 'InvalidRequestException' })],
];

/**
 * Kinds whose create AWS never answers with "already exists": CreateConnection takes a name that need not
 * be unique, so a lost response can leave a second PENDING connection (known limit, see the README).
 */
const NO_EXISTS_ANSWER: Kind[] = [codeconnectionsConnection] as Kind[];

/** Kinds that are only deleted, never created (destroy's batches of parameters). */
const DELETE_ONLY: Kind[] = [ssmParameterBatch] as Kind[];

/**
 * Kinds whose create is idempotent: Put*Policy replaces, UpdateFunctionConfiguration sets tracing again (lambda:tracing never creates), Attach*Policy and AssociateApprovalRuleTemplateWithRepository of
 * what is attached succeed again, SNS CreateTopic of an existing name returns it, EventBridge PutRule/PutTargets are upserts,
 * ECR PutReplicationConfiguration replaces the registry's document (mtpipe merges its rule into what it reads first),
 * the branch's files are committed on the tip read just before, and a retried CreateCommit whose first attempt went
 * in meets ParentCommitIdOutdatedException: the tip is read again and nothing is left to commit,
 * CloudWatch PutMetricAlarm creates or replaces.
 */
const IDEMPOTENT: Kind[] = [
  roleInlinePolicy,
  groupInlinePolicy,
  rolePolicyAttachment,
  groupPolicyAttachment,
  approvalTemplateAssociation,
  snsTopic,
  eventsRule,
  ecrReplicationRule,
  codecommitBranchFiles,
  lambdaTracing,
  cloudwatchAlarm,
  // CloudWatch PutDashboard and CloudWatch Logs PutResourcePolicy create or replace by name
  cloudwatchDashboard,
  logsResourcePolicy,
] as Kind[];

describe('alreadyExists: every create that can meet its own earlier attempt says so', () => {
  it.each(NOT_IDEMPOTENT.map(([kind, exists, other]) => [kind.kind, kind, exists, other] as const))('%s', (_name, kind, exists, other) => {
    expect(kind.alreadyExists?.(exists)).toBe(true);
    expect(kind.alreadyExists?.(other)).toBe(false);
    expect(kind.alreadyExists?.(new Error('socket hang up'))).toBe(false);
  });

  it.each(IDEMPOTENT.map((kind) => [kind.kind, kind] as const))('%s creates idempotently and has no predicate', (_name, kind) => {
    expect(kind.alreadyExists).toBeUndefined();
  });

  it('covers every resource kind under src/aws', async () => {
    const folder = new URL('../../../src/aws/', import.meta.url);
    const kinds: string[] = [];
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
      for (const value of Object.values((await import(new URL(file, folder).href)) as Record<string, unknown>)) {
        const kind = value as Partial<Kind> | null;
        if (kind && typeof kind === 'object' && typeof kind.kind === 'string' && typeof kind.create === 'function' && !kind.isReference) kinds.push(kind.kind);
      }
    }
    const audited = [...NOT_IDEMPOTENT.map(([kind]) => kind.kind), ...IDEMPOTENT.map((kind) => kind.kind), ...NO_EXISTS_ANSWER.map((kind) => kind.kind), ...DELETE_ONLY.map((kind) => kind.kind)];
    expect(kinds.sort()).toEqual(audited.sort());
  });
});
