/** Every error mtpipe raises on purpose; src/cli.ts turns them into messages and exit codes. */
export class MtpipeError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** Bad values in flags or mtpipe.yaml. Always raised before any AWS call. */
export class UserInputError extends MtpipeError {
  readonly problems: string[];

  constructor(problems: string[], options: { hint?: string } = {}) {
    const message =
      problems.length === 1 ? `invalid input: ${problems[0]}` : `invalid input:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
    super('invalid_input', message, { ...options, exitCode: 2 });
    this.problems = problems;
  }
}

export interface InputSource {
  /** what is asked for, e.g. "repository name" */
  what: string;
  flag?: string;
  configKey?: string;
  envVar?: string;
}

/** A required input is missing and nobody may be asked for it (non-interactive run). */
export class MissingInputError extends MtpipeError {
  constructor(source: InputSource) {
    const ways = [
      source.flag && `the flag ${source.flag}`,
      source.configKey && `the key ${source.configKey} in mtpipe.yaml`,
      source.envVar && `the environment variable ${source.envVar}`,
    ].filter(Boolean);
    super('missing_input', `missing input: ${source.what}`, {
      exitCode: 2,
      hint: `non-interactive run (--yes, CI=true or no terminal): give it with ${ways.join(' or ')}`,
    });
  }
}

/** An AWS call failed; `message` says what mtpipe was doing. */
export class AwsError extends MtpipeError {
  constructor(doing: string, cause: unknown, hint?: string) {
    super('aws_error', `${doing}: ${describeCause(cause)}`, { cause, ...(hint ? { hint } : {}) });
  }
}

/** The user declined, or pressed Ctrl-C at a prompt. */
export class AbortedError extends MtpipeError {
  constructor(message = 'aborted', hint?: string) {
    super('aborted', message, { exitCode: 130, ...(hint ? { hint } : {}) });
  }
}

export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const name = cause.name && cause.name !== 'Error' && !cause.message.startsWith(cause.name) ? `${cause.name}: ` : '';
    return `${name}${cause.message}`;
  }
  return String(cause);
}

const printedInResult = new WeakSet<object>();

/**
 * The command has already printed its --json document, with this failure in it (a failed apply, a
 * rolled-back release): src/cli.ts sets the exit code but prints no second document.
 */
export function printedInJson<E extends Error>(error: E): E {
  printedInResult.add(error);
  return error;
}

export function isPrintedInJson(error: unknown): boolean {
  return typeof error === 'object' && error !== null && printedInResult.has(error);
}

/** Exit code of `mtpipe drift` when AWS differs from the configuration (0 in sync, 1 errors, 2 bad input). */
export const EXIT_DIFFERENCES = 3;

/** AWS differs from what the configuration wants (`mtpipe drift`): not a failure of mtpipe, exit code 3. */
export class DifferencesError extends MtpipeError {
  constructor(message: string, hint?: string) {
    super('differences', message, { exitCode: EXIT_DIFFERENCES, ...(hint ? { hint } : {}) });
  }
}
