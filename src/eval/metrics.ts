// Top-k error (docs/paper.md §6: top-1 and top-5) and the 10-view average (§5:
// "averaging the predictions of the softmax layer on the ten patches").
import { topK } from '../ops/topk.js';

/**
 * Rank of the true class in a row of scores: how many classes score higher,
 * ties broken towards the lower class index (as torch.topk and a stable sort).
 * The prediction is top-k correct when rank < k.
 */
export function labelRank(scores: Float32Array | Float64Array, offset: number, classes: number, label: number): number {
  const s = scores[offset + label];
  let rank = 0;
  for (let c = 0; c < classes; c++) {
    const v = scores[offset + c];
    if (v > s || (v === s && c < label)) rank++;
  }
  return rank;
}

// The ranking and the view average live with the top-k op (its reference kernel is
// built on them), so host evaluation and the kernels share one definition.
export { averageViews, topK } from '../ops/topk.js';

/** Row-wise softmax of logits [N, K] in float64 (evaluation only, so precision over speed). */
export function softmaxRows(logits: Float32Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, logits[i * k + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(logits[i * k + c] - m);
    for (let c = 0; c < k; c++) out[i * k + c] /= sum;
  }
  return out;
}

/** Running top-1/top-5 error, loss and confusion counts. */
export class Tally {
  images = 0;
  lossSum = 0;
  top1 = 0;
  top5 = 0;
  /** confusion[true * K + predicted] */
  readonly confusion: Int32Array;

  constructor(readonly classes: number) {
    this.confusion = new Int32Array(classes * classes);
  }

  /** Adds N rows of probabilities with their labels. */
  add(probs: Float64Array, labels: Int32Array): void {
    const k = this.classes;
    for (let i = 0; i < labels.length; i++) {
      const rank = labelRank(probs, i * k, k, labels[i]);
      if (rank < 1) this.top1++;
      if (rank < 5) this.top5++;
      this.lossSum -= Math.log(Math.max(probs[i * k + labels[i]], 1e-300));
      this.confusion[labels[i] * k + topK(probs, i * k, k, 1)[0]]++;
      this.images++;
    }
  }

  /**
   * Adds N images from their ranked classes (the top-k op's output: `k` per
   * image, best first, ties to the lower class) and each label's probability.
   * The same counts as `add`: the label's rank is below 5 exactly when it is
   * among the first min(5, K) ranked classes.
   */
  addRanked(indices: Int32Array, k: number, labels: Int32Array, labelProbs: Float32Array | Float64Array): void {
    const K = this.classes;
    const need = Math.min(5, K);
    if (k < need || indices.length !== labels.length * k || labelProbs.length !== labels.length) {
      throw new RangeError(`Tally.addRanked: ${indices.length} indices (${k} per image, need ≥ ${need}) and ${labelProbs.length} probabilities for ${labels.length} labels`);
    }
    for (let i = 0; i < labels.length; i++) {
      const row = indices.subarray(i * k, i * k + need);
      if (row[0] === labels[i]) this.top1++;
      if (row.includes(labels[i])) this.top5++;
      this.lossSum -= Math.log(Math.max(labelProbs[i], 1e-300));
      this.confusion[labels[i] * K + row[0]]++;
      this.images++;
    }
  }

  get loss(): number {
    return this.lossSum / Math.max(1, this.images);
  }

  get top1Error(): number {
    return 1 - this.top1 / Math.max(1, this.images);
  }

  get top5Error(): number {
    return 1 - this.top5 / Math.max(1, this.images);
  }
}

/** Accuracy of each class from confusion counts [true·K + predicted]: correct / images of that class (NaN when a class has none). */
export function perClassAccuracy(confusion: Int32Array, classes: number): { images: number; correct: number; accuracy: number }[] {
  const out: { images: number; correct: number; accuracy: number }[] = [];
  for (let t = 0; t < classes; t++) {
    let images = 0;
    for (let p = 0; p < classes; p++) images += confusion[t * classes + p];
    const correct = confusion[t * classes + t];
    out.push({ images, correct, accuracy: images ? correct / images : NaN });
  }
  return out;
}

export interface ConfusedPair {
  /** The true class. */
  readonly actual: number;
  /** The class predicted (top-1) instead. */
  readonly predicted: number;
  readonly count: number;
  /** count / images of the true class. */
  readonly rate: number;
}

/** The `n` most frequent off-diagonal confusions, most first (ties: lower true class, then lower predicted class). */
export function mostConfused(confusion: Int32Array, classes: number, n: number): ConfusedPair[] {
  const totals = perClassAccuracy(confusion, classes).map((c) => c.images);
  const pairs: ConfusedPair[] = [];
  for (let t = 0; t < classes; t++) {
    for (let p = 0; p < classes; p++) {
      const count = confusion[t * classes + p];
      if (t !== p && count > 0) pairs.push({ actual: t, predicted: p, count, rate: count / totals[t] });
    }
  }
  pairs.sort((a, b) => b.count - a.count || a.actual - b.actual || a.predicted - b.predicted);
  return pairs.slice(0, n);
}
