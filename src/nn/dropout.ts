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
    if (ctx.training) {
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
