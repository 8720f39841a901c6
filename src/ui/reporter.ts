import type { Change, ProgressEvent, ResourceResult } from '../engine/types.js';
import { colorsFor, diffForJson, formatPlan, formatResults, type Colors, type PlanOptions } from './format.js';
import { Spinner } from './spinner.js';

const VERB = { create: 'creating', update: 'updating', delete: 'deleting', noop: 'checking' } as const;

export interface RunReport {
  command: string;
  dryRun: boolean;
  offline: boolean;
  changes: Change[];
  results?: ResourceResult[];
  /** extra facts per step, e.g. clone URLs */
  outputs: Record<string, unknown>;
  /** facts shown after the results in human mode when something changed (always with --verbose) */
  notes: string[];
  /** what still needs the user's action: shown after every run */
  actions?: string[];
  /** problems of the whole plan (a dry run shows them; apply refuses them) */
  problems?: string[];
  /** lines printed after the results in human mode on every run (destroy: what was kept and why) */
  summary?: string[];
  /** the failure the run ends with (--json shows it in the document; src/cli.ts prints it otherwise) */
  error?: { code: string; message: string; hint?: string | undefined };
}

export interface Reporter {
  /** a line of progress or information, on stderr */
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /**
   * the plan, on stdout (in --json mode it is part of the final document instead); before an apply
   * with nothing to change it is left out (the result says so), unless --verbose
   */
  plan(changes: Change[], options: PlanOptions & { dryRun?: boolean }): void;
  /** `step` names what the resource belongs to, e.g. "step 3 of 8: builds" */
  progress(event: ProgressEvent, step?: string): void;
  /** the final result: stdout */
  done(report: RunReport): void;
  /** more result lines after done() (a step run after the apply), on stdout; nothing in --json mode */
  print(lines: string[]): void;
  /** stop spinners before an error is printed */
  close(): void;
}

export interface ReporterOptions {
  json: boolean;
  debug: boolean;
  color: boolean;
  /** every resource and note in human mode, not just what changed and what needs action */
  verbose?: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export class ConsoleReporter implements Reporter {
  private readonly out: NodeJS.WriteStream;
  private readonly err: NodeJS.WriteStream;
  private readonly c: Colors;
  private readonly ce: Colors;
  private readonly spinner: Spinner | undefined;

  constructor(private readonly options: ReporterOptions) {
    this.out = options.stdout ?? process.stdout;
    this.err = options.stderr ?? process.stderr;
    this.c = colorsFor(this.out, options.color);
    this.ce = colorsFor(this.err, options.color);
    this.spinner = this.err.isTTY ? new Spinner(this.err) : undefined;
  }

  info(message: string): void {
    this.line(this.err, message);
  }

  warn(message: string): void {
    this.line(this.err, this.ce.yellow(`warning: ${message}`));
  }

  debug(message: string): void {
    if (this.options.debug) this.line(this.err, this.ce.dim(message));
  }

  plan(changes: Change[], options: PlanOptions & { dryRun?: boolean }): void {
    if (this.options.json) return;
    const quiet = options.dryRun === false && !this.options.verbose && !options.problems?.length && changes.every((change) => change.action === 'noop');
    if (quiet) return;
    this.out.write(`${formatPlan(changes, this.c, options).join('\n')}\n`);
  }

  progress(event: ProgressEvent, step?: string): void {
    const { kind, spec } = event.change.desired;
    const label = `${kind.kind} ${kind.name(spec)}${event.change.desired.target.name === 'shared' ? '' : ` (${event.change.desired.target.name})`}${step ? ` [${step}]` : ''}`;
    if (event.type === 'start') {
      if (this.spinner) this.spinner.start(label);
      else this.line(this.err, `${VERB[event.change.action]} ${label}`);
      return;
    }
    if (event.type === 'wait') {
      const waiting = `${event.reason} — ${Math.round(event.waitedMs / 1000)} s`;
      if (this.spinner) this.spinner.note(label, waiting);
      else this.line(this.err, `${label}: ${waiting}`);
      return;
    }
    this.spinner?.stop(label);
    const { status, error } = event.result;
    if (status === 'unchanged') return;
    const mark = status === 'failed' ? this.ce.red('✗') : this.ce.green('✓');
    this.line(this.err, `${mark} ${status} ${label}${error ? `: ${error}` : ''}`);
  }

  done(report: RunReport): void {
    if (this.options.json) {
      this.out.write(`${JSON.stringify(toJson(report), null, 2)}\n`);
      return;
    }
    const verbose = Boolean(this.options.verbose);
    // a summary says it all when there were no resources to act on
    const lines = report.results && !(report.results.length === 0 && report.summary) ? formatResults(report.results, this.c, verbose) : [];
    lines.push(...(report.summary ?? []));
    const changed = report.results
      ? report.results.some((result) => result.status !== 'unchanged')
      : report.changes.some((change) => change.action !== 'noop');
    // facts are worth reading after a change; on a run with nothing to do only what needs the user's action
    const notes = verbose || changed ? report.notes : [];
    const actions = report.actions ?? [];
    const indent = report.dryRun ? '  ' : '';
    if (notes.length + actions.length > 0) {
      lines.push('');
      if (report.dryRun) lines.push('After apply:');
      lines.push(...notes.map((note) => `${indent}${note}`));
      if (actions.length > 0) lines.push(`${indent}To do:`, ...actions.map((action) => `${indent}  ${action}`));
    }
    if (!verbose && notes.length < report.notes.length) lines.push(this.c.dim('(--verbose lists every resource and note)'));
    if (lines.length > 0) this.out.write(`${lines.join('\n')}\n`);
  }

  print(lines: string[]): void {
    if (!this.options.json && lines.length > 0) this.out.write(`\n${lines.join('\n')}\n`);
  }

  close(): void {
    this.spinner?.stopAll();
  }

  private line(stream: NodeJS.WriteStream, message: string): void {
    if (this.spinner && stream === this.err) this.spinner.clear();
    stream.write(`${message}\n`);
    if (this.spinner && stream === this.err) this.spinner.render();
  }
}

function toJson(report: RunReport): Record<string, unknown> {
  return {
    command: report.command,
    dryRun: report.dryRun,
    offline: report.offline,
    changes: report.changes.map((change) => ({
      id: change.desired.id,
      kind: change.desired.kind.kind,
      name: change.desired.kind.name(change.desired.spec),
      env: change.desired.target.name,
      action: change.action,
      diffs: change.diffs.map(diffForJson),
      ...(change.unmanaged ? { unmanaged: true } : {}),
      ...(change.blocked ? { blocked: change.blocked } : {}),
      ...(change.desired.dependsOn?.length ? { dependsOn: change.desired.dependsOn } : {}),
    })),
    ...(report.results ? { resources: report.results } : {}),
    outputs: report.outputs,
    problems: report.problems ?? [],
    notes: report.notes,
    actions: report.actions ?? [],
    ...(report.error ? { error: report.error } : {}),
  };
}
