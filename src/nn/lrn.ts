import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { lrn, lrnBackward, type LrnAttrs } from '../ops/lrn.js';
import { Buffer, type Layer, type Param } from './layer.js';
import { hostDevice, type Device } from '../tensor/device.js';

/** §3.3 local response normalisation. */
export class LrnLayer implements Layer {
  private readonly out: Buffer;
  private readonly scale: Buffer;
  private x: Tensor | null = null;
  private y: Tensor | null = null;
  private s: Tensor | null = null;

  constructor(readonly name: string, readonly attrs: LrnAttrs, device: Device = hostDevice) {
    this.out = new Buffer(device);
    this.scale = new Buffer(device);
  }

  outputShape(input: Shape): Shape {
    return input;
  }

  forward(x: Tensor): Tensor {
    this.x = x;
    const r = lrn(x, this.attrs, { y: this.out.get(x.shape), scale: this.scale.get(x.shape) });
    this.y = r.y;
    this.s = r.scale;
    return r.y;
  }

  backward(dy: Tensor, dx: Tensor | null): Tensor | null {
    if (!this.x || !this.y || !this.s) throw new Error(`${this.name}: backward before forward`);
    return dx ? lrnBackward(this.x, this.y, this.s, dy, this.attrs, dx) : null;
  }

  params(): Param[] {
    return [];
  }
}
