import type { Change, ProgressEvent, ResourceResult } from '../engine/types.js';
import { colorsFor, diffForJson, formatPlan, type Colors } from './format.js';
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
  /** lines shown after the results in human mode */
  notes: string[];
}

export interface Reporter {
  /** a line of progress or information, on stderr */
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /** the plan, on stdout (in --json mode it is part of the final document instead) */
  plan(changes: Change[], options: { offline: boolean }): void;
  progress(event: ProgressEvent): void;
  /** the final result: stdout */
  done(report: RunReport): void;
  /** stop spinners before an error is printed */
  close(): void;
}

export interface ReporterOptions {
  json: boolean;
  debug: boolean;
  color: boolean;
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

  plan(changes: Change[], options: { offline: boolean }): void {
    if (this.options.json) return;
    this.out.write(`${formatPlan(changes, this.c, options).join('\n')}\n`);
  }

  progress(event: ProgressEvent): void {
    const { kind, spec } = event.change.desired;
    const label = `${kind.kind} ${kind.name(spec)}${event.change.desired.target.name === 'shared' ? '' : ` (${event.change.desired.target.name})`}`;
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
    if (report.results) {
      const pending = report.results.filter((r) => r.status !== 'unchanged');
      if (pending.length === 0) this.out.write('No changes: everything is as configured.\n');
      for (const result of report.results) {
        const status = result.status === 'failed' ? this.c.red(result.status) : result.status;
        this.out.write(`${status.padEnd(9)} ${result.kind} ${result.name}${result.arn ? `  ${this.c.dim(result.arn)}` : ''}\n`);
      }
    }
    if (report.notes.length > 0) this.out.write(`\n${report.notes.join('\n')}\n`);
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
    })),
    ...(report.results ? { resources: report.results } : {}),
    outputs: report.outputs,
  };
}
