// One SGD step of the §4 objective: forward, mean softmax cross-entropy, backward, update.
import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import { crossEntropy, crossEntropyBackward } from '../ops/crossentropy.js';
import type { Sequential } from '../nn/sequential.js';
import type { Sgd } from './sgd.js';
import { Buffer } from '../nn/layer.js';

// The loss's probabilities and gradient, kept per network so a step allocates nothing.
const lossBuffers = new WeakMap<Sequential, { probs: Buffer; grad: Buffer }>();

export interface StepResult {
  /** Mean loss of the batch, before the update. */
  readonly loss: number;
  /** Images whose highest-probability class is the label (dropout on). */
  readonly correct: number;
}

/**
 * A step whose loss is not finite changes nothing (no backward, no update),
 * so the caller can stop with the weights of the last good step.
 */
export function trainStepDetailed(net: Sequential, sgd: Sgd, x: Tensor, labels: Int32Array, learningRate: number, rng: Rng): StepResult {
  let bufs = lossBuffers.get(net);
  if (!bufs) lossBuffers.set(net, (bufs = { probs: new Buffer(), grad: new Buffer() }));
  const logits = net.forward(x, { training: true, rng });
  const { loss, probs } = crossEntropy(logits, labels, bufs.probs.get(logits.shape));
  if (!Number.isFinite(loss)) return { loss, correct: 0 };
  const [n, k] = probs.shape;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (probs.data[row + c] > probs.data[row + best]) best = c;
    if (best === labels[i]) correct++;
  }
  net.backward(crossEntropyBackward(probs, labels, 1, bufs.grad.get(logits.shape)));
  sgd.step(learningRate);
  return { loss, correct };
}

export function trainStep(net: Sequential, sgd: Sgd, x: Tensor, labels: Int32Array, learningRate: number, rng: Rng): number {
  return trainStepDetailed(net, sgd, x, labels, learningRate, rng).loss;
}
