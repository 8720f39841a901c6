import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { setParams } from '../../src/commands/set-params.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { HF_TOKEN, restoreHfTokenAfterEach, setHfToken, stateClients } from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

describe("the runner's read-ahead for the afterApply hook (bootstrap's test step)", () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();
  beforeEach(() => setHfToken(HF_TOKEN));

  it('is started before the apply, and its answer reaches the hook only when the run wrote nothing', async () => {
    const events: string[] = [];
    const runOptions = {
      readAhead: async () => {
        events.push('read ahead');
        return { head: 'tip' };
      },
      afterApply: async (_targets: unknown, ahead: unknown) => {
        events.push(`after apply: ${JSON.stringify(ahead)}`);
        return { data: {}, lines: [] };
      },
    };

    const first = await runInProcess('set-params', [setParams], moto, { runOptions });
    expect(first.error).toBeUndefined();
    expect(first.writes.length).toBeGreaterThan(0);
    const second = await runInProcess('set-params', [setParams], moto, { runOptions });
    expect(second.error).toBeUndefined();
    expect(second.writes).toEqual([]);

    // the first run wrote: its hook reads for itself; the no-op run's hook gets what was read with the plan
    expect(events).toEqual(['read ahead', 'after apply: undefined', 'read ahead', 'after apply: {"head":"tip"}']);
  });

  it('is not started in a dry run', async () => {
    const events: string[] = [];
    const run = await runInProcess('set-params', [setParams], moto, {
      options: { dryRun: true },
      runOptions: { readAhead: async () => events.push('read ahead'), afterApply: async () => ({ data: {}, lines: [] }) },
    });
    expect(run.error).toBeUndefined();
    expect(events).toEqual([]);
  });
});
