import { sdk } from '../../aws/sdk.js';
import { isStackNotFound } from '../../aws/errors.js';
import type { Target } from '../../engine/types.js';
import { failed, guarded, ok, warning, type CheckRow } from './check.js';

/**
 * How a stack status reads: *_COMPLETE is ok, except ROLLBACK_COMPLETE (its creation failed, nothing is
 * deployed) which fails and UPDATE_ROLLBACK_COMPLETE / IMPORT_ROLLBACK_COMPLETE (the last change was
 * undone: the stack works, on what it had before) which warn; *_FAILED fails; *_IN_PROGRESS warns.
 */
export function stackVerdict(status: string): CheckRow['status'] {
  if (status === 'ROLLBACK_COMPLETE' || status.endsWith('_FAILED')) return 'failed';
  if (status.endsWith('ROLLBACK_COMPLETE') || status.endsWith('_IN_PROGRESS')) return 'warning';
  if (status === 'DELETE_COMPLETE') return 'failed';
  return status.endsWith('_COMPLETE') ? 'ok' : 'warning';
}

/** One row per stack of `solution.stacks` in the environment (DescribeStacks). Never throws. */
export async function stackChecks(target: Target, stacks: string[]): Promise<CheckRow[]> {
  const { CloudFormationClient, DescribeStacksCommand } = await sdk.cloudformation();
  const rows = await Promise.all(
    stacks.map((stack) =>
      guarded(`stack ${stack}`, async () => {
        const check = `stack ${stack}`;
        try {
          const { Stacks: [found] = [] } = await target.clients.get(CloudFormationClient).send(new DescribeStacksCommand({ StackName: stack }));
          if (!found?.StackStatus) return [failed(check, 'does not exist: deploy first (the pipeline deploys it)')];
          const reason = `${found.StackStatus}${found.StackStatusReason ? ` (${found.StackStatusReason})` : ''}`;
          const verdict = stackVerdict(found.StackStatus);
          return [verdict === 'ok' ? ok(check, reason) : verdict === 'failed' ? failed(check, reason) : warning(check, reason)];
        } catch (error) {
          if (isStackNotFound(error)) return [failed(check, 'does not exist: deploy first (the pipeline deploys it)')];
          throw error;
        }
      }),
    ),
  );
  return rows.flat();
}
