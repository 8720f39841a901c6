/**
 * Pipeline executions: start one, read where it is, answer an approval. A thin layer over CodePipeline
 * (and CodeBuild + CloudWatch Logs for a failed build's log); the watch loop is in commands/watch.ts.
 */
// first: it turns off the SDK's Node-version notice before an SDK module loads
import './clients.js';
import type { ActionExecutionDetail, PipelineExecution, PipelineExecutionSummary, StageDeclaration, StageState } from '@aws-sdk/client-codepipeline';
import { sdk } from './sdk.js';
import type { Target } from '../engine/types.js';

/**
 * Starts an execution. `clientRequestToken` makes the call idempotent: a retry of the same request (the
 * SDK's, after a lost response) answers the execution the first attempt started instead of a second one.
 */
export async function startExecution(target: Target, pipeline: string, clientRequestToken: string): Promise<string> {
  const { CodePipelineClient, StartPipelineExecutionCommand } = await sdk.codepipeline();
  const { pipelineExecutionId } = await target.clients.get(CodePipelineClient).send(new StartPipelineExecutionCommand({ name: pipeline, clientRequestToken }));
  if (!pipelineExecutionId) throw new Error('CodePipeline returned no execution id');
  return pipelineExecutionId;
}

/** The newest execution of a pipeline (ListPipelineExecutions lists newest first), undefined when it never ran. */
export async function latestExecution(target: Target, pipeline: string): Promise<PipelineExecutionSummary | undefined> {
  const { CodePipelineClient, ListPipelineExecutionsCommand } = await sdk.codepipeline();
  const { pipelineExecutionSummaries } = await target.clients.get(CodePipelineClient).send(new ListPipelineExecutionsCommand({ pipelineName: pipeline, maxResults: 1 }));
  return pipelineExecutionSummaries?.[0];
}

/** Recent executions, newest first (one page of at most `maxResults`, 1-100). */
export async function recentExecutions(target: Target, pipeline: string, maxResults = 25): Promise<PipelineExecutionSummary[]> {
  const { CodePipelineClient, ListPipelineExecutionsCommand } = await sdk.codepipeline();
  const { pipelineExecutionSummaries } = await target.clients.get(CodePipelineClient).send(new ListPipelineExecutionsCommand({ pipelineName: pipeline, maxResults }));
  return pipelineExecutionSummaries ?? [];
}

export async function getExecution(target: Target, pipeline: string, executionId: string): Promise<PipelineExecution> {
  const { CodePipelineClient, GetPipelineExecutionCommand } = await sdk.codepipeline();
  const { pipelineExecution } = await target.clients.get(CodePipelineClient).send(new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId }));
  if (!pipelineExecution) throw new Error('CodePipeline returned no execution');
  return pipelineExecution;
}

/** The stages of the pipeline at `version` (the version an execution runs), in order. */
export async function declaredStages(target: Target, pipeline: string, version?: number): Promise<StageDeclaration[]> {
  const { CodePipelineClient, GetPipelineCommand } = await sdk.codepipeline();
  const { pipeline: declaration } = await target.clients.get(CodePipelineClient).send(new GetPipelineCommand({ name: pipeline, ...(version !== undefined ? { version } : {}) }));
  return declaration?.stages ?? [];
}

/** Every action execution of one pipeline execution (all pages). */
export async function actionExecutions(target: Target, pipeline: string, executionId: string): Promise<ActionExecutionDetail[]> {
  const { CodePipelineClient, ListActionExecutionsCommand } = await sdk.codepipeline();
  const client = target.clients.get(CodePipelineClient);
  const details: ActionExecutionDetail[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListActionExecutionsCommand({ pipelineName: pipeline, filter: { pipelineExecutionId: executionId }, maxResults: 100, ...(nextToken ? { nextToken } : {}) }),
    );
    details.push(...(page.actionExecutionDetails ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return details;
}

export async function pipelineState(target: Target, pipeline: string): Promise<StageState[]> {
  const { CodePipelineClient, GetPipelineStateCommand } = await sdk.codepipeline();
  const { stageStates } = await target.clients.get(CodePipelineClient).send(new GetPipelineStateCommand({ name: pipeline }));
  return stageStates ?? [];
}

export interface ApprovalAnswer {
  pipeline: string;
  stage: string;
  action: string;
  token: string;
  approved: boolean;
  /** at most 512 characters (PutApprovalResult ApprovalResult.summary) */
  summary: string;
}

export async function putApproval(target: Target, answer: ApprovalAnswer): Promise<void> {
  const { CodePipelineClient, PutApprovalResultCommand } = await sdk.codepipeline();
  await target.clients.get(CodePipelineClient).send(
    new PutApprovalResultCommand({
      pipelineName: answer.pipeline,
      stageName: answer.stage,
      actionName: answer.action,
      result: { summary: answer.summary, status: answer.approved ? 'Approved' : 'Rejected' },
      token: answer.token,
    }),
  );
}

export interface BuildLogTail {
  buildId: string;
  logGroup?: string;
  logStream?: string;
  lines: string[];
}

/**
 * The last `lines` lines of a build's log: BatchGetBuilds names the log group and stream, GetLogEvents
 * with startFromHead=false reads from the end. A build without CloudWatch logs gives no lines.
 */
export async function buildLogTail(target: Target, buildId: string, lines: number): Promise<BuildLogTail> {
  const { CloudWatchLogsClient, GetLogEventsCommand } = await sdk.logs();
  const { BatchGetBuildsCommand, CodeBuildClient } = await sdk.codebuild();
  const { builds } = await target.clients.get(CodeBuildClient).send(new BatchGetBuildsCommand({ ids: [buildId] }));
  const logs = builds?.[0]?.logs;
  if (!logs?.groupName || !logs.streamName) return { buildId, lines: [] };
  const { events } = await target.clients.get(CloudWatchLogsClient).send(
    new GetLogEventsCommand({ logGroupName: logs.groupName, logStreamName: logs.streamName, startFromHead: false, limit: lines }),
  );
  return {
    buildId,
    logGroup: logs.groupName,
    logStream: logs.streamName,
    lines: (events ?? []).map((event) => (event.message ?? '').replace(/\n$/, '')),
  };
}
