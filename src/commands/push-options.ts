// No imports: src/cli.ts loads this at start-up to declare the options, and start-up must not load the AWS SDK.

/** The flags of `mtpipe push`, declared once (src/cli.ts builds the command line from them). */
export const PUSH_OPTIONS = [
  { flags: '--source <dir>', description: 'the solution directory to push (default: the current directory)' },
  { flags: '--message <text>', description: 'commit message (default: "mtpipe push from <dir>")' },
  { flags: '--exclude <pattern>', description: 'leave out files matching this pattern (gitignore syntax, relative to --source; repeatable)', repeatable: true },
  { flags: '--allow-file <path>', description: 'push this file although it looks like it holds a credential (repeatable)', repeatable: true },
] as const;
