import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { maxPool2d, maxPool2dBackward, maxPool2dValues, maxPool2dGeometry, type MaxPool2dAttrs } from '../ops/maxpool2d.js';
import { Buffer, type ForwardContext, type Layer, type Param } from './layer.js';
import { hostDevice, type Device } from '../tensor/device.js';
import type { IndexArray } from '../tensor/tensor.js';

/** §3.4 overlapping max pooling. */
export class MaxPoolLayer implements Layer {
  private readonly out: Buffer;
  private argmax: IndexArray;
  private xShape: Shape | null = null;

  constructor(readonly name: string, readonly attrs: MaxPool2dAttrs, private readonly device: Device = hostDevice) {
    this.out = new Buffer(device);
    this.argmax = device.indices(0);
  }

  outputShape(input: Shape): Shape {
    const g = maxPool2dGeometry(input, this.attrs);
    return [g.N, g.C, g.OH, g.OW];
  }

  forward(x: Tensor, ctx?: ForwardContext): Tensor {
    const y = this.out.get(this.outputShape(x.shape));
    if (ctx && !ctx.training) {
      // Inference: no backward follows, so no argmax is kept (a third of pool1's time at batch 128).
      this.xShape = null;
      return maxPool2dValues(x, this.attrs, y);
    }
    if (this.argmax.length !== y.size) this.argmax = this.device.indices(y.size);
    this.xShape = x.shape;
    return maxPool2d(x, this.attrs, { y, argmax: this.argmax }).y;
  }

  backward(dy: Tensor, dx: Tensor | null): Tensor | null {
    if (!this.xShape) throw new Error(`${this.name}: backward needs a training forward first (an inference forward keeps no argmax); run forward with { training: true }`);
    return dx ? maxPool2dBackward(this.xShape, this.argmax, dy, this.attrs, dx) : null;
  }

  params(): Param[] {
    return [];
  }
}
