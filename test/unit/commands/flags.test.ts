import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli.js';
import { configKeysOf, mergedFlags, STEP_COMMANDS, type StepCommandName } from '../../../src/commands/flags.js';

const optionsOf = (name: string) =>
  buildProgram()
    .commands.find((command) => command.name() === name)!
    .options.map((option) => option.long);

describe('flags declared once', () => {
  it.each(Object.keys(STEP_COMMANDS) as StepCommandName[])("%s's command line is its declaration", (name) => {
    const declared = mergedFlags([STEP_COMMANDS[name].flags]).map((flag) => flag.flags.split(' ')[0]);
    expect(optionsOf(name)).toStrictEqual(declared);
  });

  it("bootstrap takes every step's flags, each once, and --save", () => {
    const options = optionsOf('bootstrap');
    expect(options).toStrictEqual([...new Set(options)]);
    for (const step of Object.values(STEP_COMMANDS)) for (const flag of step.flags) expect(options).toContain(flag.flags.split(' ')[0]);
    expect(options).toContain('--save');
    expect(options.filter((option) => option === '--hf-token-stdin')).toHaveLength(1);
  });

  it('maps each config key to the flag that sets it', () => {
    expect(configKeysOf(STEP_COMMANDS['init-repo'].flags)).toStrictEqual({
      'repository.name': '--repository-name',
      'repository.description': '--description',
      'repository.approvals': '--approvals',
    });
    expect(mergedFlags([STEP_COMMANDS['set-params'].flags]).map((flag) => flag.flags)).toStrictEqual(['--hf-token-stdin']);
  });
});
