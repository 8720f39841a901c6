import { UserInputError } from '../errors.js';

/**
 * Secrets never come as command-line arguments: they would stay in shell history and be visible to
 * every user of the machine in the process list. What looks like one is refused before parsing
 * (and so before anything could echo it), naming its position only.
 */
const LOOKS_LIKE = [
  // Hugging Face user access tokens: "hf_" and 34 letters and digits (shorter ones are still refused from 20 on)
  { what: 'a Hugging Face token', test: (value: string) => /hf_[A-Za-z0-9]{20,}/.test(value), hint: 'set HF_TOKEN, or pipe it in: printf %s "$TOKEN" | mtpipe set-params --hf-token-stdin' },
  // AWS access key ids (long-term AKIA…, temporary ASIA…) and 40-character secret access keys
  { what: 'an AWS access key', test: (value: string) => /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/.test(value), hint: awsHint() },
  {
    what: 'an AWS secret access key',
    test: (value: string) => /^[A-Za-z0-9/+]{40}$/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value),
    hint: awsHint(),
  },
];

function awsHint(): string {
  return 'give AWS credentials with a profile (--profile, AWS_PROFILE) or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment';
}

/** The name of an option as typed, without any value: `--name=value` → `--name`, `-xVALUE` → `-x`. */
export function optionName(arg: string): string {
  if (arg.startsWith('--')) return arg.split('=')[0]!;
  if (arg.startsWith('-')) return arg.slice(0, 2);
  return arg;
}

/**
 * @param args the arguments after `node bin/mtpipe`
 * @throws UserInputError when an argument, or the value of `--name=value`, looks like a token or key
 */
export function refuseSecretsInArguments(args: string[]): void {
  const problems: string[] = [];
  const hints = new Set<string>();
  args.forEach((arg, index) => {
    const inline = arg.startsWith('--') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined;
    const value = inline ?? arg;
    const found = LOOKS_LIKE.find((pattern) => pattern.test(value));
    if (!found) return;
    const previous = args[index - 1];
    const where =
      inline !== undefined
        ? `the value of ${optionName(arg)}`
        : `argument ${index + 1}${previous?.startsWith('-') ? ` (after ${optionName(previous)})` : ''}`;
    problems.push(`${where} looks like ${found.what}: secrets are never command-line arguments`);
    hints.add(found.hint);
  });
  if (problems.length > 0) throw new UserInputError(problems, { hint: [...hints].join('; ') });
}

/** commander's error text with only the name of an unknown option, never a value typed with it. */
export function withoutOptionValues(message: string): string {
  return message.replace(/(unknown option ')([^']*)(')/g, (_, open: string, option: string, close: string) => `${open}${optionName(option)}${close}`);
}
