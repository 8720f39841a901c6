import type { Prompter } from '../ui/prompter.js';
import { formatIssues, getDotted, setDotted, type LoadedConfig } from './load.js';
import { configSchema, type Config } from './schema.js';

export interface ConfigQuestion {
  /** dotted key in mtpipe.yaml */
  key: string;
  message: string;
  flag: string;
  parse?: (answer: string) => unknown;
}

/**
 * The configuration while inputs are resolved: flag → mtpipe.yaml → default (non-interactive) → prompt.
 * Every answer is checked against the same schema as the file.
 */
export class ConfigDraft {
  constructor(
    private readonly loaded: LoadedConfig,
    private readonly prompter: Prompter,
  ) {}

  get config(): Config {
    return this.loaded.config;
  }

  async ask(question: ConfigQuestion): Promise<void> {
    if (this.loaded.isExplicit(question.key) || !this.prompter.interactive) return;
    const parse = question.parse ?? ((answer: string) => answer);
    const current = getDotted(this.loaded.raw, question.key);
    const answer = await this.prompter.text({
      name: question.key,
      message: question.message,
      ...(current === undefined ? {} : { default: String(current) }),
      validate: (value) => this.problemWith(question.key, parse(value)) ?? true,
      source: { what: question.key, flag: question.flag, configKey: question.key },
    });
    setDotted(this.loaded.raw, question.key, parse(answer));
    this.loaded.config = configSchema.parse(this.loaded.raw);
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
