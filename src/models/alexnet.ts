// Builds the network a preset describes, and initialises it (§3 of PAPER.md).
import type { Shape } from '../tensor/shape.js';
import type { Rng } from '../tensor/random.js';
import { Sequential } from '../nn/sequential.js';
import type { Layer } from '../nn/layer.js';
import { Conv2dLayer } from '../nn/conv.js';
import { LinearLayer } from '../nn/linear.js';
import { LrnLayer } from '../nn/lrn.js';
import { MaxPoolLayer } from '../nn/pool.js';
import { DropoutLayer } from '../nn/dropout.js';
import type { Init, Preset } from './presets.js';

export interface AlexNet {
  readonly preset: Preset;
  readonly net: Sequential;
}

export function buildAlexNet(preset: Preset): AlexNet {
  const layers: Layer[] = [];
  let shape: Shape = [1, preset.inputChannels, preset.inputSize, preset.inputSize];
  for (const s of preset.layers) {
    let layer: Layer;
    switch (s.kind) {
      case 'conv':
        layer = new Conv2dLayer(s.name, s.stateName, shape[1], s.out, s.kernel,
          { stride: s.stride, padding: s.padding, groups: s.groups, outputRule: s.outputRule }, s.relu);
        break;
      case 'lrn':
        layer = new LrnLayer(s.name, { size: s.size, alpha: s.alpha, beta: s.beta, k: s.k, alphaConvention: s.alphaConvention, groups: s.groups });
        break;
      case 'maxpool':
        layer = new MaxPoolLayer(s.name, { kernel: s.kernel, stride: s.stride, rounding: s.rounding });
        break;
      case 'dropout':
        layer = new DropoutLayer(s.name, { dropProbability: s.dropProbability, scaling: s.scaling });
        break;
      case 'linear':
        layer = new LinearLayer(s.name, s.stateName, shape.slice(1).reduce((a, b) => a * b, 1), s.out, s.relu);
        break;
    }
    shape = layer.outputShape(shape);
    layers.push(layer);
  }
  return { preset, net: new Sequential(layers) };
}

/** Draws every weight from N(0, σ²) and sets the biases, per the preset, from `rng`. */
export function initAlexNet(model: AlexNet, rng: Rng): void {
  const inits = new Map<string, Init>();
  for (const s of model.preset.layers) if (s.kind === 'conv' || s.kind === 'linear') inits.set(s.name, s.init);
  for (const layer of model.net.layers) {
    const init = inits.get(layer.name);
    if (!init) continue;
    for (const p of layer.params()) {
      if (p.kind === 'weight') rng.fillNormal(p.value.data, 0, init.weightStd);
      else p.value.data.fill(init.bias);
    }
  }
}
