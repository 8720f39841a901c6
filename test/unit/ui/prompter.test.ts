import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MissingInputError } from '../../../src/errors.js';
import { isInteractive, NonInteractivePrompter } from '../../../src/ui/prompter.js';

const source = { what: 'repository name', flag: '--repository-name', configKey: 'repository.name', envVar: 'MTPIPE_REPOSITORY' };

describe('NonInteractivePrompter', () => {
  const prompter = new NonInteractivePrompter();

  it('is not interactive', () => {
    expect(prompter.interactive).toBe(false);
  });

  it('answers a text question with its default', async () => {
    await expect(prompter.text({ name: 'repository.name', message: 'Name?', default: 'machine-translation', source })).resolves.toBe(
      'machine-translation',
    );
    await expect(prompter.text({ name: 'x', message: 'x', default: '', source })).resolves.toBe('');
  });

  it('throws MissingInputError naming the flag, config key and environment variable when there is no default', async () => {
    const error = await prompter.text({ name: 'repository.name', message: 'Name?', source }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingInputError);
    const missing = error as MissingInputError;
    expect(missing.exitCode).toBe(2);
    expect(missing.code).toBe('missing_input');
    expect(missing.message).toBe('missing input: repository name');
    expect(missing.hint).toContain('--repository-name');
    expect(missing.hint).toContain('repository.name in mtpipe.yaml');
    expect(missing.hint).toContain('MTPIPE_REPOSITORY');
  });

  it('names only the ways that exist', async () => {
    const error = (await prompter
      .secret({ name: 'hf', message: 'Token', source: { what: 'Hugging Face token', envVar: 'HF_TOKEN' } })
      .catch((e: unknown) => e)) as MissingInputError;
    expect(error).toBeInstanceOf(MissingInputError);
    expect(error.hint).toContain('HF_TOKEN');
    expect(error.hint).not.toContain('flag');
    expect(error.hint).not.toContain('mtpipe.yaml');
  });

  it('returns undefined for an optional secret', async () => {
    await expect(prompter.secret({ name: 'hf', message: 'Token', source, optional: true })).resolves.toBeUndefined();
  });

  it('answers confirm with its default', async () => {
    await expect(prompter.confirm({ name: 'apply', message: 'Apply?', default: true })).resolves.toBe(true);
    await expect(prompter.confirm({ name: 'apply', message: 'Apply?', default: false })).resolves.toBe(false);
  });
});

describe('isInteractive', () => {
  const stdinTTY = Object.getOwnPropertyDescriptor(process.stdin, 'isTTY');
  const stderrTTY = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  const setTTY = (stdin: boolean, stderr: boolean) => {
    Object.defineProperty(process.stdin, 'isTTY', { value: stdin, configurable: true });
    Object.defineProperty(process.stderr, 'isTTY', { value: stderr, configurable: true });
  };

  beforeEach(() => {
    vi.stubEnv('CI', undefined);
    setTTY(true, true);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const [stream, descriptor] of [
      [process.stdin, stdinTTY],
      [process.stderr, stderrTTY],
    ] as const) {
      if (descriptor) Object.defineProperty(stream, 'isTTY', descriptor);
      else delete (stream as { isTTY?: boolean }).isTTY;
    }
  });

  it('is true on a terminal without --yes or CI', () => {
    expect(isInteractive({ yes: false })).toBe(true);
  });

  it('is false with --yes', () => {
    expect(isInteractive({ yes: true })).toBe(false);
  });

  it.each(['true', 'TRUE', '1'])('is false with CI=%s', (value) => {
    vi.stubEnv('CI', value);
    expect(isInteractive({ yes: false })).toBe(false);
  });

  it('is true with CI=false', () => {
    vi.stubEnv('CI', 'false');
    expect(isInteractive({ yes: false })).toBe(true);
  });

  it('is false without a terminal on stdin or stderr', () => {
    setTTY(false, true);
    expect(isInteractive({ yes: false })).toBe(false);
    setTTY(true, false);
    expect(isInteractive({ yes: false })).toBe(false);
  });
});
