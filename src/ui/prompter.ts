import { AbortedError, MissingInputError, type InputSource } from '../errors.js';

export interface TextQuestion {
  /** stable name: tests answer by it */
  name: string;
  message: string;
  default?: string;
  /** true, or the message to show */
  validate?: (value: string) => string | true;
  source: InputSource;
}

export interface SecretQuestion {
  name: string;
  message: string;
  source: InputSource;
  /** may be left empty; non-interactive runs then get undefined instead of an error */
  optional?: boolean;
}

export interface ConfirmQuestion {
  name: string;
  message: string;
  default: boolean;
}

export interface Prompter {
  readonly interactive: boolean;
  text(question: TextQuestion): Promise<string>;
  secret(question: SecretQuestion): Promise<string | undefined>;
  confirm(question: ConfirmQuestion): Promise<boolean>;
}

/** For --yes, CI=true or no terminal: defaults are taken, anything without one is a MissingInputError. */
export class NonInteractivePrompter implements Prompter {
  readonly interactive = false;

  async text(question: TextQuestion): Promise<string> {
    if (question.default === undefined) throw new MissingInputError(question.source);
    return question.default;
  }

  async secret(question: SecretQuestion): Promise<string | undefined> {
    if (question.optional) return undefined;
    throw new MissingInputError(question.source);
  }

  async confirm(question: ConfirmQuestion): Promise<boolean> {
    return question.default;
  }
}

/** @inquirer/prompts on the terminal, loaded only when a question is actually asked. Prompts go to stderr. */
export class TerminalPrompter implements Prompter {
  readonly interactive = true;

  async text(question: TextQuestion): Promise<string> {
    const { input } = await import('@inquirer/prompts');
    return ask(() =>
      input(
        {
          message: question.message,
          ...(question.default === undefined ? {} : { default: question.default }),
          ...(question.validate ? { validate: question.validate } : {}),
        },
        { output: process.stderr },
      ),
    );
  }

  async secret(question: SecretQuestion): Promise<string | undefined> {
    const { password } = await import('@inquirer/prompts');
    const value = await ask(() =>
      password(
        {
          message: question.message,
          mask: '*',
          validate: (entered) => (question.optional || entered.length > 0 ? true : 'a value is required'),
        },
        { output: process.stderr },
      ),
    );
    return value.length > 0 ? value : undefined;
  }

  async confirm(question: ConfirmQuestion): Promise<boolean> {
    const { confirm } = await import('@inquirer/prompts');
    return ask(() => confirm({ message: question.message, default: question.default }, { output: process.stderr }));
  }
}

async function ask<T>(prompt: () => Promise<T>): Promise<T> {
  try {
    return await prompt();
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new AbortedError('stopped at a prompt; nothing was changed');
    throw error;
  }
}

/** Interactive only with a terminal on stdin and stderr, and neither --yes nor CI=true. */
export function isInteractive(options: { yes: boolean }): boolean {
  const ci = (process.env.CI ?? '').toLowerCase();
  return !options.yes && ci !== 'true' && ci !== '1' && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
}
