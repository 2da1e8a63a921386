// A one-line progress bar on stderr (images/s, loss, learning rate, ETA),
// redrawn in place on a terminal and printed every tenth of an epoch otherwise
// (logs and CI), so it never floods a file.

export { formatDuration } from '../util/duration.js';
import { formatDuration } from '../util/duration.js';

export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly enabled = true) {
    this.tty = Boolean(stream.isTTY);
  }

  update(label: string, done: number, total: number, fields: Record<string, string>, etaSeconds: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    const decile = Math.floor((10 * done) / Math.max(1, total));
    if (this.tty) {
      if (now - this.lastDraw < 100 && done < total) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round((width * done) / Math.max(1, total));
      const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (done < total ? '>' : '=') : '') + ' '.repeat(width - filled);
      const f = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('  ');
      const line = `${label} [${bar}] ${done}/${total}  ${f}  ETA ${formatDuration(etaSeconds)}`;
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    } else if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      const f = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('  ');
      this.stream.write(`${label} ${done}/${total}  ${f}  ETA ${formatDuration(etaSeconds)}\n`);
    }
  }

  /** Ends the current line (before a log line or at the end of an epoch). */
  clear(): void {
    if (this.enabled && this.tty) this.stream.write('\r\x1b[K');
    this.lastDecile = -1;
  }
}
