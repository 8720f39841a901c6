import { createColors } from 'picocolors';
import type { Change, FieldDiff, ResourceResult } from '../engine/types.js';

export type Colors = ReturnType<typeof createColors>;

export function colorsFor(stream: NodeJS.WriteStream, enabled: boolean): Colors {
  return createColors(enabled && Boolean(stream.isTTY) && !process.env.NO_COLOR);
}

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', noop: '=' };

export interface PlanOptions {
  offline: boolean;
  /** problems of the whole plan (e.g. two environments in one account), shown before the summary; apply refuses them */
  problems?: string[];
}

/** Human-readable plan, grouped by environment; secret values are never shown. */
export function formatPlan(changes: Change[], c: Colors, options: PlanOptions): string[] {
  const lines: string[] = [];
  if (options.offline) {
    lines.push(c.yellow('Offline plan: no AWS credentials were found, so this plans against an empty account.'));
  }
  const groups = new Map<string, Change[]>();
  for (const change of changes) {
    const { name, account, region } = change.desired.target;
    const key = `${name} (account ${account}, ${region})`;
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  for (const [heading, group] of groups) {
    lines.push(c.bold(heading));
    for (const change of group.filter((ch) => ch.action !== 'noop')) {
      const { kind, spec } = change.desired;
      const colour = change.action === 'create' ? c.green : change.action === 'delete' ? c.red : c.yellow;
      lines.push(colour(`  ${SYMBOL[change.action]} ${kind.kind} ${kind.name(spec)}`));
      if (change.unmanaged) lines.push(c.yellow('      exists but is not tagged as managed by mtpipe'));
      if (change.blocked) lines.push(c.red(`      ! ${change.blocked}`));
      if (kind.planNote) lines.push(c.yellow(`      ${kind.planNote}`));
      for (const diff of change.diffs) lines.push(...formatDiff(diff, change.action, c));
    }
    const unchanged = group.filter((ch) => ch.action === 'noop').length;
    if (unchanged > 0) lines.push(c.dim(`  = ${unchanged} unchanged`));
  }
  for (const problem of options.problems ?? []) lines.push(c.red(`! ${problem}`));
  lines.push(summaryLine(changes));
  return lines;
}

/**
 * The results of an apply, for a person: the resources that changed or failed, then one line for the
 * rest ("No changes — 53 resources up to date" when nothing changed). `verbose` lists every resource.
 */
export function formatResults(results: ResourceResult[], c: Colors, verbose: boolean): string[] {
  const managed = results.filter((result) => !result.reference);
  const unchanged = managed.filter((result) => result.status === 'unchanged').length;
  const lines = results
    .filter((result) => verbose || result.status !== 'unchanged')
    .map((result) => {
      const status = result.status === 'failed' ? c.red(result.status) : result.status;
      return `${status.padEnd(9)} ${result.kind} ${result.name}${result.arn ? `  ${c.dim(result.arn)}` : ''}`;
    });
  if (results.every((result) => result.status === 'unchanged')) lines.unshift(`No changes — ${managed.length} resource${managed.length === 1 ? '' : 's'} up to date${readOnly(results.length - managed.length)}.`);
  else if (unchanged > 0 && !verbose) lines.push(c.dim(`${unchanged} unchanged`));
  return lines;
}

/**
 * The plan in one line. Resources the run only reads (references: the solution's stacks, another
 * step's role) are counted apart, so that the counts are those of drift and verify.
 */
export function summaryLine(changes: Change[]): string {
  const managed = changes.filter((change) => !change.desired.kind.isReference);
  const count = (action: Change['action']) => managed.filter((change) => change.action === action).length;
  return `Plan: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete, ${count('noop')} unchanged${readOnly(changes.length - managed.length)}.`;
}

const readOnly = (count: number) => (count > 0 ? ` (and ${count} read only, not managed by this command)` : '');

function formatDiff(diff: FieldDiff, action: Change['action'], c: Colors): string[] {
  const indent = '      ';
  if (diff.secret) return [`${indent}${diff.field}: ${c.dim(action === 'create' ? '(secret)' : '(secret) changed')}`];
  if (action === 'create') return [`${indent}${diff.field}: ${show(diff.to)}`];
  const from = pretty(diff.from);
  const to = pretty(diff.to);
  if (from.length === 1 && to.length === 1) return [`${indent}${diff.field}: ${show(diff.from)} → ${show(diff.to)}`];
  // multi-line values (policy documents, rule content): show the lines that differ
  const lines = [`${indent}${diff.field}:`];
  for (const line of from) if (!to.includes(line)) lines.push(c.red(`${indent}  - ${line.trim()}`));
  for (const line of to) if (!from.includes(line)) lines.push(c.green(`${indent}  + ${line.trim()}`));
  return lines;
}

function show(value: unknown): string {
  const text = value === undefined ? '(none)' : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function pretty(value: unknown): string[] {
  return value === undefined ? ['(none)'] : JSON.stringify(value, null, 2).split('\n');
}

/** Diffs as they appear in --json: secret values replaced by a flag. */
export function diffForJson(diff: FieldDiff): Record<string, unknown> {
  return diff.secret ? { field: diff.field, secret: true } : { field: diff.field, from: diff.from, to: diff.to };
}
