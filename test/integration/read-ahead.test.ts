import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { setParams } from '../../src/commands/set-params.js';
import type { Step } from '../../src/commands/step.js';
import { FakeKind, want } from '../unit/engine/fakes.js';
import { runInProcess } from '../support/harness.js';
import { resetMoto } from '../support/moto.js';
import { HF_TOKEN, restoreHfTokenAfterEach, setHfToken, stateClients } from '../support/aws-state.js';

const moto = inject('motoUrl');
const aws = stateClients(moto);
afterAll(() => aws.destroy());

describe("the runner's reads ahead: of a step's resources while it prepares, and for the afterApply hook (bootstrap's test step)", () => {
  beforeEach(() => resetMoto(moto));
  restoreHfTokenAfterEach();
  beforeEach(() => setHfToken(HF_TOKEN));

  it('is started before the apply, and its answer reaches the hook only when the run wrote nothing', async () => {
    const events: string[] = [];
    const runOptions = {
      readAhead: {
        read: async () => {
          events.push('read ahead');
          return { head: 'tip' };
        },
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

  it("reaches the hook after a run that wrote, when the hook's `holds` says the writes left the answer true", async () => {
    const seen: { ahead: unknown; written: string[] }[] = [];
    let written: string[] = [];
    const runOptions = {
      readAhead: {
        read: async () => ({ head: 'tip' }),
        holds: (_answer: unknown, changes: { desired: { kind: { kind: string } }; action: string }[]) => {
          written = changes.map((change) => `${change.action} ${change.desired.kind.kind}`);
          return changes.every((change) => change.desired.kind.kind !== 'codecommit:branch-files');
        },
      },
      afterApply: async (_targets: unknown, ahead: unknown) => {
        seen.push({ ahead, written });
        return { data: {}, lines: [] };
      },
    };

    const run = await runInProcess('set-params', [setParams], moto, { runOptions });
    expect(run.error).toBeUndefined();
    expect(run.writes.length).toBeGreaterThan(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.ahead).toEqual({ head: 'tip' });
    // only what was written is given to `holds`: set-params creates parameters
    expect(new Set(seen[0]!.written)).toEqual(new Set(['create ssm:parameter']));
  });

  it('is not started in a dry run', async () => {
    const events: string[] = [];
    const run = await runInProcess('set-params', [setParams], moto, {
      options: { dryRun: true },
      runOptions: { readAhead: { read: async () => events.push('read ahead') }, afterApply: async () => ({ data: {}, lines: [] }) },
    });
    expect(run.error).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('reads what a step wants before it prepares while it prepares, and each resource once', async () => {
    const kind = new FakeKind({ kind: 'logs:fake' });
    const readDuringPrepare: boolean[] = [];
    const step: Step<{ prepared: boolean }> = {
      name: 'two-phase',
      services: () => [],
      resolve: async () => ({ prepared: false }),
      async prepare() {
        // a step's preparation (setup-monitoring's discovery) takes round trips; the early read goes meanwhile
        for (let waited = 0; waited < 1000 && !kind.calls.includes('find:dev/alerts'); waited += 10) await new Promise((wake) => setTimeout(wake, 10));
        readDuringPrepare.push(kind.calls.includes('find:dev/alerts'));
        return { prepared: true };
      },
      desired: ({ prepared }, _config, targets) => {
        const target = targets.environments.find((env) => env.name === 'dev')!;
        return ['alerts', ...(prepared ? ['discovered'] : [])].map((name) => want(kind, name, { id: `dev/logs:fake/${name}`, target }));
      },
    };

    const run = await runInProcess('two-phase', [step], moto, { options: { dryRun: true } });
    expect(run.error).toBeUndefined();
    expect(readDuringPrepare).toEqual([true]);
    expect(kind.calls).toEqual(['find:dev/alerts', 'find:dev/discovered']);
  });

  it("starts a step's prune listing (prefetchUnwanted) while another step prepares, and lists from it after", async () => {
    const events: string[] = [];
    const kind = Object.assign(new FakeKind({ kind: 'logs:fake' }), {
      prefetchUnwanted: async (_target: unknown, scope: string) => events.push(`prefetch ${scope}`),
      listUnwanted: async (_target: unknown, scope: string) => (events.push(`list ${scope}`), []),
    });
    const pruning: Step<Record<string, never>> = {
      name: 'pruning',
      services: () => [],
      resolve: async () => ({}),
      desired: () => [],
      pruneScopes: (_inputs, _config, targets) => [{ kind, target: targets.environments.find((env) => env.name === 'dev')!, scope: '/mt/dev/' }],
    };
    const preparing: Step<Record<string, never>> = {
      name: 'preparing',
      services: () => [],
      resolve: async () => ({}),
      async prepare(inputs) {
        for (let waited = 0; waited < 1000 && !events.includes('prefetch /mt/dev/'); waited += 10) await new Promise((wake) => setTimeout(wake, 10));
        events.push('prepared');
        return inputs;
      },
      desired: () => [],
    };

    const run = await runInProcess('two-steps', [pruning, preparing], moto, { options: { dryRun: true } });
    expect(run.error).toBeUndefined();
    expect(events).toEqual(['prefetch /mt/dev/', 'prepared', 'list /mt/dev/']);
  });
});
