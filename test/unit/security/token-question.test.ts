import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setParams } from '../../../src/commands/set-params.js';
import type { ResolveContext } from '../../../src/commands/step.js';
import { ConfigDraft } from '../../../src/config/draft.js';
import type { Desired } from '../../../src/engine/types.js';
import { ScriptedPrompter } from '../../support/scripted-prompter.js';
import { configFor, targetsFor, type Variant } from './fixtures.js';

const TOKEN = 'hf_questionToken_42';
let saved: string | undefined;
beforeEach(() => {
  saved = process.env.HF_TOKEN;
  delete process.env.HF_TOKEN;
});
afterEach(() => {
  if (saved === undefined) delete process.env.HF_TOKEN;
  else process.env.HF_TOKEN = saved;
});

/** `stored`: the environments whose token exists; every read is recorded by resource name. */
function context(prompter: ScriptedPrompter, stored: string[], options: { variant?: Variant; dryRun?: boolean; offline?: boolean } = {}) {
  const config = configFor(options.variant ?? { store: 'ssm' });
  const draft = new ConfigDraft({ config, raw: {}, file: undefined, isExplicit: () => true, withoutFlags: () => ({ value: undefined, inFile: false }) }, prompter);
  const targets = { ...targetsFor(), offline: options.offline ?? false };
  const reads: string[] = [];
  const read = async (item: Desired<unknown, unknown>): Promise<unknown> => {
    reads.push(item.kind.name(item.spec));
    if (!stored.includes(item.target.name)) return undefined;
    return item.kind.kind === 'ssm:parameter'
      ? { name: 'x', type: 'SecureString', value: 'stored', tags: {} }
      : { arn: 'arn', value: undefined, hasValue: true, kmsKeyId: undefined, deleted: false, tags: {} };
  };
  const ctx = { draft, prompter, flags: {}, once: (_key: string, resolve: () => Promise<unknown>) => resolve(), dryRun: options.dryRun ?? false, targets, read } as ResolveContext;
  return { ctx, reads };
}

describe('the Hugging Face token question says what an empty answer does in this account', () => {
  it('nothing stored: the answer is required, and the question says for which environments', async () => {
    const prompter = new ScriptedPrompter({ hfToken: TOKEN });
    const { ctx, reads } = context(prompter, []);
    await expect(setParams.resolve(ctx)).resolves.toEqual({ hfToken: TOKEN });
    expect(reads).toEqual(['/mt-pipeline/dev/hugging_face_token', '/mt-pipeline/prod/hugging_face_token']);
    expect(prompter.asked).toEqual([{ kind: 'secret', name: 'hfToken', message: 'Hugging Face token (required: none is stored for dev, prod)' }]);
  });

  it('nothing stored: an empty answer is not accepted', async () => {
    const prompter = new ScriptedPrompter({ hfToken: '' });
    await expect(setParams.resolve(context(prompter, []).ctx)).rejects.toThrow('is required but the script leaves it empty');
  });

  it('stored for one environment only: still required, naming the other', async () => {
    const prompter = new ScriptedPrompter({ hfToken: TOKEN });
    await setParams.resolve(context(prompter, ['dev']).ctx);
    expect(prompter.asked[0]!.message).toBe('Hugging Face token (required: none is stored for prod)');
  });

  it('stored everywhere: not asked, the stored one is kept', async () => {
    const prompter = new ScriptedPrompter({});
    await expect(setParams.resolve(context(prompter, ['dev', 'prod']).ctx)).resolves.toEqual({ hfToken: undefined });
    expect(prompter.asked).toEqual([]);
  });

  it('in Secrets Manager: the secret with a current value counts as stored', async () => {
    const prompter = new ScriptedPrompter({});
    const { ctx, reads } = context(prompter, ['dev', 'prod'], { variant: { store: 'secretsmanager' } });
    // set-params leaves a Secrets Manager token to setup-security; its question is the same
    const { setupSecurity } = await import('../../../src/commands/setup-security.js');
    await expect(setupSecurity.resolve(ctx)).resolves.toEqual({ hfToken: undefined });
    expect(reads).toEqual(['mt-pipeline/dev/hugging-face-token', 'mt-pipeline/prod/hugging-face-token']);
    expect(prompter.asked).toEqual([]);
  });

  it('a dry run never requires it', async () => {
    const prompter = new ScriptedPrompter({ hfToken: '' });
    await expect(setParams.resolve(context(prompter, [], { dryRun: true }).ctx)).resolves.toEqual({ hfToken: undefined });
    expect(prompter.asked[0]!.message).toBe('Hugging Face token (none is stored for dev, prod; leave empty to plan without it)');
  });

  it('offline: says that what is stored cannot be checked', async () => {
    const prompter = new ScriptedPrompter({ hfToken: '' });
    await expect(setParams.resolve(context(prompter, [], { dryRun: true, offline: true }).ctx)).resolves.toEqual({ hfToken: undefined });
    expect(prompter.asked[0]!.message).toBe('Hugging Face token (offline: whether one is stored cannot be checked; leave empty to plan without it)');
  });

  it('non-interactive: nothing is read and nothing asked (the plan blocks a token nobody stored)', async () => {
    const prompter = new ScriptedPrompter({}, { interactive: false });
    const { ctx, reads } = context(prompter, []);
    await expect(setParams.resolve(ctx)).resolves.toEqual({ hfToken: undefined });
    expect(reads).toEqual([]);
  });
});
