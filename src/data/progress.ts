// A progress line on stderr for long jobs: done/total, images/s and ETA.
// Redrawn in place (at most 5 times a second) on a terminal; one line every
// 10 s when stderr is a file or pipe, so logs stay readable.

export interface Progress {
  tick(n: number): void;
  done(): void;
}

const clock = (s: number) => {
  if (!Number.isFinite(s)) return '--:--';
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  return `${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : String(m)}:${String(sec).padStart(2, '0')}`;
};

export function progressBar(label: string, total: number, already = 0, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  const start = Date.now();
  let done = already;
  let last = 0;
  const line = () => {
    const elapsed = (Date.now() - start) / 1000;
    const rate = (done - already) / Math.max(elapsed, 1e-3);
    const frac = total > 0 ? done / total : 1;
    const width = 24, fill = Math.round(frac * width);
    return `${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${(100 * frac).toFixed(0)}% ${rate.toFixed(0)} img/s ETA ${clock((total - done) / rate)}`;
  };
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < (tty ? 200 : 10_000)) return;
    last = now;
    stream.write(tty ? `\r${line()}\x1b[K` : `${line()}\n`);
  };
  return {
    tick(n) {
      done += n;
      draw(false);
    },
    done() {
      draw(true);
      if (tty) stream.write('\n');
    },
  };
}
