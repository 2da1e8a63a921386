// Activations of any layer (docs/paper.md §6.1: fc7, the 4096-d "last hidden
// layer", is what the paper compares images by). The network runs in
// evaluation mode up to and including the named layer.
import type { AlexNet } from '../models/alexnet.js';
import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import { suggest } from '../util/suggest.js';

export class LayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerError';
  }
}

/** Names of the network's layers, input to output. */
export function layerNames(model: AlexNet): string[] {
  return model.net.layers.map((l) => l.name);
}

/** Index of a layer by name, or a LayerError listing the names (with a suggestion). */
export function layerIndex(model: AlexNet, name: string): number {
  const names = layerNames(model);
  const i = names.indexOf(name);
  if (i < 0) {
    const s = suggest(name, names);
    throw new LayerError(`no layer '${name}' in preset ${model.preset.name}${s ? ` (did you mean '${s}'?)` : ''}; layers: ${names.join(', ')}`);
  }
  return i;
}

/**
 * The output of layer `name` for input x [N, C, S, S], as a new tensor
 * (a copy: layers reuse their buffers). Dropout layers are at their
 * test-time setting; `fc8` gives the logits, exactly as `forward` does.
 */
export async function layerActivations(model: AlexNet, x: Tensor, name: string): Promise<Tensor> {
  const last = layerIndex(model, name);
  const [, c, h, w] = x.shape;
  const p = model.preset;
  if (x.shape.length !== 4 || c !== p.inputChannels || h !== p.inputSize || w !== p.inputSize) {
    throw new LayerError(`preset ${p.name} takes input [N, ${p.inputChannels}, ${p.inputSize}, ${p.inputSize}] (NCHW float32, mean subtracted), got [${x.shape.join(', ')}]`);
  }
  const wasTraining = model.training;
  model.eval();
  try {
    // Not training: dropout draws nothing from the generator.
    const ctx = { training: false, rng: new Rng(0) };
    const t = model.net.forward(model.onDevice(x), ctx, last);
    // A copy: the layer's buffer is reused by the next call.
    return new Tensor(Float32Array.from(await model.device.read(t)), t.shape);
  } finally {
    if (wasTraining) model.train();
  }
}

/** layerActivations in batches of `batch` images, so large inputs need only one batch of activations at a time. */
export async function batchedActivations(model: AlexNet, x: Tensor, name: string, batch = 64): Promise<Tensor> {
  const n = x.shape[0];
  const per = x.size / Math.max(1, n);
  const parts: Tensor[] = [];
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    parts.push(await layerActivations(model, new Tensor(x.data.subarray(i * per, (i + m) * per), [m, ...x.shape.slice(1)]), name));
  }
  if (parts.length === 0) {
    const shape = model.net.shapes([1, ...x.shape.slice(1)])[layerIndex(model, name)];
    return new Tensor(new Float32Array(0), [0, ...shape.slice(1)]);
  }
  const rowShape = parts[0].shape.slice(1);
  const out = new Float32Array(parts.reduce((a, p) => a + p.size, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p.data, o);
    o += p.size;
  }
  return new Tensor(out, [n, ...rowShape]);
}
