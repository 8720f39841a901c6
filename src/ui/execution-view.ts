/**
 * The live view of a pipeline execution on stderr: on a terminal one block of lines (one per stage and
 * action) redrawn in place; otherwise (CI logs, pipes) a plain line for each change. The terminal is
 * detected as the reporter does it: the stream's isTTY.
 */
import { allActions, elapsedMs, pendingApprovals, type ActionView, type ExecutionView } from '../commands/execution-state.js';

/** "4s", "2m 05s", "1h 03m" */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** What the view says next to a waiting approval: who was notified, how to answer (from the configuration). */
export type ApprovalNote = (stage: string, action: ActionView) => string;

const STATUS_WIDTH = 11;

function row(indent: string, name: string, width: number, status: string, elapsed: number | undefined, extra?: string): string {
  const time = elapsed === undefined ? '' : formatDuration(elapsed);
  return `${indent}${name.padEnd(width)}  ${status.padEnd(STATUS_WIDTH)} ${time.padStart(7)}${extra ? `  ${extra}` : ''}`.trimEnd();
}

/** The whole execution as lines: a heading, then each stage and, indented under it, its actions. */
export function executionLines(view: ExecutionView, now: number, approvalNote?: ApprovalNote): string[] {
  const everything = view.stages.flatMap((stage) => stage.actions);
  const total = elapsedMs(everything, now);
  const lines = [`Pipeline ${view.pipeline}, execution ${view.executionId}: ${view.status}${total === undefined ? '' : ` (${formatDuration(total)})`}`];
  const width = Math.max(...view.stages.flatMap((stage) => [stage.name.length, ...stage.actions.map((action) => action.name.length + 2)]), 4);
  for (const stage of view.stages) {
    lines.push(row('  ', stage.name, width, stage.status, elapsedMs(stage.actions, now)));
    // the link while it helps: a running or failed build (--json keeps every link)
    for (const action of stage.actions) lines.push(row('    ', action.name, width - 2, action.status, elapsedMs([action], now), action.status === 'Succeeded' ? undefined : action.url));
  }
  if (approvalNote) for (const { stage, action } of pendingApprovals(view)) lines.push(approvalNote(stage, action));
  if (view.statusSummary && view.status !== 'InProgress') lines.push(`  ${view.statusSummary}`);
  return lines;
}

/**
 * Plain lines for what changed between two views (undefined: nothing seen yet): the execution's status,
 * each action whose status changed (with its elapsed time and console link), and a waiting approval's note.
 */
export function changeLines(before: ExecutionView | undefined, after: ExecutionView, now: number, approvalNote?: ApprovalNote): string[] {
  const lines: string[] = [];
  if (!before) lines.push(`Pipeline ${after.pipeline}, execution ${after.executionId}: ${after.status}`);
  const old = new Map((before ? allActions(before) : []).map(({ stage, action }) => [`${stage}/${action.name}`, action.status]));
  for (const { stage, action } of allActions(after)) {
    const was = old.get(`${stage}/${action.name}`) ?? 'Pending';
    if (action.status === was) continue;
    const elapsed = action.status === 'InProgress' ? undefined : elapsedMs([action], now);
    lines.push(`${stage} › ${action.name}: ${action.status}${elapsed === undefined ? '' : ` (${formatDuration(elapsed)})`}${action.url && action.status !== 'Succeeded' ? `  ${action.url}` : ''}`);
    if (approvalNote && action.category === 'Approval' && action.status === 'InProgress') lines.push(approvalNote(stage, action));
  }
  if (before && before.status !== after.status) {
    lines.push(`Pipeline ${after.pipeline}, execution ${after.executionId}: ${after.status}${after.statusSummary ? ` (${after.statusSummary})` : ''}`);
  }
  return lines;
}

/** Draws successive views of one execution on a stream (stderr). */
export class ExecutionDisplay {
  private drawn = 0;
  private last: ExecutionView | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly approvalNote?: ApprovalNote,
    private readonly now: () => number = Date.now,
  ) {}

  private get inPlace(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Shows the newest view: redraws the block on a terminal, prints what changed otherwise. */
  update(view: ExecutionView): void {
    if (this.inPlace) {
      const columns = this.stream.columns || 80;
      const lines = executionLines(view, this.now(), this.approvalNote);
      // back to the block's first row, clear to the end of the screen, draw again; long lines (links) wrap, not cut
      this.stream.write(`${this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : ''}${lines.join('\n')}\n`);
      this.drawn = lines.reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / columns)), 0);
    } else {
      const lines = changeLines(this.last, view, this.now(), this.approvalNote);
      if (lines.length > 0) this.stream.write(`${lines.join('\n')}\n`);
    }
    this.last = view;
  }

  /** Lines printed below the block, which stays as it was last drawn. */
  print(lines: string[]): void {
    if (lines.length === 0) return;
    this.stream.write(`${lines.join('\n')}\n`);
    this.drawn = 0;
  }
}
