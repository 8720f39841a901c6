import { isReadOperation, type AwsCall } from '../../src/aws/call-log.js';
import { runSteps, type RunStepsOptions } from '../../src/commands/runner.js';
import { openSession, type GlobalOptions } from '../../src/commands/session.js';
import type { Step } from '../../src/commands/step.js';
import { NonInteractivePrompter, type Prompter } from '../../src/ui/prompter.js';
import { ConsoleReporter } from '../../src/ui/reporter.js';

/** A stream stand-in that keeps what is written. */
export function captureStream(): NodeJS.WriteStream & { text(): string } {
  let text = '';
  return {
    isTTY: false,
    columns: 100,
    write(chunk: string | Uint8Array) {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    },
    text: () => text,
  } as unknown as NodeJS.WriteStream & { text(): string };
}

export interface RunOptions {
  options?: Partial<GlobalOptions>;
  /** dotted config key → value, as flags would give */
  overrides?: Record<string, unknown>;
  flags?: Record<string, unknown>;
  prompter?: Prompter;
  /** the runner's hooks (afterApply, readAhead …), as bootstrap gives them */
  runOptions?: RunStepsOptions;
}

export interface RunResult {
  calls: AwsCall[];
  writes: AwsCall[];
  stdout: string;
  stderr: string;
  error: unknown;
}

/**
 * "The default configuration" of the tests: the built-in one with `environments.prod.allowSharedAccount:
 * true`, because moto has one account for dev and prod. Added unless a test gives its own file
 * (`options.config`) or its own `environments` (those say allowSharedAccount themselves when they need it).
 */
export const SHARED_ACCOUNT_OVERRIDES: Record<string, unknown> = { 'environments.prod.allowSharedAccount': true };

function withTestDefaults(run: RunOptions): Record<string, unknown> {
  const overrides = run.overrides ?? {};
  if (run.options?.config !== undefined || Object.keys(overrides).some((key) => key === 'environments')) return overrides;
  return { ...SHARED_ACCOUNT_OVERRIDES, ...overrides };
}

/** Runs steps in-process like the CLI does, recording every AWS call. Never throws: the error is returned. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runInProcess(command: string, steps: Step<any>[], endpointUrl: string, run: RunOptions = {}): Promise<RunResult> {
  const calls: AwsCall[] = [];
  const stdout = captureStream();
  const stderr = captureStream();
  const options: GlobalOptions = {
    yes: true,
    dryRun: false,
    json: false,
    debug: false,
    color: false,
    adopt: false,
    concurrency: 8,
    endpointUrl,
    ...run.options,
  };
  const reporter = new ConsoleReporter({ json: options.json, debug: options.debug, color: false, stdout, stderr });
  let error: unknown;
  try {
    const session = await openSession(
      options,
      { overrides: withTestDefaults(run), flagFor: () => undefined },
      { reporter, prompter: run.prompter ?? new NonInteractivePrompter(), observers: [(call) => calls.push(call)] },
    );
    await runSteps(command, steps, session, run.flags ?? {}, run.runOptions);
  } catch (caught) {
    error = caught;
  }
  return { calls, writes: calls.filter((call) => !isReadOperation(call.operation)), stdout: stdout.text(), stderr: stderr.text(), error };
}
