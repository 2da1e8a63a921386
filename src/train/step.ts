// One SGD step of the §4 objective: forward, mean softmax cross-entropy, backward, update.
import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import { crossEntropy, crossEntropyBackward } from '../ops/crossentropy.js';
import type { Sequential } from '../nn/sequential.js';
import type { Sgd } from './sgd.js';

export function trainStep(net: Sequential, sgd: Sgd, x: Tensor, labels: Int32Array, learningRate: number, rng: Rng): number {
  const logits = net.forward(x, { training: true, rng });
  const { loss, probs } = crossEntropy(logits, labels);
  net.backward(crossEntropyBackward(probs, labels));
  sgd.step(learningRate);
  return loss;
}
