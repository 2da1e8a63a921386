// One SGD step of the §4 objective: forward, mean softmax cross-entropy, backward, update.
import { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import { checkLabelValues, crossEntropy, crossEntropyBackward, crossEntropyRows } from '../ops/crossentropy.js';
import { hostDevice } from '../tensor/device.js';
import type { IndexArray } from '../tensor/tensor.js';
import type { Sequential } from '../nn/sequential.js';
import type { RowRange } from '../nn/layer.js';
import type { Sgd } from './sgd.js';
import { Buffer } from '../nn/layer.js';
import type { RawViews } from '../data/types.js';
import { renderRaw } from '../data/raw-batch.js';
import { DeviceInput } from '../data/device-input.js';

// The loss's probabilities and gradient, kept per network so a step allocates nothing.
const lossBuffers = new WeakMap<Sequential, { probs: Buffer; grad: Buffer }>();

export interface StepResult {
  /** Mean loss of the (global) batch, before the update. */
  readonly loss: number;
  /** Images whose highest-probability class is the label (dropout on). */
  readonly correct: number;
  /** Images in the (global) batch. */
  readonly images: number;
}

/**
 * Data-parallel training (implemented in src/parallel): this process holds rows
 * `rows` of each global batch; the loss statistics and the gradients are
 * summed over every process, so each applies the same update.
 */
export interface GradientReducer {
  readonly rows: RowRange;
  /** Sums (loss·images, correct, images) over the processes. */
  reduceStats(lossSum: number, correct: number, images: number): { lossSum: number; correct: number; images: number };
  /** After layer `index`'s backward pass: its parameter gradients are final. */
  layerDone(index: number): void;
  /** Waits for every gradient sum; the gradients are then the global batch's. */
  finish(): void;
}

/**
 * A step whose loss is not finite changes nothing (no backward, no update),
 * so the caller can stop with the weights of the last good step. With a
 * reducer every process sees the same global loss, so all stop together.
 */
export function trainStepDetailed(net: Sequential, sgd: Sgd, x: Tensor, labels: Int32Array, learningRate: number, rng: Rng, reducer?: GradientReducer): StepResult {
  let bufs = lossBuffers.get(net);
  if (!bufs) lossBuffers.set(net, (bufs = { probs: new Buffer(), grad: new Buffer() }));
  const logits = net.forward(x, reducer ? { training: true, rng, rows: reducer.rows } : { training: true, rng });
  const { loss, probs } = crossEntropy(logits, labels, bufs.probs.get(logits.shape));
  const [n, k] = probs.shape;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (probs.data[row + c] > probs.data[row + best]) best = c;
    if (best === labels[i]) correct++;
  }
  let images = n;
  let mean = loss;
  if (reducer) {
    const s = reducer.reduceStats(loss * n, correct, n);
    ({ correct, images } = s);
    mean = s.lossSum / images;
  }
  if (!Number.isFinite(mean)) return { loss: mean, correct: 0, images };
  // The mean over the global batch: this process's rows weigh n/images of it.
  net.backward(crossEntropyBackward(probs, labels, reducer ? n / images : 1, bufs.grad.get(logits.shape)), reducer && ((i) => reducer.layerDone(i)));
  reducer?.finish();
  sgd.step(learningRate);
  return { loss: mean, correct, images };
}

interface DeviceBuffers {
  input: Buffer; probs: Buffer; grad: Buffer; rows: Buffer; labels: IndexArray; views: DeviceInput;
}
const deviceBuffers = new WeakMap<Sequential, DeviceBuffers>();

/**
 * One step on the network's device. On a GPU the batch (rendered input, or a
 * raw batch's bytes and view table, rendered there) and the labels are
 * uploaded, forward, loss, backward and update are recorded, and a single
 * read of the per-row losses submits them all: one submission and one read
 * per step. The update is then already done when the loss is seen, so a
 * non-finite loss leaves the weights changed; the trainer stops and never
 * saves them (a checkpoint is only written from finite weights).
 */
export async function trainStepOn(net: Sequential, sgd: Sgd, input: Tensor | RawViews, labels: Int32Array, learningRate: number, rng: Rng, reducer?: GradientReducer): Promise<StepResult> {
  const dev = net.device;
  if (dev === hostDevice) {
    // A raw batch (Batch.raw) on the host: rendered exactly as the loader renders x.
    const x = input instanceof Tensor ? input : new Tensor(renderRaw(input), [input.images * input.viewsPerImage, 3, input.crop, input.crop]);
    return trainStepDetailed(net, sgd, x, labels, learningRate, rng, reducer);
  }
  if (reducer) throw new Error('data-parallel training runs on the host backends: one GPU per rank is not supported yet (drop --backend webgpu under mpirun)');
  let b = deviceBuffers.get(net);
  if (!b) deviceBuffers.set(net, (b = { input: new Buffer(dev), probs: new Buffer(dev), grad: new Buffer(dev), rows: new Buffer(dev), labels: dev.indices(0), views: new DeviceInput(dev) }));
  const n = labels.length;
  let xd: Tensor;
  if (input instanceof Tensor && input.deviceArray) {
    // Already in device memory (a benchmark's resident batch): used as it is.
    xd = input;
  } else if (input instanceof Tensor) {
    xd = b.input.get(input.shape);
    dev.write(xd, input.data);
  } else {
    // Bytes and a view table up, the views rendered on the device.
    xd = b.views.render(input);
  }
  if (b.labels.length !== n) b.labels = dev.indices(n);
  const logits = net.forward(xd, { training: true, rng });
  checkLabelValues(labels, logits.shape[1]);
  dev.writeIndices(b.labels, labels);
  const probs = b.probs.get(logits.shape);
  const rows = b.rows.get([n, 2]);
  crossEntropyRows(logits, b.labels, probs, rows);
  net.backward(crossEntropyBackward(probs, b.labels, 1, b.grad.get(logits.shape)));
  sgd.step(learningRate);
  const r = await dev.read(rows);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    loss += r[2 * i];
    correct += r[2 * i + 1];
  }
  return { loss: loss / n, correct, images: n };
}

export function trainStep(net: Sequential, sgd: Sgd, x: Tensor, labels: Int32Array, learningRate: number, rng: Rng): number {
  return trainStepDetailed(net, sgd, x, labels, learningRate, rng).loss;
}
