// Top-k of the (view-averaged) class scores: the predictions behind the
// top-1/top-5 errors of docs/paper.md §6 and the 10-view average of §5. On a
// device only the k indices per image (and the label's score) come back to
// the host, not N×K probabilities.
import { Tensor } from '../tensor/tensor.js';
import { deviceOf } from '../tensor/device.js';
import { isDeviceArray, type IndexArray } from '../tensor/tensor.js';
import { fail, formatShape, requirePositiveInt, requireRank } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import type { HostMemory, Memory } from './memory.js';

const OP = 'topk';

/**
 * The k best classes of a row, best first (ties: lower index first, as
 * torch.topk's stable order and a stable sort). This is the definition the
 * kernels are tested against; src/eval/metrics.ts re-exports it.
 */
export function topK(scores: Float32Array | Float64Array, offset: number, classes: number, k: number): number[] {
  const idx = Array.from({ length: classes }, (_, c) => c);
  idx.sort((a, b) => scores[offset + b] - scores[offset + a] || a - b);
  return idx.slice(0, Math.min(k, classes));
}

/** Averages consecutive groups of `views` rows in float64: [N·views, K] → [N, K] (the §5 10-view average). */
export function averageViews(probs: Float32Array | Float64Array, n: number, views: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < views; v++) {
      const row = (i * views + v) * k;
      for (let c = 0; c < k; c++) out[i * k + c] += probs[row + c];
    }
    for (let c = 0; c < k; c++) out[i * k + c] /= views;
  }
  return out;
}

export interface TopKGeometry {
  /** Images: the output has one row of `k` indices per image. */
  readonly N: number;
  /** Consecutive input rows averaged into one image's scores (10 for the §5 test views). */
  readonly views: number;
  /** Classes per row. */
  readonly K: number;
  /** Indices written per image: min(requested k, K). */
  readonly k: number;
}

export interface TopKKernels<M extends Memory = HostMemory> {
  /**
   * indices[n·k + j] = the j-th best class of image n's scores, the mean of
   * rows n·views … n·views + views − 1 of `scores` [N·views, K] (ties: lower
   * class first). With labels, labelScores[n] = that mean at labels[n].
   */
  forward(g: TopKGeometry, scores: M['f32'], indices: M['i32'], labels: M['i32'] | null, labelScores: M['f32'] | null): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    topk: TopKKernels<M>;
  }
}
declareOp('topk');

export interface TopKOptions {
  /** Rows per image, averaged before ranking (default 1). */
  readonly views?: number;
  /** One label per image: also returns the averaged score of each image's label (for the loss). */
  readonly labels?: IndexArray;
  /** Reused outputs (evaluation keeps them across batches): indices of N·k values, label scores of N. */
  readonly out?: { readonly indices: IndexArray; readonly labelScores?: Tensor };
}

export interface TopKResult {
  /** [N, k] class indices, row-major, best first. */
  readonly indices: IndexArray;
  /** k per image (min of the requested k and the classes). */
  readonly k: number;
  /** [N] averaged score of each label, when labels were given. */
  readonly labelScores: Tensor | null;
}

export function topKGeometry(shape: readonly number[], k: number, views: number): TopKGeometry {
  requireRank(OP, 'scores', shape, 2, '[rows, classes]');
  requirePositiveInt(OP, 'k', k);
  requirePositiveInt(OP, 'views', views);
  const [rows, K] = shape;
  if (K < 1) fail(OP, `scores ${formatShape(shape)} have no classes`);
  if (rows % views !== 0) fail(OP, `scores ${formatShape(shape)}: ${rows} rows are not a whole number of images of ${views} views`);
  return { N: rows / views, views, K, k: Math.min(k, K) };
}

/** The k best classes of each image's (view-averaged) scores, where the scores live. */
export function topk(scores: Tensor, k: number, options: TopKOptions = {}): TopKResult {
  const g = topKGeometry(scores.shape, k, options.views ?? 1);
  const dev = deviceOf(scores);
  const labels = options.labels ?? null;
  if (labels) {
    if (labels.length !== g.N) fail(OP, `${labels.length} labels for ${g.N} images (scores ${formatShape(scores.shape)}, ${g.views} views)`);
    if (!isDeviceArray(labels)) {
      for (let n = 0; n < g.N; n++) if (!(labels[n] >= 0 && labels[n] < g.K)) fail(OP, `label ${labels[n]} of image ${n} is outside [0, ${g.K})`);
    }
  }
  const indices = options.out?.indices ?? dev.indices(g.N * g.k);
  if (indices.length !== g.N * g.k) fail(OP, `index buffer of ${indices.length} values for [${g.N}, ${g.k}]`);
  let labelScores: Tensor | null = null;
  if (labels) {
    labelScores = options.out?.labelScores ?? dev.zeros([g.N]);
    if (labelScores.size !== g.N) fail(OP, `label score buffer ${formatShape(labelScores.shape)} for ${g.N} images`);
  }
  dispatch(OP, [scores, indices, labels, labelScores], (kern, a) => {
    kern.forward(g, a.f(scores), a.i(indices), labels ? a.i(labels) : null, labelScores ? a.f(labelScores) : null);
  });
  return { indices, k: g.k, labelScores };
}
