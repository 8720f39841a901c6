import { connectionConsoleUrl, type Connection } from '../../aws/codeconnections-connection.js';
import type { Change } from '../../engine/types.js';
import { failed, ok, type CheckRow } from './check.js';

/**
 * The source connection (source.provider codeconnections), from what the plan read: AVAILABLE is ok;
 * PENDING (nobody completed the handshake), ERROR or missing fail. No row for a CodeCommit source.
 */
export function connectionChecks(changes: Change[]): CheckRow[] {
  return changes
    .filter((change) => change.desired.kind.kind === 'codeconnections:connection')
    .map((change) => {
      const check = 'source connection';
      const current = change.current as Connection | undefined;
      if (!current) return failed(check, `${change.desired.kind.name(change.desired.spec)} does not exist (run \`mtpipe create-pipeline\`)`);
      if (current.status === 'AVAILABLE') return ok(check, `${current.arn} AVAILABLE`);
      const hint = current.status === 'PENDING' ? `: complete the handshake with the provider at ${connectionConsoleUrl(change.desired.target)}` : '';
      return failed(check, `${current.arn} ${current.status ?? 'status unknown'}${hint}`);
    });
}
