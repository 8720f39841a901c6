import { describe, expect, it } from 'vitest';
import { approvalNote } from '../../../src/commands/watch.js';
import { changeLines, ExecutionDisplay, executionLines, formatDuration } from '../../../src/ui/execution-view.js';
import { captureStream } from '../../support/harness.js';
import { at, BUILD_URL, config, EXECUTION, PIPELINE, runningView, T0 } from './fixtures.js';

const NOW = T0 + 70_000;

describe('the execution view as plain lines', () => {
  it('one line per stage and action, with status, elapsed time and the build link', () => {
    expect(executionLines(runningView(), NOW)).toEqual([
      `Pipeline ${PIPELINE}, execution ${EXECUTION}: InProgress (1m 10s)`,
      '  Source          Succeeded        5s',
      '    Source        Succeeded        5s',
      '  BuildAndTest    InProgress   1m 05s',
      `    BuildAndTest  InProgress   1m 05s  ${BUILD_URL}`,
      '  Approve-prod    Pending',
      '    Approve-prod  Pending',
    ]);
  });

  it('a waiting approval says who was notified and how to approve', () => {
    const view = runningView();
    view.stages[1]!.status = 'Succeeded';
    Object.assign(view.stages[1]!.actions[0]!, { status: 'Succeeded', lastUpdateTime: at(60) });
    view.stages[2] = { name: 'Approve-prod', status: 'InProgress', actions: [{ name: 'Approve-prod', category: 'Approval', provider: 'Manual', status: 'InProgress', startTime: at(60), lastUpdateTime: at(60) }] };
    const note = approvalNote(config({ notifications: { approvers: ['lead@example.com'] } }));
    const lines = executionLines(view, NOW, note);
    expect(lines.at(-1)).toBe(
      '  Approve-prod waits for approval: mtpipe approve prod  (or: mtpipe approve prod --reject --comment "why"); notified lead@example.com (SNS topic mt-pipeline-approvals)',
    );
    expect(approvalNote(config())('Approve-prod', view.stages[2]!.actions[0]!)).toContain('; nobody notified (SNS topic mt-pipeline-approvals has no subscriber: set notifications.approvers)');
  });

  it('without a terminal, a line for each change only', () => {
    const first = runningView();
    expect(changeLines(undefined, first, NOW)).toEqual([
      `Pipeline ${PIPELINE}, execution ${EXECUTION}: InProgress`,
      'Source › Source: Succeeded (5s)',
      `BuildAndTest › BuildAndTest: InProgress  ${BUILD_URL}`,
    ]);
    expect(changeLines(first, runningView(), NOW + 5000)).toEqual([]);
    const failed = runningView();
    failed.status = 'Failed';
    failed.statusSummary = 'Action BuildAndTest failed';
    Object.assign(failed.stages[1]!.actions[0]!, { status: 'Failed', lastUpdateTime: at(95) });
    expect(changeLines(first, failed, NOW)).toEqual([
      `BuildAndTest › BuildAndTest: Failed (1m 30s)  ${BUILD_URL}`,
      `Pipeline ${PIPELINE}, execution ${EXECUTION}: Failed (Action BuildAndTest failed)`,
    ]);
  });

  it('on a terminal, the block is redrawn in place; otherwise only changes are printed', () => {
    const tty = captureStream();
    Object.assign(tty, { isTTY: true, columns: 200 });
    const display = new ExecutionDisplay(tty, undefined, () => NOW);
    display.update(runningView());
    display.update(runningView());
    const text = tty.text();
    // the second drawing goes back up the 7 lines of the first and clears them
    expect(text.split('\x1b[7F\x1b[J')).toHaveLength(2);
    expect(text.startsWith(`Pipeline ${PIPELINE}`)).toBe(true);

    const plain = captureStream();
    const lines = new ExecutionDisplay(plain, undefined, () => NOW);
    lines.update(runningView());
    lines.update(runningView());
    expect(plain.text()).not.toContain('\x1b[');
    expect(plain.text().split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('on a narrow terminal, a wrapped line counts as the rows it takes', () => {
    const tty = captureStream();
    Object.assign(tty, { isTTY: true, columns: 40 });
    const display = new ExecutionDisplay(tty, undefined, () => NOW);
    display.update(runningView());
    display.update(runningView());
    // 7 lines, 13 rows of 40: the heading (98 characters) takes 3, the running action with its link (182) 5
    expect(tty.text()).toContain('\x1b[13F\x1b[J');
  });

  it('durations', () => {
    expect([formatDuration(4_900), formatDuration(125_000), formatDuration(3_780_000)]).toEqual(['4s', '2m 05s', '1h 03m']);
  });
});
