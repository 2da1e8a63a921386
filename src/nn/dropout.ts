import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { dropout, dropoutBackward, dropoutScale, type DropoutAttrs } from '../ops/dropout.js';
import { Buffer, type ForwardContext, type Layer, type Param } from './layer.js';
import { hostDevice, type Device } from '../tensor/device.js';

/** §4.2 dropout; the mask comes from the context's generator, so runs are reproducible. */
export class DropoutLayer implements Layer {
  private readonly out: Buffer;
  private readonly maskBuf: Buffer;
  /** Where masks are drawn when the layer runs on a device: the host generator, then one upload. */
  private readonly hostMask = new Buffer();
  private mask: Tensor | null = null;

  constructor(readonly name: string, readonly attrs: DropoutAttrs, private readonly device: Device = hostDevice) {
    this.out = new Buffer(device);
    this.maskBuf = new Buffer(device);
  }

  outputShape(input: Shape): Shape {
    return input;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    this.mask = null;
    if (ctx.training && ctx.rows) {
      // (Data-parallel ranks train on the host: one GPU per rank is not supported yet.)
      // The global batch's mask, of which this process uses its own rows.
      const [n, ...rest] = x.shape;
      if (ctx.rows.start < 0 || ctx.rows.start + n > ctx.rows.total) throw new RangeError(`${this.name}: rows ${ctx.rows.start}…${ctx.rows.start + n - 1} are outside a global batch of ${ctx.rows.total}`);
      const full = this.maskBuf.get([ctx.rows.total, ...rest]);
      ctx.rng.fillBernoulli(full.data, 1 - this.attrs.dropProbability);
      const per = x.size / n;
      this.mask = new Tensor(full.data.subarray(ctx.rows.start * per, (ctx.rows.start + n) * per), x.shape);
    } else if (ctx.training) {
      // The same generator draws the same masks on every backend, so a device run tracks a host run.
      this.mask = this.maskBuf.get(x.shape);
      const draw = this.mask.deviceArray ? this.hostMask.get(x.shape) : this.mask;
      ctx.rng.fillBernoulli(draw.data, 1 - this.attrs.dropProbability);
      if (draw !== this.mask) this.device.write(this.mask, draw.data);
    }
    // Test time with inverted scaling is the identity: hand x on rather than
    // copy it (no backward follows an inference forward).
    if (!this.mask && dropoutScale(this.attrs, false) === 1) return x;
    // Not in place: the layer before may need its own output for its backward pass.
    return dropout(x, this.mask, this.attrs, this.out.get(x.shape));
  }

  backward(dy: Tensor): Tensor {
    return dropoutBackward(dy, this.mask, this.attrs, dy);
  }

  params(): Param[] {
    return [];
  }
}
