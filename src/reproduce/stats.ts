// Seeds → figures: mean ± sample standard deviation per variant, the
// difference between two variants with its standard error, and the verdict
// rule of docs/reproduce.md.

export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); NaN for n < 2. */
  readonly std: number;
  readonly values: readonly number[];
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : NaN;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { n, mean, std, values: [...values] };
}

export interface Difference {
  /** mean(a) − mean(b). */
  readonly mean: number;
  /** Standard error of that difference; NaN when a spread is unknown. */
  readonly se: number;
}

/** Unpaired: se = √(s_a²/n_a + s_b²/n_b); a variant seen once (an ensemble of all seeds) contributes no variance. */
export function difference(a: Summary, b: Summary): Difference {
  const part = (s: Summary) => (s.n === 1 ? 0 : (s.std * s.std) / s.n);
  const se = a.n > 1 || b.n > 1 ? Math.sqrt(part(a) + part(b)) : NaN;
  return { mean: a.mean - b.mean, se };
}

/** Paired by seed (the same networks measured two ways): the spread of the per-seed differences. */
export function pairedDifference(a: readonly number[], b: readonly number[]): Difference {
  const d = summarize(a.map((v, i) => v - b[i]));
  return { mean: d.mean, se: d.n > 1 ? d.std / Math.sqrt(d.n) : NaN };
}

export type Verdict = 'reproduced' | 'not reproduced' | 'within noise' | 'undecided';

/** How many standard errors a difference must clear (≈ a two-sided 95% test). */
export const VERDICT_SE = 2;

/**
 * `gain` is signed so that the paper's claim predicts it positive (e.g. error
 * without LRN minus error with it). Reproduced: gain > 2 se; not reproduced:
 * gain < −2 se (the opposite effect, beyond noise); within noise: otherwise;
 * undecided: no spread to judge by (fewer than 2 seeds).
 */
export function verdict(gain: Difference): Verdict {
  if (!Number.isFinite(gain.se) || !Number.isFinite(gain.mean)) return 'undecided';
  if (gain.mean > VERDICT_SE * gain.se) return 'reproduced';
  if (gain.mean < -VERDICT_SE * gain.se) return 'not reproduced';
  return 'within noise';
}
