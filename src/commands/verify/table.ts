import type { Colors } from '../../ui/format.js';
import type { CheckRow } from './check.js';

/** One table of verify: the tool account's, or an environment's. */
export interface VerifyTable {
  /** "tool account" or the environment's name */
  name: string;
  account: string;
  region: string;
  rows: CheckRow[];
}

/** The tables as aligned text: a heading per table, then `check  status  reason` per row. */
export function formatTables(tables: VerifyTable[], c: Colors): string[] {
  const lines: string[] = [];
  const width = Math.max(5, ...tables.flatMap((table) => table.rows.map((row) => row.check.length)));
  const paint = { ok: c.green, warning: c.yellow, failed: c.red };
  for (const table of tables) {
    if (lines.length > 0) lines.push('');
    lines.push(c.bold(`${table.name} (account ${table.account}, ${table.region})`));
    lines.push(c.dim(`  ${'check'.padEnd(width)}  ${'status'.padEnd(7)}  reason`));
    for (const row of table.rows) lines.push(`  ${row.check.padEnd(width)}  ${paint[row.status](row.status.padEnd(7))}  ${row.reason}`);
  }
  const count = (status: CheckRow['status']) => tables.reduce((n, table) => n + table.rows.filter((row) => row.status === status).length, 0);
  lines.push('', `Verify: ${count('ok')} ok, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('failed')} failed.`);
  return lines;
}
