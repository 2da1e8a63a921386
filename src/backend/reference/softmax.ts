// Reference softmax and softmax cross-entropy, row by row, in float64.
import type { SoftmaxKernels } from '../../ops/softmax.js';
import type { CrossEntropyKernels } from '../../ops/crossentropy.js';

/** Writes softmax(x[row]) into y[row]; returns log Σ exp(x[row]) (for the loss). */
function softmaxRow(x: Float32Array, y: Float32Array, off: number, K: number): number {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (x[off + k] > max) max = x[off + k];
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(x[off + k] - max);
  for (let k = 0; k < K; k++) y[off + k] = Math.exp(x[off + k] - max) / sum;
  return max + Math.log(sum);
}

export const softmax: SoftmaxKernels = {
  forward(N, K, x, y) {
    for (let n = 0; n < N; n++) softmaxRow(x, y, n * K, K);
  },
  backward(N, K, y, dy, dx) {
    for (let n = 0; n < N; n++) {
      const off = n * K;
      let dot = 0;
      for (let k = 0; k < K; k++) dot += dy[off + k] * y[off + k];
      for (let k = 0; k < K; k++) dx[off + k] = y[off + k] * (dy[off + k] - dot);
    }
  },
};

export const crossEntropy: CrossEntropyKernels = {
  forward(N, K, logits, labels, probs, rows) {
    let total = 0;
    for (let n = 0; n < N; n++) {
      const logSumExp = softmaxRow(logits, probs, n * K, K);
      const loss = logSumExp - logits[n * K + labels[n]];
      total += loss;
      if (rows) {
        let best = 0;
        for (let k = 1; k < K; k++) if (probs[n * K + k] > probs[n * K + best]) best = k;
        rows[2 * n] = loss;
        rows[2 * n + 1] = best === labels[n] ? 1 : 0;
      }
    }
    return total / N;
  },
  backward(N, K, probs, labels, dLoss, dlogits) {
    const f = dLoss / N;
    for (let n = 0; n < N; n++) {
      const off = n * K;
      for (let k = 0; k < K; k++) dlogits[off + k] = f * (probs[off + k] - (k === labels[n] ? 1 : 0));
    }
  },
};
