import type { PipelineExecutionSummary } from '@aws-sdk/client-codepipeline';
import { sdk } from '../../aws/sdk.js';
import { isPipelineNotFound } from '../../aws/errors.js';
import type { Target } from '../../engine/types.js';
import { failed, guarded, ok, warning, type CheckRow, type CheckStatus } from './check.js';

/** The pipeline's last execution as verify found it; undefined when there is none (or none could be read). */
export interface LastExecution {
  id: string;
  status: string;
}

const EXECUTION_STATUS: Record<string, CheckStatus> = {
  Succeeded: 'ok',
  InProgress: 'warning',
  Stopping: 'warning',
  Superseded: 'warning',
  Failed: 'failed',
  Stopped: 'failed',
  Cancelled: 'failed',
};

/**
 * The pipeline's last execution (ListPipelineExecutions, newest first) and each stage of it
 * (GetPipelineState): a row for the execution, then one per stage. A stage whose latest execution is
 * an older one was not reached by the last execution. Never throws: errors become failed rows.
 */
export async function pipelineChecks(target: Target, pipeline: string): Promise<{ rows: CheckRow[]; last: LastExecution | undefined }> {
  const { CodePipelineClient, GetPipelineStateCommand, ListPipelineExecutionsCommand } = await sdk.codepipeline();
  let last: LastExecution | undefined;
  const check = `pipeline ${pipeline}`;
  const rows = await guarded(check, async () => {
    const client = target.clients.get(CodePipelineClient);
    let summary: PipelineExecutionSummary | undefined;
    try {
      const { pipelineExecutionSummaries } = await client.send(new ListPipelineExecutionsCommand({ pipelineName: pipeline, maxResults: 1 }));
      summary = pipelineExecutionSummaries?.[0];
    } catch (error) {
      if (isPipelineNotFound(error)) return [failed(check, 'does not exist: run `mtpipe create-pipeline`')];
      throw error;
    }
    if (!summary?.pipelineExecutionId) return [warning(check, 'no execution yet: push a commit to start one')];
    last = { id: summary.pipelineExecutionId, status: summary.status ?? 'Unknown' };
    const execution = statusRow(check, `last execution ${last.id}: ${last.status}${summary.statusSummary ? ` (${summary.statusSummary})` : ''}`, last.status, EXECUTION_STATUS);
    const { stageStates = [] } = await client.send(new GetPipelineStateCommand({ name: pipeline }));
    const stages = stageStates.map((stage) => {
      const name = `  stage ${stage.stageName ?? '?'}`;
      const latest = stage.latestExecution;
      if (!latest || latest.pipelineExecutionId !== last!.id) return warning(name, 'not reached by the last execution');
      const waiting = latest.status === 'InProgress' && stage.actionStates?.some((action) => action.latestExecution?.token !== undefined);
      if (waiting) return warning(name, `waiting for approval: mtpipe approve or the console`);
      return statusRow(name, latest.status ?? 'Unknown', latest.status ?? '', EXECUTION_STATUS);
    });
    return [execution, ...stages];
  });
  return { rows, last };
}

const ACTION_STATUS: Record<string, CheckStatus> = { Succeeded: 'ok', InProgress: 'warning', Abandoned: 'failed', Failed: 'failed' };

/**
 * The smoke test of `env` in the last execution: the status of the actions of its stage `Test-<env>`
 * (ListActionExecutions filtered by the execution). Never throws: errors become failed rows.
 */
export async function smokeTestCheck(target: Target, pipeline: string, last: LastExecution | undefined, env: string): Promise<CheckRow[]> {
  const { CodePipelineClient, ListActionExecutionsCommand } = await sdk.codepipeline();
  const check = 'smoke test';
  const stage = `Test-${env}`;
  if (!last) return [warning(check, `no execution of ${pipeline} to read`)];
  return guarded(check, async () => {
    const client = target.clients.get(CodePipelineClient);
    const actions = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListActionExecutionsCommand({ pipelineName: pipeline, filter: { pipelineExecutionId: last.id }, ...(nextToken ? { nextToken } : {}) }),
      );
      actions.push(...(page.actionExecutionDetails ?? []).filter((action) => action.stageName === stage));
      nextToken = page.nextToken;
    } while (nextToken);
    if (actions.length === 0) return [warning(check, `${stage} was not run by the last execution (${last.id}, ${last.status})`)];
    return actions.map((action) => {
      const summary = action.output?.executionResult?.externalExecutionSummary;
      const url = action.output?.executionResult?.externalExecutionUrl;
      const detail = [summary, url].filter(Boolean).join(' ');
      return statusRow(check, `${stage} ${action.actionName ?? ''}: ${action.status ?? 'Unknown'}${detail ? ` — ${detail}` : ''}`, action.status ?? '', ACTION_STATUS);
    });
  });
}

function statusRow(check: string, reason: string, status: string, table: Record<string, CheckStatus>): CheckRow {
  const verdict = table[status] ?? 'warning';
  return verdict === 'ok' ? ok(check, reason) : verdict === 'failed' ? failed(check, reason) : warning(check, reason);
}
