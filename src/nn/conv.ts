import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { conv2d, conv2dBackward, conv2dGeometry, conv2dOutputShape, type Conv2dAttrs } from '../ops/conv2d.js';
import { reluBackward } from '../ops/relu.js';
import { Buffer, param, type Layer, type Param } from './layer.js';
import { hostDevice, type Device } from '../tensor/device.js';

/** Convolution with an optional fused ReLU (§3.1 after every conv layer). */
export class Conv2dLayer implements Layer {
  readonly weight: Param;
  readonly bias: Param;
  private readonly out: Buffer;
  private x: Tensor | null = null;
  private y: Tensor | null = null;

  constructor(
    readonly name: string,
    stateName: string,
    inChannels: number,
    outChannels: number,
    kernel: number,
    readonly attrs: Conv2dAttrs,
    readonly relu: boolean,
    device: Device = hostDevice,
  ) {
    const groups = attrs.groups ?? 1;
    this.weight = param(`${stateName}.weight`, 'weight', [outChannels, inChannels / groups, kernel, kernel], device);
    this.bias = param(`${stateName}.bias`, 'bias', [outChannels], device);
    this.out = new Buffer(device);
  }

  outputShape(input: Shape): Shape {
    return conv2dOutputShape(conv2dGeometry(input, this.weight.value.shape, this.attrs));
  }

  forward(x: Tensor): Tensor {
    this.x = x;
    this.y = conv2d(x, this.weight.value, this.bias.value, this.attrs, { relu: this.relu, out: this.out.get(this.outputShape(x.shape)) });
    return this.y;
  }

  backward(dy: Tensor, dx: Tensor | null): Tensor | null {
    if (!this.x || !this.y) throw new Error(`${this.name}: backward before forward`);
    if (this.relu) reluBackward(this.y, dy, dy);
    const g = conv2dBackward(this.x, this.weight.value, dy, this.attrs, {
      needDx: dx !== null, dx: dx ?? undefined, dw: this.weight.grad, db: this.bias.grad,
    });
    return g.dx;
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }
}
