/** Where a pipeline execution is, stage by stage and action by action, built from CodePipeline's answers by pure functions. */
import type { ActionExecutionDetail, PipelineExecution, StageDeclaration } from '@aws-sdk/client-codepipeline';

/** CodePipeline's PipelineExecutionStatus values after which nothing changes. */
export const FINISHED_STATUSES = ['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled'] as const;

/** An action's status: CodePipeline's ActionExecutionStatus, or Pending when the execution has not reached it. */
export type ActionStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned';

export interface ActionView {
  name: string;
  /** e.g. Build/CodeBuild, Approval/Manual */
  category?: string;
  provider?: string;
  status: ActionStatus;
  startTime?: Date;
  /** the last change; the end for a finished action */
  lastUpdateTime?: Date;
  /** the build's console link (CodeBuild: externalExecutionUrl) */
  url?: string;
  /** the build id for a CodeBuild action (externalExecutionId) */
  externalId?: string;
  summary?: string;
  error?: string;
}

export interface StageView {
  name: string;
  status: ActionStatus;
  actions: ActionView[];
}

export interface ExecutionView {
  pipeline: string;
  executionId: string;
  /** PipelineExecutionStatus: InProgress, Stopping, Succeeded, Failed, Stopped, Superseded, Cancelled */
  status: string;
  statusSummary?: string;
  stages: StageView[];
}

export function isFinished(status: string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

/**
 * The execution's view: every declared stage and action in order, each with the status of its latest
 * attempt in this execution (a retried stage has several; the newest wins), Pending when not reached.
 */
export function executionView(pipeline: string, execution: PipelineExecution, stages: StageDeclaration[], details: ActionExecutionDetail[]): ExecutionView {
  const latest = new Map<string, ActionExecutionDetail>();
  for (const detail of details) {
    const key = `${detail.stageName}\u0000${detail.actionName}`;
    const seen = latest.get(key);
    if (!seen || (detail.startTime?.getTime() ?? 0) > (seen.startTime?.getTime() ?? 0)) latest.set(key, detail);
  }
  const stageViews = stages.map((stage): StageView => {
    const ordered = [...(stage.actions ?? [])].map((action, index) => ({ action, index })).sort((a, b) => (a.action.runOrder ?? 1) - (b.action.runOrder ?? 1) || a.index - b.index);
    const actions = ordered.map(({ action }): ActionView => {
      const detail = latest.get(`${stage.name}\u0000${action.name}`);
      const result = detail?.output?.executionResult;
      const view: ActionView = { name: action.name ?? '', status: (detail?.status as ActionStatus | undefined) ?? 'Pending' };
      if (action.actionTypeId?.category) view.category = action.actionTypeId.category;
      if (action.actionTypeId?.provider) view.provider = action.actionTypeId.provider;
      if (detail?.startTime) view.startTime = detail.startTime;
      if (detail?.lastUpdateTime) view.lastUpdateTime = detail.lastUpdateTime;
      if (result?.externalExecutionUrl) view.url = result.externalExecutionUrl;
      if (result?.externalExecutionId) view.externalId = result.externalExecutionId;
      if (result?.externalExecutionSummary) view.summary = result.externalExecutionSummary;
      if (result?.errorDetails?.message) view.error = result.errorDetails.message;
      return view;
    });
    return { name: stage.name ?? '', status: stageStatus(actions), actions };
  });
  return {
    pipeline,
    executionId: execution.pipelineExecutionId ?? '',
    status: execution.status ?? 'Unknown',
    ...(execution.statusSummary ? { statusSummary: execution.statusSummary } : {}),
    stages: stageViews,
  };
}

function stageStatus(actions: ActionView[]): ActionStatus {
  const has = (status: ActionStatus) => actions.some((action) => action.status === status);
  if (has('Failed')) return 'Failed';
  if (has('InProgress')) return 'InProgress';
  if (has('Abandoned')) return 'Abandoned';
  if (actions.length > 0 && actions.every((action) => action.status === 'Succeeded')) return 'Succeeded';
  return has('Succeeded') ? 'InProgress' : 'Pending';
}

/** From the first action's start to the last one's end (or `now` while one runs); undefined before any started. */
export function elapsedMs(actions: ActionView[], now: number): number | undefined {
  const started = actions.map((a) => a.startTime?.getTime()).filter((t): t is number => t !== undefined);
  if (started.length === 0) return undefined;
  const running = actions.some((a) => a.status === 'InProgress');
  const ends = actions.map((a) => a.lastUpdateTime?.getTime() ?? a.startTime?.getTime()).filter((t): t is number => t !== undefined);
  return Math.max(0, (running ? now : Math.max(...ends)) - Math.min(...started));
}

/** The actions of the execution, flattened, with their stage. */
export function allActions(view: ExecutionView): { stage: string; action: ActionView }[] {
  return view.stages.flatMap((stage) => stage.actions.map((action) => ({ stage: stage.name, action })));
}

/** The approval actions waiting for an answer. */
export function pendingApprovals(view: ExecutionView): { stage: string; action: ActionView }[] {
  return allActions(view).filter(({ action }) => action.category === 'Approval' && action.status === 'InProgress');
}
