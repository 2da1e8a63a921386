// Builds the network a preset describes, and initialises it (docs/paper.md §3).
import type { Shape } from '../tensor/shape.js';
import { Sequential } from '../nn/sequential.js';
import type { Layer } from '../nn/layer.js';
import { Conv2dLayer } from '../nn/conv.js';
import { LinearLayer } from '../nn/linear.js';
import { LrnLayer } from '../nn/lrn.js';
import { MaxPoolLayer } from '../nn/pool.js';
import { DropoutLayer } from '../nn/dropout.js';
import { TanhLayer } from '../nn/tanh.js';
import type { Init, Preset } from './presets.js';
import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import type { Param } from '../nn/layer.js';
import { loadStateDict, stateDict, type LoadOptions, type LoadReport, type StateDict } from '../nn/state.js';
import { hostDevice, readTensor, type Device } from '../tensor/device.js';
import { Buffer } from '../nn/layer.js';

/**
 * A network built from a preset, with PyTorch-like mode switching: in
 * training mode dropout draws masks from the generator it is given; in
 * evaluation mode dropout is the identity (inverted) or ×(1−p) (paper §4.2).
 */
export class AlexNet {
  training = true;
  /** Draws dropout masks when no generator is passed to forward. */
  private readonly defaultRng = new Rng(0, 0x0d0);
  /** Where host inputs are uploaded when the network lives on a device. */
  private readonly input: Buffer;

  constructor(readonly preset: Preset, readonly net: Sequential) {
    this.input = new Buffer(net.device);
  }

  /** Where the weights and activations live. */
  get device(): Device {
    return this.net.device;
  }

  train(): this {
    this.training = true;
    return this;
  }

  eval(): this {
    this.training = false;
    return this;
  }

  /**
   * Logits [N, classes]; the returned tensor is a buffer reused by the next call. It lives on the
   * network's device (read it with `device.read`); a host input is uploaded first.
   */
  forward(x: Tensor, rng: Rng = this.defaultRng): Tensor {
    const [, c, h, w] = x.shape;
    if (x.shape.length !== 4 || c !== this.preset.inputChannels || h !== this.preset.inputSize || w !== this.preset.inputSize) {
      throw new RangeError(`${this.preset.name}: expects input [N, ${this.preset.inputChannels}, ${this.preset.inputSize}, ${this.preset.inputSize}], got [${x.shape.join(', ')}]`);
    }
    return this.net.forward(this.onDevice(x), { training: this.training, rng });
  }

  /** `x` in the network's memory: itself, or uploaded into a reused input buffer. */
  onDevice(x: Tensor): Tensor {
    if (this.device === hostDevice || x.deviceArray) return x;
    const t = this.input.get(x.shape);
    this.device.write(t, x.data);
    return t;
  }

  /** Logits on the host: forward, then one read. */
  async forwardToHost(x: Tensor, rng: Rng = this.defaultRng): Promise<Float32Array> {
    return (await readTensor(this.forward(x, rng))).data;
  }

  /** A host copy of the state dict (the live tensors themselves for a host network). */
  async hostStateDict(): Promise<StateDict> {
    const out: StateDict = new Map();
    for (const [k, t] of this.stateDict()) out.set(k, await readTensor(t));
    return out;
  }

  params(): Param[] {
    return this.net.params();
  }

  /** Weights by dotted name (PyTorch layouts); live storage, not copies. */
  stateDict(): StateDict {
    return stateDict(this.net);
  }

  loadStateDict(tensors: Parameters<typeof loadStateDict>[1], options?: LoadOptions): LoadReport {
    return loadStateDict(this.net, tensors, options);
  }

  /** Parameter count. */
  get size(): number {
    return this.params().reduce((a, p) => a + p.value.size, 0);
  }
}

/** The network of `preset`, its weights and buffers on `device` (default: host memory). */
export function buildAlexNet(preset: Preset, device: Device = hostDevice): AlexNet {
  const layers: Layer[] = [];
  let shape: Shape = [1, preset.inputChannels, preset.inputSize, preset.inputSize];
  // Paper §3.1: with tanh the layer's fused ReLU is off and a tanh layer follows it.
  const tanh = preset.activation === 'tanh';
  for (const s of preset.layers) {
    let layer: Layer;
    switch (s.kind) {
      case 'conv':
        layer = new Conv2dLayer(s.name, s.stateName, shape[1], s.out, s.kernel,
          { stride: s.stride, padding: s.padding, groups: s.groups, outputRule: s.outputRule }, s.relu && !tanh, device);
        break;
      case 'lrn':
        layer = new LrnLayer(s.name, { size: s.size, alpha: s.alpha, beta: s.beta, k: s.k, alphaConvention: s.alphaConvention, groups: s.groups }, device);
        break;
      case 'maxpool':
        layer = new MaxPoolLayer(s.name, { kernel: s.kernel, stride: s.stride, rounding: s.rounding }, device);
        break;
      case 'dropout':
        layer = new DropoutLayer(s.name, { dropProbability: s.dropProbability, scaling: s.scaling }, device);
        break;
      case 'linear':
        layer = new LinearLayer(s.name, s.stateName, shape.slice(1).reduce((a, b) => a * b, 1), s.out, s.relu && !tanh, device);
        break;
    }
    shape = layer.outputShape(shape);
    layers.push(layer);
    if (tanh && (s.kind === 'conv' || s.kind === 'linear') && s.relu) layers.push(new TanhLayer(`${s.name}.tanh`, device));
  }
  return new AlexNet(preset, new Sequential(layers, device));
}

/** Draws every weight from N(0, σ²) and sets the biases, per the preset, from `rng`. */
export function initAlexNet(model: AlexNet, rng: Rng): void {
  const inits = new Map<string, Init>();
  for (const s of model.preset.layers) if (s.kind === 'conv' || s.kind === 'linear') inits.set(s.name, s.init);
  for (const layer of model.net.layers) {
    const init = inits.get(layer.name);
    if (!init) continue;
    for (const p of layer.params()) {
      // Drawn on the host for every device, so a seed gives the same network everywhere.
      const values = new Float32Array(p.value.size);
      if (p.kind === 'weight') rng.fillNormal(values, 0, init.weightStd);
      else values.fill(init.bias);
      model.device.write(p.value, values);
    }
  }
}
