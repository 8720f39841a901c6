import type { ConfirmQuestion, Prompter, SecretQuestion, TextQuestion } from '../../src/ui/prompter.js';

/**
 * Answers prompts by question `name`, never by call order. A question without a scripted answer
 * throws (failing the test). A text answer may be a list of attempts, as a user retyping after the
 * validate callback refused one: each refusal is recorded in `rejected`.
 */
export type ScriptedAnswer = string | string[] | boolean | undefined;

export interface AskedQuestion {
  kind: 'text' | 'secret' | 'confirm';
  name: string;
  message: string;
  default?: string | boolean;
}

export class UnexpectedQuestionError extends Error {
  override name = 'UnexpectedQuestionError';
}

export class ScriptedPrompter implements Prompter {
  readonly interactive: boolean;
  readonly asked: AskedQuestion[] = [];
  readonly rejected: { name: string; answer: string; message: string }[] = [];
  private readonly answers: Map<string, ScriptedAnswer>;

  constructor(answers: Record<string, ScriptedAnswer> = {}, options: { interactive?: boolean } = {}) {
    this.answers = new Map(Object.entries(answers));
    this.interactive = options.interactive ?? true;
  }

  /** names of scripted answers that no question asked for */
  unused(): string[] {
    const asked = new Set(this.asked.map((q) => q.name));
    return [...this.answers.keys()].filter((name) => !asked.has(name));
  }

  async text(question: TextQuestion): Promise<string> {
    this.record('text', question, question.default);
    const answer = this.answerFor(question.name);
    const attempts = Array.isArray(answer) ? answer : [answer];
    for (const attempt of attempts) {
      if (typeof attempt !== 'string') throw new UnexpectedQuestionError(`text question "${question.name}" needs a string answer`);
      const verdict = question.validate ? question.validate(attempt) : true;
      if (verdict === true) return attempt;
      this.rejected.push({ name: question.name, answer: attempt, message: verdict });
    }
    throw new UnexpectedQuestionError(`every scripted answer to "${question.name}" was rejected: ${this.rejected.map((r) => r.message).join('; ')}`);
  }

  async secret(question: SecretQuestion): Promise<string | undefined> {
    this.record('secret', question);
    const answer = this.answerFor(question.name);
    if (answer !== undefined && typeof answer !== 'string') throw new UnexpectedQuestionError(`secret "${question.name}" needs a string answer`);
    if ((answer === undefined || answer === '') && !question.optional) {
      throw new UnexpectedQuestionError(`secret "${question.name}" is required but the script leaves it empty`);
    }
    return answer === '' ? undefined : answer;
  }

  async confirm(question: ConfirmQuestion): Promise<boolean> {
    this.record('confirm', question, question.default);
    const answer = this.answerFor(question.name);
    if (typeof answer !== 'boolean') throw new UnexpectedQuestionError(`confirm "${question.name}" needs a boolean answer`);
    return answer;
  }

  private record(kind: AskedQuestion['kind'], question: { name: string; message: string }, defaultValue?: string | boolean) {
    this.asked.push({ kind, name: question.name, message: question.message, ...(defaultValue === undefined ? {} : { default: defaultValue }) });
  }

  private answerFor(name: string): ScriptedAnswer {
    if (!this.answers.has(name)) {
      throw new UnexpectedQuestionError(`unexpected question "${name}" (scripted: ${[...this.answers.keys()].join(', ') || 'none'})`);
    }
    return this.answers.get(name);
  }
}
