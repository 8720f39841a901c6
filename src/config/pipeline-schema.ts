/** The configuration keys of create-pipeline: pipeline, notifications, source (part of configSchema). */
import { z } from 'zod';

/** CodePipeline execution modes (V2). PARALLEL is refused for a deploy pipeline: see pipelineSchema. */
export const EXECUTION_MODES = ['SUPERSEDED', 'QUEUED', 'PARALLEL'] as const;

export const pipelineSchema = z
  .strictObject({
    executionMode: z.enum(EXECUTION_MODES, { message: `must be one of ${EXECUTION_MODES.join(', ')}` }).default('SUPERSEDED'),
    /** single: one pipeline through every environment; per-environment: one pipeline per environment */
    layout: z.enum(['single', 'per-environment'], { message: 'must be single or per-environment' }).default('single'),
  })
  .superRefine((pipeline, ctx) => {
    if (pipeline.executionMode === 'PARALLEL') {
      ctx.addIssue({
        code: 'custom',
        path: ['executionMode'],
        message:
          'PARALLEL is refused for a deploy pipeline: parallel executions deploy to the same environments at once and an older commit can finish last; use SUPERSEDED (newest wins) or QUEUED (every commit, in order)',
      });
    }
  });

const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: 'must be an email address' });

export const notificationsSchema = z.strictObject({
  /** email addresses notified of manual approvals (SNS <project>-approvals) */
  approvers: z.array(email).max(100, { message: 'must name at most 100 addresses' }).default([]),
  /** email addresses notified of failed pipeline executions (SNS <project>-pipeline-alerts) */
  alerts: z.array(email).max(100, { message: 'must name at most 100 addresses' }).default([]),
  /** kms: a customer key that CodePipeline and EventBridge may use; none: server-side encryption off, by explicit choice */
  encryption: z.enum(['kms', 'none'], { message: 'must be kms or none (the AWS managed SNS key cannot be used: EventBridge could not publish)' }).default('kms'),
});

/** CodeConnections provider types mtpipe can create a connection for (the others need a host: give connectionArn). */
export const CONNECTION_PROVIDERS = ['GitHub', 'GitHubEnterpriseServer', 'GitLab', 'GitLabSelfManaged', 'Bitbucket'] as const;
const HOSTED_PROVIDERS: readonly string[] = ['GitHubEnterpriseServer', 'GitLabSelfManaged'];
export const CONNECTION_ARN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]+$/;

export const sourceSchema = z
  .strictObject({
    provider: z.enum(['codecommit', 'codeconnections'], { message: 'must be codecommit or codeconnections' }).default('codecommit'),
    /** an existing connection; without it mtpipe creates one (PENDING until someone completes the handshake) */
    connectionArn: z.string().regex(CONNECTION_ARN, { message: 'must be a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)' }).optional(),
    connectionProvider: z.enum(CONNECTION_PROVIDERS, { message: `must be one of ${CONNECTION_PROVIDERS.join(', ')}` }).default('GitHub'),
    /** owner/repository on the provider */
    fullRepositoryId: z.string().regex(/^[\w.-]+(\/[\w.-]+)+$/, { message: 'must be owner/repository (e.g. my-org/machine-translation)' }).optional(),
  })
  .superRefine((source, ctx) => {
    if (source.provider !== 'codeconnections') return;
    if (!source.fullRepositoryId) {
      ctx.addIssue({ code: 'custom', path: ['fullRepositoryId'], message: 'is required with source.provider codeconnections (owner/repository)' });
    }
    if (!source.connectionArn && HOSTED_PROVIDERS.includes(source.connectionProvider)) {
      ctx.addIssue({
        code: 'custom',
        path: ['connectionArn'],
        message: `is required for ${source.connectionProvider}: its connection needs a host; create it in the console and give its ARN`,
      });
    }
  });
