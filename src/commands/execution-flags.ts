/**
 * The flags of run, watch and approve, declared once (src/cli.ts builds the command lines from them).
 * In a file of their own: the command modules load the AWS SDK, which `mtpipe --help` must not.
 */
export interface FlagDeclaration {
  /** commander's flag syntax, e.g. "--interval <seconds>" */
  flags: string;
  description: string;
  /** how the value is read: a number of seconds greater than 0 */
  value?: 'seconds';
}

const interval: FlagDeclaration = { flags: '--interval <seconds>', description: 'seconds between two reads of the execution (default 5)', value: 'seconds' };

export const RUN_FLAGS = {
  watch: { flags: '--no-watch', description: 'print the execution id and return, without following it' },
  interval,
} satisfies Record<string, FlagDeclaration>;

export const WATCH_FLAGS = { interval } satisfies Record<string, FlagDeclaration>;

export const APPROVE_FLAGS = {
  reject: { flags: '--reject', description: 'reject instead of approving (the execution then fails)' },
  comment: { flags: '--comment <text>', description: 'the approval summary, up to 512 characters (default: who answered, from STS)' },
} satisfies Record<string, FlagDeclaration>;
