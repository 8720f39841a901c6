import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { formatTables } from '../../../src/commands/verify/table.js';

describe("verify's table", () => {
  it('a heading per table, aligned columns, the reason as given, a count at the end', () => {
    const lines = formatTables(
      [
        { name: 'tool account', account: '111111111111', region: 'eu-west-1', rows: [{ check: 'pipeline mt-pipeline', status: 'ok', reason: 'last execution e1: Succeeded' }] },
        {
          name: 'dev',
          account: '222222222222',
          region: 'eu-west-1',
          rows: [
            { check: 'stack WorkflowStack', status: 'failed', reason: 'does not exist: deploy first (the pipeline deploys it)' },
            { check: 'alarms', status: 'warning', reason: 'no alarm named mt-dev-*: run `mtpipe setup-monitoring`' },
          ],
        },
      ],
      createColors(false),
    );
    expect(lines).toEqual([
      'tool account (account 111111111111, eu-west-1)',
      '  check                 status   reason',
      '  pipeline mt-pipeline  ok       last execution e1: Succeeded',
      '',
      'dev (account 222222222222, eu-west-1)',
      '  check                 status   reason',
      '  stack WorkflowStack   failed   does not exist: deploy first (the pipeline deploys it)',
      '  alarms                warning  no alarm named mt-dev-*: run `mtpipe setup-monitoring`',
      '',
      'Verify: 1 ok, 1 warning, 1 failed.',
    ]);
  });
});
