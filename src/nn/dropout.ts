import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { dropout, dropoutBackward, type DropoutAttrs } from '../ops/dropout.js';
import { Buffer, type ForwardContext, type Layer, type Param } from './layer.js';

/** §4.2 dropout; the mask comes from the context's generator, so runs are reproducible. */
export class DropoutLayer implements Layer {
  private readonly out = new Buffer();
  private readonly maskBuf = new Buffer();
  private mask: Tensor | null = null;

  constructor(readonly name: string, readonly attrs: DropoutAttrs) {}

  outputShape(input: Shape): Shape {
    return input;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    this.mask = null;
    if (ctx.training && ctx.rows) {
      // The global batch's mask, of which this process uses its own rows.
      const [n, ...rest] = x.shape;
      if (ctx.rows.start < 0 || ctx.rows.start + n > ctx.rows.total) throw new RangeError(`${this.name}: rows ${ctx.rows.start}…${ctx.rows.start + n - 1} are outside a global batch of ${ctx.rows.total}`);
      const full = this.maskBuf.get([ctx.rows.total, ...rest]);
      ctx.rng.fillBernoulli(full.data, 1 - this.attrs.dropProbability);
      const per = x.size / n;
      this.mask = new Tensor(full.data.subarray(ctx.rows.start * per, (ctx.rows.start + n) * per), x.shape);
    } else if (ctx.training) {
      this.mask = this.maskBuf.get(x.shape);
      ctx.rng.fillBernoulli(this.mask.data, 1 - this.attrs.dropProbability);
    }
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
