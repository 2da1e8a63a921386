// What a finished experiment's run folder says beyond its final errors: when
// its training error first fell to a threshold (Figure 1, §4.2's "iterations
// to converge"), and its per-epoch curves averaged over seeds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochMetrics } from '../train/checkpoint.js';

export interface StepRow {
  readonly step: number;
  readonly epoch: number;
  readonly top1Error: number;
  readonly imagesPerSecond: number;
}

/** <run>/metrics/steps.jsonl (a line torn by a kill is skipped). */
export function readSteps(runDir: string): StepRow[] {
  const file = join(runDir, 'metrics', 'steps.jsonl');
  if (!existsSync(file)) throw new Error(`${file}: missing; the experiment has not trained`);
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as StepRow];
    } catch {
      return [];
    }
  });
}

export interface TimeToThreshold {
  /** Steps until the running training error first reached the threshold; the run's length when it never did. */
  readonly steps: number;
  readonly epochs: number;
  /** Training seconds to that step (the sum of the steps' own durations, so pauses and resumes do not count). */
  readonly seconds: number;
  /** False: never reached; `steps` is then a lower bound. */
  readonly reached: boolean;
}

/**
 * The training error of a step is noisy (one batch), so it is averaged over
 * a window of `window` steps (Figure 1 plots it per epoch; a quarter of an
 * epoch here resolves the point better in runs of a few epochs).
 */
export function timeToThreshold(rows: readonly StepRow[], threshold: number, batchSize: number, stepsPerEpoch: number): TimeToThreshold {
  const window = Math.max(1, Math.round(stepsPerEpoch / 4));
  let seconds = 0;
  for (let i = 0; i < rows.length; i++) {
    seconds += batchSize / Math.max(1, rows[i].imagesPerSecond);
    // Summed afresh each step: a running sum's rounding drift would move a value sitting on the threshold.
    let sum = 0;
    for (let j = Math.max(0, i + 1 - window); j <= i; j++) sum += rows[j].top1Error;
    if (i + 1 >= window && sum / window <= threshold) return { steps: i + 1, epochs: (i + 1) / stepsPerEpoch, seconds, reached: true };
  }
  return { steps: rows.length, epochs: rows.length / stepsPerEpoch, seconds, reached: false };
}

/** Per-epoch metrics averaged over runs (the runs of one variant, its seeds); null where a value is missing. */
export function meanHistory(histories: readonly (readonly EpochMetrics[])[]): EpochMetrics[] {
  const n = Math.min(...histories.map((h) => h.length));
  const avg = (f: (m: EpochMetrics) => number | null, e: number): number | null => {
    const v = histories.map((h) => f(h[e]));
    return v.some((x) => x === null) ? null : (v as number[]).reduce((a, b) => a + b, 0) / v.length;
  };
  return Array.from({ length: Number.isFinite(n) ? n : 0 }, (_, e) => ({
    epoch: e + 1,
    trainLoss: avg((m) => m.trainLoss, e)!,
    trainTop1Error: avg((m) => m.trainTop1Error, e)!,
    valLoss: avg((m) => m.valLoss, e),
    valTop1Error: avg((m) => m.valTop1Error, e),
    valTop5Error: avg((m) => m.valTop5Error, e),
    learningRate: histories[0][e].learningRate,
    lrDropped: histories[0][e].lrDropped,
    seconds: avg((m) => m.seconds, e)!,
    images: histories[0][e].images,
  }));
}
