// Timing helpers of the bench workers: medians of timed repetitions after a warm-up.

export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Seconds of each of `reps` runs of `fn`, after `warmup` untimed ones. */
export async function timeRunsAsync(fn: () => unknown, reps: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    out.push((performance.now() - t) / 1000);
  }
  return out;
}

export function timeRuns(fn: () => void, reps: number, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    out.push((performance.now() - t) / 1000);
  }
  return out;
}

/**
 * Repetitions of an inference timing: a batch-1 pass is ~20 ms, so at least
 * 50 (about a second a side; 10 span 0.2 s, short enough for one slow
 * stretch of a shared machine to move a median by a third: the 2026-12-03
 * runs in docs/benchmarks.md). Every side
 * (ours, ONNX Runtime, tools/bench_torch.py) uses the same count.
 */
const BATCH1_REPS = 50;
export const inferReps = (batch: number, reps: number) => (batch === 1 ? Math.max(reps, BATCH1_REPS) : reps);

export function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}
