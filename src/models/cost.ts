// Multiply-add counts per layer (docs/paper.md §1 gives the paper network's: 724,406,816 per image),
// for `alexnet info` and the bench's GFLOP/s figures.
import type { Shape } from '../tensor/shape.js';
import type { Layer } from '../nn/layer.js';
import { Conv2dLayer } from '../nn/conv.js';
import { LinearLayer } from '../nn/linear.js';

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

/** Forward multiply-adds of a whole network for one input shape. */
export function networkMacs(layers: readonly Layer[], input: Shape): number {
  let total = 0;
  let shape = input;
  for (const l of layers) {
    total += forwardMacs(l, shape);
    shape = l.outputShape(shape);
  }
  return total;
}
