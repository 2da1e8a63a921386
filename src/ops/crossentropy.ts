// §4 objective: mean cross-entropy of the softmax, L = −(1/N) Σ_n log softmax(x_n)[label_n].
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireRank } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import { deviceOf } from '../tensor/device.js';
import { isDeviceArray, type IndexArray } from '../tensor/tensor.js';
import type { HostMemory, Memory } from './memory.js';

export interface CrossEntropyKernels<M extends Memory = HostMemory> {
  /**
   * Writes the softmax probabilities (kept for backward) and returns the mean loss, computed with
   * log-sum-exp. With `rows`, also writes each row's loss and whether its first maximum is the
   * label (2 values per row: [loss, 1 or 0]); a device kernel always gets `rows` and returns nothing.
   */
  forward(N: number, K: number, logits: M['f32'], labels: M['i32'], probs: M['f32'], rows: M['f32'] | null): M['loss'];
  /** dlogits = dLoss · (probs − onehot(labels)) / N */
  backward(N: number, K: number, probs: M['f32'], labels: M['i32'], dLoss: number, dlogits: M['f32']): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    crossEntropy: CrossEntropyKernels<M>;
  }
}
declareOp('crossEntropy');

const OP = 'crossEntropy';

/** Device labels are checked on the host before they are uploaded (`checkLabelValues`). */
function checkLabels(logits: Tensor, labels: IndexArray): void {
  requireRank(OP, 'logits', logits.shape, 2, '[batch, classes]');
  const [N] = logits.shape;
  if (labels.length !== N) fail(OP, `${labels.length} labels for logits ${formatShape(logits.shape)} (need ${N})`);
  if (!isDeviceArray(labels)) checkLabelValues(labels, logits.shape[1]);
}

/** Every label in [0, K). */
export function checkLabelValues(labels: Int32Array, K: number): void {
  for (let n = 0; n < labels.length; n++) {
    if (!(labels[n] >= 0 && labels[n] < K)) fail(OP, `label ${labels[n]} at row ${n} is outside [0, ${K}) (the network has ${K} classes)`);
  }
}

/** Host tensors: the mean loss now. `out` receives the probabilities (reused across steps by the trainer). */
export function crossEntropy(logits: Tensor, labels: Int32Array, out?: Tensor): { loss: number; probs: Tensor } {
  checkLabels(logits, labels);
  if (logits.deviceArray) fail(OP, `logits ${logits.toString()} are on a device: use crossEntropyRows and read the rows`);
  if (out && out.size !== logits.size) fail(OP, `probability buffer ${formatShape(out.shape)} does not match logits ${formatShape(logits.shape)}`);
  const probs = out ?? Tensor.zeros(logits.shape);
  const loss = dispatch('crossEntropy', [logits, probs], (k, a) => k.forward(logits.shape[0], logits.shape[1], a.f(logits), labels, a.f(probs), null)) as number;
  return { loss, probs };
}

/**
 * On any device: probabilities into `probs`, and per row [loss, correct] into `rows` ([N, 2]),
 * so the mean loss and the training error are one small read.
 */
export function crossEntropyRows(logits: Tensor, labels: IndexArray, probs: Tensor, rows: Tensor): void {
  checkLabels(logits, labels);
  const [N, K] = logits.shape;
  if (probs.size !== logits.size) fail(OP, `probability buffer ${formatShape(probs.shape)} does not match logits ${formatShape(logits.shape)}`);
  if (rows.size !== 2 * N) fail(OP, `row buffer ${formatShape(rows.shape)} must hold [${N}, 2]`);
  dispatch('crossEntropy', [logits, labels, probs, rows], (k, a) => {
    k.forward(N, K, a.f(logits), a.i(labels), a.f(probs), a.f(rows));
  });
}

export function crossEntropyBackward(probs: Tensor, labels: IndexArray, dLoss = 1, out?: Tensor): Tensor {
  checkLabels(probs, labels);
  if (out && out.size !== probs.size) fail(OP, `gradient buffer ${formatShape(out.shape)} does not match ${formatShape(probs.shape)}`);
  const dx = out ?? deviceOf(probs).zeros(probs.shape);
  dispatch('crossEntropy', [probs, labels, dx], (k, a) => k.backward(probs.shape[0], probs.shape[1], a.f(probs), a.i(labels), dLoss, a.f(dx)));
  return dx;
}
