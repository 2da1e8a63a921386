// A chain of layers with one shared pair of gradient buffers: during the
// backward pass only dL/dy and dL/dx are alive, so two buffers of the largest
// activation serve every layer (ping-pong) instead of one per layer.
import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { shapeSize } from '../tensor/shape.js';
import type { ForwardContext, Layer, Param } from './layer.js';

export class Sequential {
  private inputShapes: Shape[] = [];
  private arena: [Float32Array, Float32Array] = [new Float32Array(0), new Float32Array(0)];

  constructor(readonly layers: readonly Layer[]) {}

  /** Output shape of each layer for an input shape. */
  shapes(input: Shape): Shape[] {
    const out: Shape[] = [];
    let s = input;
    for (const l of this.layers) {
      s = l.outputShape(s);
      out.push(s);
    }
    return out;
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    this.inputShapes = [];
    let h = x;
    for (const l of this.layers) {
      this.inputShapes.push(h.shape);
      h = l.forward(h, ctx);
    }
    return h;
  }

  /**
   * Back-propagates dL/d(output) through every layer, filling the parameter
   * gradients. `layerDone(i)` runs after layer i's backward, when its
   * parameter gradients are final (data-parallel training starts their
   * all-reduce there, overlapping the layers below).
   */
  backward(dOut: Tensor, layerDone?: (index: number) => void): void {
    if (this.inputShapes.length !== this.layers.length) throw new Error('Sequential.backward: call forward first');
    const need = Math.max(dOut.size, ...this.inputShapes.map(shapeSize));
    if (this.arena[0].length < need) this.arena = [new Float32Array(need), new Float32Array(need)];
    // The caller's dOut is copied so the layers may work in place.
    let which = 0;
    let dy = new Tensor(this.arena[which].subarray(0, dOut.size), dOut.shape);
    dy.data.set(dOut.data);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const shape = this.inputShapes[i];
      const dx = i === 0 ? null : new Tensor(this.arena[1 - which].subarray(0, shapeSize(shape)), shape);
      const r = this.layers[i].backward(dy, dx);
      layerDone?.(i);
      if (i === 0) break;
      if (r === null) throw new Error(`${this.layers[i].name}: returned no input gradient`);
      if (r.data.buffer === dx!.data.buffer && r.data.byteOffset === dx!.data.byteOffset) which = 1 - which;
      dy = r.shape === shape ? r : r.reshape(shape);
    }
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }
}
