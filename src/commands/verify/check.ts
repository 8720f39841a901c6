import { describeCause } from '../../errors.js';

export type CheckStatus = 'ok' | 'warning' | 'failed';

/** One line of verify's table: what was checked, how it stands and why. */
export interface CheckRow {
  check: string;
  status: CheckStatus;
  reason: string;
}

export const ok = (check: string, reason: string): CheckRow => ({ check, status: 'ok', reason });
export const warning = (check: string, reason: string): CheckRow => ({ check, status: 'warning', reason });
export const failed = (check: string, reason: string): CheckRow => ({ check, status: 'failed', reason });

/** Runs one check; an error (an AWS call that failed) becomes a failed row named `check`, never a crash. */
export async function guarded(check: string, run: () => Promise<CheckRow[]>): Promise<CheckRow[]> {
  try {
    return await run();
  } catch (error) {
    // the first line: SDK messages may go on with advice about their own internals
    return [failed(check, `could not be read: ${describeCause(error).split('\n')[0]}`)];
  }
}

/** Lists at most `max` names, then how many more. */
export function someOf(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
