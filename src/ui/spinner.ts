const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** One status line on a terminal listing what is in flight; other lines are printed above it. */
export class Spinner {
  private readonly active = new Set<string>();
  /** what a label is waiting for, shown after it */
  private readonly notes = new Map<string, string>();
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  start(label: string): void {
    this.active.add(label);
    if (!this.timer) {
      this.timer = setInterval(() => {
        this.frame = (this.frame + 1) % FRAMES.length;
        this.render();
      }, 80);
      this.timer.unref();
    }
    this.render();
  }

  /** shows `note` after `label` (e.g. "waiting for IAM to propagate — 12 s"), first on the line, until it stops */
  note(label: string, note: string): void {
    if (!this.active.has(label)) return;
    this.notes.set(label, note);
    this.render();
  }

  stop(label: string): void {
    this.active.delete(label);
    this.notes.delete(label);
    this.clear();
    if (this.active.size === 0) this.stopAll();
    else this.render();
  }

  stopAll(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.active.clear();
    this.notes.clear();
    this.clear();
  }

  clear(): void {
    if (this.timer) this.stream.write('\r\x1b[K');
  }

  render(): void {
    if (!this.timer || this.active.size === 0) return;
    const labels = [...this.active];
    const first = labels.find((label) => this.notes.has(label)) ?? labels[0]!;
    const note = this.notes.get(first);
    const more = labels.length > 1 ? ` (+${labels.length - 1} more)` : '';
    const width = (this.stream.columns || 80) - 4;
    const text = `${FRAMES[this.frame]} ${first}${note ? `: ${note}` : ''}${more}`;
    this.stream.write(`\r\x1b[K${text.length > width ? text.slice(0, width) : text}`);
  }
}
