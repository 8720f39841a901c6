const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** One status line on a terminal listing what is in flight; other lines are printed above it. */
export class Spinner {
  private readonly active = new Set<string>();
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

  stop(label: string): void {
    this.active.delete(label);
    this.clear();
    if (this.active.size === 0) this.stopAll();
    else this.render();
  }

  stopAll(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.active.clear();
    this.clear();
  }

  clear(): void {
    if (this.timer) this.stream.write('\r\x1b[K');
  }

  render(): void {
    if (!this.timer || this.active.size === 0) return;
    const labels = [...this.active];
    const more = labels.length > 1 ? ` (+${labels.length - 1} more)` : '';
    const width = (this.stream.columns || 80) - 4;
    const text = `${FRAMES[this.frame]} ${labels[0]}${more}`;
    this.stream.write(`\r\x1b[K${text.length > width ? text.slice(0, width) : text}`);
  }
}
