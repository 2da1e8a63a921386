import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { tanh, tanhBackward } from '../ops/tanh.js';
import { Buffer, type Layer, type Param } from './layer.js';
import { hostDevice, type Device } from '../tensor/device.js';

/**
 * tanh after a conv or hidden fc layer, in place of its fused ReLU: the
 * saturating nonlinearity of §3.1 (Figure 1), chosen by `model.activation`.
 */
export class TanhLayer implements Layer {
  private readonly out: Buffer;
  private y: Tensor | null = null;

  constructor(readonly name: string, device: Device = hostDevice) {
    this.out = new Buffer(device);
  }

  outputShape(input: Shape): Shape {
    return input;
  }

  forward(x: Tensor): Tensor {
    this.y = tanh(x, this.out.get(x.shape));
    return this.y;
  }

  backward(dy: Tensor): Tensor {
    if (!this.y) throw new Error(`${this.name}: backward before forward`);
    return tanhBackward(this.y, dy, dy);
  }

  params(): Param[] {
    return [];
  }
}
