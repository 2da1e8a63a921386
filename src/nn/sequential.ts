// A chain of layers with one shared pair of gradient buffers: during the
// backward pass only dL/dy and dL/dx are alive, so two buffers of the largest
// activation serve every layer (ping-pong) instead of one per layer.
import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { shapeSize } from '../tensor/shape.js';
import type { ForwardContext, Layer, Param } from './layer.js';
import { hostDevice, type Device } from '../tensor/device.js';
import { sameStorage } from '../tensor/tensor.js';
import { setBackend } from '../ops/registry.js';

export class Sequential {
  private inputShapes: Shape[] = [];
  private arena: [Tensor, Tensor];
  /**
   * The host kernel set (a registry backend: 'native', 'reference') this
   * network's ops run on, made active at each forward and backward (host
   * kernels run synchronously, so an SGD step between them runs on it too);
   * null: whichever backend is active.
   */
  hostBackend: string | null = null;

  /** `device`: where the gradient arena lives (the layers' device). */
  constructor(readonly layers: readonly Layer[], readonly device: Device = hostDevice) {
    this.arena = [device.zeros([0]), device.zeros([0])];
  }

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

  private useHostKernels(): void {
    if (this.hostBackend) setBackend(this.hostBackend);
  }

  /** The output of layer `last` (default: the network's output); backward needs a forward through every layer. */
  forward(x: Tensor, ctx: ForwardContext, last = this.layers.length - 1): Tensor {
    this.useHostKernels();
    this.inputShapes = [];
    let h = x;
    for (const l of this.layers.slice(0, last + 1)) {
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
    this.useHostKernels();
    const need = Math.max(dOut.size, ...this.inputShapes.map(shapeSize));
    if (this.arena[0].size < need) this.arena = [this.device.zeros([need]), this.device.zeros([need])];
    // The caller's dOut is copied so the layers may work in place.
    let which = 0;
    const view = (k: number, shape: Shape) => this.arena[k].batch(0, shapeSize(shape)).reshape(shape);
    let dy = view(which, dOut.shape);
    this.device.copy(dOut, dy);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const shape = this.inputShapes[i];
      const dx = i === 0 ? null : view(1 - which, shape);
      const r = this.layers[i].backward(dy, dx);
      layerDone?.(i);
      if (i === 0) break;
      if (r === null) throw new Error(`${this.layers[i].name}: returned no input gradient`);
      if (sameStorage(r.storage, dx!.storage)) which = 1 - which;
      dy = r.shape === shape ? r : r.reshape(shape);
    }
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }
}
