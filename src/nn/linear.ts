import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { linear, linearBackward } from '../ops/linear.js';
import { reluBackward } from '../ops/relu.js';
import { Buffer, param, type Layer, type Param } from './layer.js';
import { hostDevice, type Device } from '../tensor/device.js';

/** Fully connected layer; flattens an NCHW input (pool5's 256×6×6 → 9216) as a view. */
export class LinearLayer implements Layer {
  readonly weight: Param;
  readonly bias: Param;
  private readonly out: Buffer;
  private x: Tensor | null = null;
  private y: Tensor | null = null;

  constructor(readonly name: string, stateName: string, readonly inFeatures: number, outFeatures: number, readonly relu: boolean, device: Device = hostDevice) {
    this.weight = param(`${stateName}.weight`, 'weight', [outFeatures, inFeatures], device);
    this.bias = param(`${stateName}.bias`, 'bias', [outFeatures], device);
    this.out = new Buffer(device);
  }

  outputShape(input: Shape): Shape {
    return [input[0], this.weight.value.shape[0]];
  }

  forward(x: Tensor): Tensor {
    this.x = x.reshape([x.shape[0], -1]);
    this.y = linear(this.x, this.weight.value, this.bias.value, { relu: this.relu, out: this.out.get(this.outputShape(x.shape)) });
    return this.y;
  }

  backward(dy: Tensor, dx: Tensor | null): Tensor | null {
    if (!this.x || !this.y) throw new Error(`${this.name}: backward before forward`);
    if (this.relu) reluBackward(this.y, dy, dy);
    const g = linearBackward(this.x, this.weight.value, dy, {
      needDx: dx !== null, dx: dx ? dx.reshape(this.x.shape) : undefined, dw: this.weight.grad, db: this.bias.grad,
    });
    return g.dx && dx ? dx : null;
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }
}
