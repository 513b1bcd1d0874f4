// Progress on stderr: one live, rewritten line on a TTY; plain lines otherwise (logs, CI).
export class Progress {
  private live = false;
  private last = '';

  constructor(
    private readonly write: (s: string) => void,
    private readonly tty: boolean,
    private readonly columns = 100,
  ) {}

  /** A transient status (phase, cargo run n, kept/rejected, ETA). */
  status(text: string): void {
    if (text === this.last) return;
    this.last = text;
    if (this.tty) {
      const line = text.length > this.columns - 1 ? text.slice(0, this.columns - 2) + '…' : text;
      this.write(`\r\x1b[2K${line}`);
      this.live = true;
    } else this.write(text + '\n');
  }

  /** A line that stays. */
  note(text: string): void {
    this.clear();
    this.write(text + '\n');
  }

  clear(): void {
    if (this.live) this.write('\r\x1b[2K');
    this.live = false;
    this.last = '';
  }
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}
