// One SGD step of the §4 objective: forward, mean softmax cross-entropy, backward, update.
import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import { crossEntropy, crossEntropyBackward } from '../ops/crossentropy.js';
import type { Sequential } from '../nn/sequential.js';
import type { Sgd } from './sgd.js';
import { Buffer } from '../nn/layer.js';

// The loss's probabilities and gradient, kept per network so a step allocates nothing.
const lossBuffers = new WeakMap<Sequential, { probs: Buffer; grad: Buffer }>();

export function trainStep(net: Sequential, sgd: Sgd, x: Tensor, labels: Int32Array, learningRate: number, rng: Rng): number {
  let bufs = lossBuffers.get(net);
  if (!bufs) lossBuffers.set(net, (bufs = { probs: new Buffer(), grad: new Buffer() }));
  const logits = net.forward(x, { training: true, rng });
  const { loss, probs } = crossEntropy(logits, labels, bufs.probs.get(logits.shape));
  net.backward(crossEntropyBackward(probs, labels, 1, bufs.grad.get(logits.shape)));
  sgd.step(learningRate);
  return loss;
}
