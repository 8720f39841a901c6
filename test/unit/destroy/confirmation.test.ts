import { describe, expect, it } from 'vitest';
import { confirmDestroy, validateDestroy } from '../../../src/commands/destroy.js';
import type { GlobalOptions } from '../../../src/commands/session.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import { configSchema } from '../../../src/config/schema.js';
import type { Change } from '../../../src/engine/types.js';
import { AbortedError, UserInputError } from '../../../src/errors.js';
import { NonInteractivePrompter } from '../../../src/ui/prompter.js';
import { ScriptedPrompter } from '../../support/scripted-prompter.js';
import { FakeKind, fakeTarget } from '../engine/fakes.js';

const config = configSchema.parse(defaultConfig('us-east-1'));
const options = (overrides: Partial<GlobalOptions> = {}) => ({ yes: false, dryRun: false, ...overrides }) as GlobalOptions;
const deletion = (kind: string, name: string, env = 'shared'): Change => ({
  desired: { id: name, kind: new FakeKind({ kind }), spec: { name, value: 'v' }, target: fakeTarget(env) },
  action: 'delete',
  diffs: [],
});

describe('who may start a destroy (before any AWS call)', () => {
  it('a non-interactive run without --yes is refused with exit code 2, naming the rule', () => {
    const refusal = (() => {
      try {
        validateDestroy({ options: options(), prompter: new NonInteractivePrompter() });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(UserInputError);
    expect((refusal as UserInputError).exitCode).toBe(2);
    expect((refusal as UserInputError).message).toBe(
      'invalid input: destroy in a non-interactive run (CI=true or no terminal) needs --yes: nobody can confirm the deletions',
    );
  });

  it('--yes, a dry run, or a terminal are enough', () => {
    expect(() => validateDestroy({ options: options({ yes: true }), prompter: new NonInteractivePrompter() })).not.toThrow();
    expect(() => validateDestroy({ options: options({ dryRun: true }), prompter: new NonInteractivePrompter() })).not.toThrow();
    expect(() => validateDestroy({ options: options(), prompter: new ScriptedPrompter() })).not.toThrow();
  });

  it('--env is refused: what mtpipe owns mostly serves every environment', () => {
    expect(() => validateDestroy({ options: options({ yes: true, env: 'dev' }), prompter: new NonInteractivePrompter() })).toThrow(/--env: destroy deletes what the whole project owns/);
  });
});

describe('the confirmation on a terminal', () => {
  const plain = [deletion('iam:role', 'mt-pipeline-build'), deletion('codebuild:project', 'mt-pipeline-cdk-deploy-prod', 'prod')];

  it('asks y/N, default No, naming what is deleted and the protected environment; No deletes nothing', async () => {
    const prompter = new ScriptedPrompter({ destroy: false });
    await expect(confirmDestroy({ prompter }, plain, config, false)).rejects.toBeInstanceOf(AbortedError);
    expect(prompter.asked).toEqual([
      {
        kind: 'confirm',
        name: 'destroy',
        message:
          'This plan (2 changes) deletes 2 resources (iam:role mt-pipeline-build, codebuild:project mt-pipeline-cdk-deploy-prod) and changes protected environment prod (1 change). Delete?',
        default: false,
      },
    ]);
    await expect(confirmDestroy({ prompter: new ScriptedPrompter({ destroy: true }) }, plain, config, false)).resolves.toBeUndefined();
  });

  it('with data to delete, the project name must be typed: anything else aborts (exit 130)', async () => {
    const withData = [...plain, deletion('codecommit:repository', 'machine-translation')];
    const wrong = new ScriptedPrompter({ confirmProject: 'yes' });
    const aborted = await confirmDestroy({ prompter: wrong }, withData, config, true).catch((error: unknown) => error);
    expect(aborted).toBeInstanceOf(AbortedError);
    expect((aborted as AbortedError).exitCode).toBe(130);
    expect(wrong.asked.map((q) => [q.kind, q.name])).toEqual([['text', 'confirmProject']]);
    expect(wrong.asked[0]?.message).toBe('This deletes data for good (machine-translation) and 2 other resources. Type the project name (mt-pipeline) to confirm');
    await expect(confirmDestroy({ prompter: new ScriptedPrompter({ confirmProject: 'mt-pipeline' }) }, withData, config, true)).resolves.toBeUndefined();
  });
});
