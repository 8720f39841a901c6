import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, cleanEnv, removeDirs, tempDir } from './cli.js';
import { TmuxSession } from './tmux.js';

/** Where things go, so that only a command's own questions are asked (the wizard's are in wizard.test.ts). */
export const PLACED = `project: mt-pipeline
region: us-east-1
environments:
  dev:
    account: "123456789012"
  prod:
    account: "123456789012"
    allowSharedAccount: true
`;

/**
 * The real `bin/mtpipe` on a real terminal (tmux), as the end-to-end tests of the prompts run it: in
 * fresh directories (a HOME and a working directory, with `config` as mtpipe.yaml when given), CI unset,
 * no --yes, against moto. `cleanUp` (afterEach) ends the session and removes the directories.
 */
export class TerminalRuns {
  private readonly dirs: string[] = [];
  private session: TmuxSession | undefined;

  constructor(private readonly moto: string) {}

  async workDirs(config?: string): Promise<{ home: string; cwd: string }> {
    const home = await tempDir('mtpipe-home-');
    const cwd = await tempDir();
    this.dirs.push(home, cwd);
    if (config !== undefined) await writeFile(join(cwd, 'mtpipe.yaml'), config);
    return { home, cwd };
  }

  /** `mtpipe ...args --endpoint-url <moto>` on a terminal; `extra` joins the environment. */
  async start(args: string[], where: { home: string; cwd: string }, extra: Record<string, string> = {}): Promise<TmuxSession> {
    const env = cleanEnv({ home: where.home, ci: false, extra: { TERM: 'screen', ...extra } });
    this.session = await TmuxSession.start([process.execPath, BIN, ...args, '--endpoint-url', this.moto], { cwd: where.cwd, env });
    return this.session;
  }

  async cleanUp(): Promise<void> {
    await this.session?.kill();
    this.session = undefined;
    await removeDirs(this.dirs);
  }
}
