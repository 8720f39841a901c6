import type { Prompter } from '../ui/prompter.js';
import { formatIssues, getDotted, setDotted, type LoadedConfig } from './load.js';
import { configSchema, type Config } from './schema.js';

export interface ConfigQuestion {
  /** dotted key in mtpipe.yaml */
  key: string;
  message: string;
  /** the flag that sets it, if there is one */
  flag?: string;
  parse?: (answer: string) => unknown;
  /** offered instead of the current value (e.g. the caller's account, known only from STS) */
  default?: string;
  /** an empty answer leaves the key unset (say in `message` what that means) */
  optional?: boolean;
  /** a rule beyond the schema's: the problem with an answer, or undefined */
  check?: (value: unknown) => string | undefined;
  /** ask even though this run answered it already (the answer was refused by a later question) */
  again?: boolean;
}

/**
 * The configuration while inputs are resolved: flag → mtpipe.yaml → default (non-interactive) → prompt.
 * Every answer is checked against the same schema as the file, and kept in `answers` so that it can
 * be written to mtpipe.yaml.
 */
export class ConfigDraft {
  /** dotted key → answered value, in the order asked (unset optional answers are left out) */
  readonly answers = new Map<string, unknown>();

  constructor(
    private readonly loaded: LoadedConfig,
    private readonly prompter: Prompter,
  ) {}

  get config(): Config {
    return this.loaded.config;
  }

  /** whether a flag or mtpipe.yaml gives this key, or it was answered already: then it is not asked */
  isGiven(key: string): boolean {
    return this.loaded.isExplicit(key) || this.answers.has(key);
  }

  /** Asks for `key` unless a flag or mtpipe.yaml gives it, or nobody may be asked (non-interactive). */
  async ask(question: ConfigQuestion): Promise<void> {
    const answered = this.answers.has(question.key) && question.again === true;
    if ((this.isGiven(question.key) && !answered) || !this.prompter.interactive) return;
    const parse = (answer: string) => (question.optional && answer === '' ? undefined : (question.parse ?? String)(answer));
    const current = question.default ?? getDotted(this.loaded.raw, question.key);
    const answer = await this.prompter.text({
      name: question.key,
      message: question.message,
      ...(current === undefined ? {} : { default: String(current) }),
      validate: (value) => this.problemWith(question.key, parse(value)) ?? question.check?.(parse(value)) ?? true,
      source: { what: question.key, ...(question.flag ? { flag: question.flag } : {}), configKey: question.key },
    });
    this.set(question.key, parse(answer));
  }

  /** Sets `key` as an answer (from a question that is not a text prompt, e.g. a confirmation). */
  set(key: string, value: unknown): void {
    setDotted(this.loaded.raw, key, value);
    this.loaded.config = configSchema.parse(this.loaded.raw);
    if (value !== undefined) this.answers.set(key, value);
  }

  private problemWith(key: string, value: unknown): string | undefined {
    const raw = structuredClone(this.loaded.raw);
    setDotted(raw, key, value);
    const result = configSchema.safeParse(raw);
    if (result.success) return undefined;
    const mine = result.error.issues.filter((issue) => issue.path.join('.') === key);
    return mine.length > 0 ? formatIssues(mine, raw).join('; ') : undefined;
  }
}
