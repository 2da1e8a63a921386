// Multiply-add counts per layer, for GFLOP/s and share-of-peak figures.
import type { Shape } from '../src/tensor/shape.js';
import type { Layer } from '../src/nn/layer.js';
import { Conv2dLayer } from '../src/nn/conv.js';
import { LinearLayer } from '../src/nn/linear.js';

/** Forward multiply-adds of a layer for one input of shape `input`; 0 for layers without weights. */
export function forwardMacs(layer: Layer, input: Shape): number {
  if (layer instanceof Conv2dLayer) {
    const [n, o, oh, ow] = layer.outputShape(input);
    const w = layer.weight.value.shape;
    return n * o * oh * ow * w[1] * w[2] * w[3];
  }
  if (layer instanceof LinearLayer) return input[0] * layer.weight.value.size;
  return 0;
}
