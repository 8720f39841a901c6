/**
 * `mtpipe approve <env> [--reject] [--comment TEXT]`: answers the pending manual approval of the
 * environment's Approve-<env> stage. The token PutApprovalResult needs is only in GetPipelineState.
 */
import { pipelineState, putApproval } from '../aws/codepipeline-execution.js';
import type { StageState } from '@aws-sdk/client-codepipeline';
import { sdk } from '../aws/sdk.js';
import { isApprovalAlreadyCompleted, isInvalidApprovalToken, isPipelineNotFound } from '../aws/errors.js';
import { pipelinesOf } from '../config/resource-names.js';
import type { Config } from '../config/schema.js';
import type { Target } from '../engine/types.js';
import { AwsError, MtpipeError, UserInputError } from '../errors.js';
import { openToolTarget } from './pipeline-target.js';
import type { CommandSession } from './session.js';

/** PutApprovalResult ApprovalResult.summary: 0-512 characters. */
export const MAX_SUMMARY = 512;

export interface ApproveRequest {
  env: string;
  reject?: boolean;
  comment?: string;
}

export interface ApproveResult {
  env: string;
  pipeline: string;
  stage: string;
  action: string;
  executionId?: string;
  status: 'Approved' | 'Rejected';
  summary: string;
}

/** The stage and action of an environment's approval (pipeline-declaration.ts names both Approve-<env>). */
export const approvalStageName = (env: string) => `Approve-${env}`;

/** Bad input, before any AWS call: an unknown environment, one without approval, a summary too long. */
export function validateApprove(config: Config, request: ApproveRequest): { pipeline: string } {
  const known = Object.keys(config.environments);
  const env = config.environments[request.env];
  if (!env) throw new UserInputError([`<env>: no environment "${request.env}" in the configuration (known: ${known.join(', ')})`]);
  if (request.comment !== undefined && (request.comment.trim() === '' || request.comment.length > MAX_SUMMARY)) {
    throw new UserInputError([`--comment: must be 1-${MAX_SUMMARY} characters (PutApprovalResult's summary)`]);
  }
  if (!env.approval) {
    const withApproval = known.filter((name) => config.environments[name]!.approval);
    throw new MtpipeError('approval_not_configured', `environment ${request.env} has no approval stage: environments.${request.env}.approval is false`, {
      exitCode: 2,
      hint: withApproval.length > 0 ? `environments with an approval: ${withApproval.join(', ')}` : `set environments.${request.env}.approval: true and run mtpipe create-pipeline`,
    });
  }
  return { pipeline: pipelinesOf(config, [request.env]).find((p) => p.envs.includes(request.env))!.name };
}

export type ApproveSession = CommandSession<'info'>;

export async function approve(session: ApproveSession, request: ApproveRequest): Promise<ApproveResult> {
  const config = session.draft.config;
  const { pipeline } = validateApprove(config, request);
  const { target, close } = await openToolTarget(session);
  try {
    return await answer(target, pipeline, request);
  } finally {
    close();
  }
}

/** Finds the pending approval's token in GetPipelineState and answers it with PutApprovalResult. */
export async function answer(target: Target, pipeline: string, request: ApproveRequest): Promise<ApproveResult> {
  const stageName = approvalStageName(request.env);
  let states: StageState[];
  try {
    states = await pipelineState(target, pipeline);
  } catch (error) {
    if (isPipelineNotFound(error)) throw new MtpipeError('pipeline_not_found', `no pipeline ${pipeline}`, { cause: error, hint: 'create it with `mtpipe create-pipeline`' });
    throw new AwsError(`reading the state of pipeline ${pipeline}`, error);
  }
  const stage = states.find((s) => s.stageName === stageName);
  if (!stage) {
    throw new MtpipeError('approval_stage_missing', `pipeline ${pipeline} has no stage ${stageName}`, { hint: 'update the pipeline to the configuration: mtpipe create-pipeline' });
  }
  const action = stage.actionStates?.find((a) => a.actionName === stageName) ?? stage.actionStates?.[0];
  const latest = action?.latestExecution;
  if (!latest || latest.status !== 'InProgress' || !latest.token) {
    throw new MtpipeError('no_pending_approval', `no approval pending for ${request.env}: ${whatStageDoes(stage, states)}`, {
      hint: 'see the pipeline: mtpipe watch',
    });
  }
  const status = request.reject ? 'Rejected' : 'Approved';
  const summary = request.comment ?? `${status} by ${await caller(target)} with mtpipe`;
  try {
    await putApproval(target, { pipeline, stage: stageName, action: action!.actionName!, token: latest.token, approved: !request.reject, summary: summary.slice(0, MAX_SUMMARY) });
  } catch (error) {
    if (isApprovalAlreadyCompleted(error)) throw new MtpipeError('approval_completed', `the approval of ${request.env} was answered already`, { cause: error, hint: 'see the pipeline: mtpipe watch' });
    if (isInvalidApprovalToken(error)) {
      throw new MtpipeError('approval_changed', `the approval of ${request.env} changed while mtpipe answered it (another execution reached ${stageName})`, { cause: error, hint: `run mtpipe approve ${request.env} again` });
    }
    throw new AwsError(`answering the approval ${stageName} of ${pipeline}`, error);
  }
  const executionId = stage.latestExecution?.pipelineExecutionId;
  return { env: request.env, pipeline, stage: stageName, action: action!.actionName!, ...(executionId ? { executionId } : {}), status, summary };
}

/** "stage Approve-prod has not run yet", "… last ran in execution X: Succeeded; the pipeline is at Deploy-dev (InProgress)" */
export function whatStageDoes(stage: StageState, states: StageState[]): string {
  const latest = stage.latestExecution;
  const running = states.filter((s) => s.latestExecution?.status === 'InProgress').map((s) => s.stageName);
  const at = running.length > 0 ? `; the pipeline is at ${running.join(', ')} (InProgress)` : '';
  if (!latest) return `stage ${stage.stageName} has not run yet${at}`;
  return `stage ${stage.stageName} is ${latest.status} (execution ${latest.pipelineExecutionId})${at}`;
}

async function caller(target: Target): Promise<string> {
  const { GetCallerIdentityCommand, STSClient } = await sdk.sts();
  try {
    const { Arn } = await target.clients.get(STSClient).send(new GetCallerIdentityCommand({}));
    return Arn ?? `account ${target.account}`;
  } catch (error) {
    throw new AwsError('asking STS who the credentials are', error);
  }
}

export function approveNotes(result: ApproveResult): string[] {
  return [`${result.status} ${result.stage} of ${result.pipeline}${result.executionId ? ` (execution ${result.executionId})` : ''}: ${result.summary}`];
}
