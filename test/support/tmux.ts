import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const TMUX = existsSync('/usr/bin/tmux') ? '/usr/bin/tmux' : 'tmux';

/** Single-quotes a word for sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * One program running on a real terminal: a detached tmux session on a server of its own
 * (`tmux -L <socket>`), so nothing touches the user's tmux.
 */
export class TmuxSession {
  /** every screen seen while polling: a test can check something never appeared */
  readonly screens: string[] = [];
  private readonly exitFile: string;

  private constructor(
    readonly socket: string,
    workDir: string,
  ) {
    this.exitFile = join(workDir, '.exit-code');
  }

  /**
   * Starts `argv` with exactly `env` (through `env -i`) in `cwd`. The exit code is written to a file
   * when it ends, and the pane stays open so its last screen can still be read.
   */
  static async start(argv: string[], options: { cwd: string; env: Record<string, string> }): Promise<TmuxSession> {
    const socket = `mtpipe-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const session = new TmuxSession(socket, options.cwd);
    const envWords = Object.entries(options.env).map(([key, value]) => shellQuote(`${key}=${value}`));
    const command = `env -i ${envWords.join(' ')} ${argv.map(shellQuote).join(' ')}; echo $? > ${shellQuote(session.exitFile)}; exec sleep 600`;
    await session.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'e2e', '-x', '120', '-y', '50', '-c', options.cwd, command);
    return session;
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await exec(TMUX, ['-L', this.socket, ...args], { encoding: 'utf8' });
    return stdout;
  }

  /** The screen and its scroll-back, as plain text. */
  async capture(): Promise<string> {
    const screen = await this.tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', 'e2e');
    this.screens.push(screen);
    return screen;
  }

  /** Polls the screen (short sleeps) until `pattern` shows, for at most `timeoutMs`. */
  async waitFor(pattern: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = await this.capture();
      if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen;
      if (existsSync(this.exitFile)) break; // ended without showing it
      await sleep(100);
    }
    throw new Error(`waited for ${String(pattern)} on the terminal; last screen:\n${screen}`);
  }

  /** Types text literally (no key names), then optionally presses Enter. */
  async type(text: string, enter = true): Promise<void> {
    if (text !== '') await this.tmux('send-keys', '-t', 'e2e', '-l', text);
    if (enter) await this.press('Enter');
  }

  /** Presses one key by its tmux name (Enter, Up, C-c ...). */
  async press(key: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'e2e', key);
  }

  /** Waits for the program to end (bounded) and returns its exit code. */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const text = await readFile(this.exitFile, 'utf8').catch(() => undefined);
      if (text !== undefined && text.trim() !== '') return Number(text.trim());
      await sleep(100);
    }
    throw new Error(`the program did not end within ${timeoutMs} ms; screen:\n${await this.capture()}`);
  }

  /** Ends this tmux server and everything in it. */
  async kill(): Promise<void> {
    const socketPath = await this.tmux('display-message', '-p', '#{socket_path}').catch(() => '');
    await this.tmux('kill-server').catch(() => undefined);
    if (socketPath.trim()) await rm(socketPath.trim(), { force: true });
  }
}
