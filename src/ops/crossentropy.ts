// §4 objective: mean cross-entropy of the softmax, L = −(1/N) Σ_n log softmax(x_n)[label_n].
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireRank } from './errors.js';
import { kernelsFor } from './registry.js';

export interface CrossEntropyKernels {
  /** Writes the softmax probabilities (kept for backward) and returns the mean loss, computed with log-sum-exp. */
  forward(N: number, K: number, logits: Float32Array, labels: Int32Array, probs: Float32Array): number;
  /** dlogits = dLoss · (probs − onehot(labels)) / N */
  backward(N: number, K: number, probs: Float32Array, labels: Int32Array, dLoss: number, dlogits: Float32Array): void;
}

const OP = 'crossEntropy';

function checkLabels(logits: Tensor, labels: Int32Array): void {
  requireRank(OP, 'logits', logits.shape, 2, '[batch, classes]');
  const [N, K] = logits.shape;
  if (labels.length !== N) fail(OP, `${labels.length} labels for logits ${formatShape(logits.shape)} (need ${N})`);
  for (let n = 0; n < N; n++) {
    if (!(labels[n] >= 0 && labels[n] < K)) fail(OP, `label ${labels[n]} at row ${n} is outside [0, ${K}) for logits ${formatShape(logits.shape)}`);
  }
}

/** `out` receives the probabilities (reused across steps by the trainer). */
export function crossEntropy(logits: Tensor, labels: Int32Array, out?: Tensor): { loss: number; probs: Tensor } {
  checkLabels(logits, labels);
  if (out && out.size !== logits.size) fail(OP, `probability buffer ${formatShape(out.shape)} does not match logits ${formatShape(logits.shape)}`);
  const probs = out ?? Tensor.zeros(logits.shape);
  const loss = kernelsFor('crossEntropy').forward(logits.shape[0], logits.shape[1], logits.data, labels, probs.data);
  return { loss, probs };
}

export function crossEntropyBackward(probs: Tensor, labels: Int32Array, dLoss = 1, out?: Tensor): Tensor {
  checkLabels(probs, labels);
  if (out && out.size !== probs.size) fail(OP, `gradient buffer ${formatShape(out.shape)} does not match ${formatShape(probs.shape)}`);
  const dx = out ?? Tensor.zeros(probs.shape);
  kernelsFor('crossEntropy').backward(probs.shape[0], probs.shape[1], probs.data, labels, dLoss, dx.data);
  return dx;
}
