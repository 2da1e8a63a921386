// The layer contract: layers hold weights and buffers, ops stay stateless.
// A layer owns its output and cache buffers and reuses them while the batch
// shape stays the same, so a training loop allocates nothing per step.
import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import type { Rng } from '../tensor/random.js';
import { hostDevice, type Device } from '../tensor/device.js';

export interface Param {
  /** Dotted name in the state dict, e.g. `conv1.weight` or `features.0.weight`. */
  readonly name: string;
  readonly kind: 'weight' | 'bias';
  readonly value: Tensor;
  readonly grad: Tensor;
}

export interface ForwardContext {
  readonly training: boolean;
  /** Draws dropout masks while training. */
  readonly rng: Rng;
  /**
   * Data-parallel training (src/parallel): this forward's rows are rows
   * `start`… of a global batch of `total`. Dropout then draws the mask of the
   * whole global batch (every rank keeps the same generator state) and uses
   * these rows, so an image's mask does not depend on which rank runs it.
   */
  readonly rows?: RowRange;
}

export interface RowRange {
  readonly start: number;
  readonly total: number;
}

export interface Layer {
  readonly name: string;
  outputShape(input: Shape): Shape;
  /** Returns a buffer the layer owns; valid until its next forward. */
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  /**
   * Given dL/dy, fills the parameter gradients and returns dL/dx, written into
   * `dx` (a buffer of the input's size) or into `dy` itself for elementwise
   * layers; returns null when `dx` is null (the input needs no gradient).
   */
  backward(dy: Tensor, dx: Tensor | null): Tensor | null;
  params(): Param[];
}

/** A tensor on `device`, kept across calls and replaced only when the shape changes. */
export class Buffer {
  private t: Tensor | null = null;
  constructor(readonly device: Device = hostDevice) {}
  get(shape: Shape): Tensor {
    if (!this.t || this.t.shape.length !== shape.length || this.t.shape.some((d, i) => d !== shape[i])) this.t = this.device.zeros(shape);
    return this.t;
  }
}

export function param(name: string, kind: 'weight' | 'bias', shape: Shape, device: Device = hostDevice): Param {
  return { name, kind, value: device.zeros(shape), grad: device.zeros(shape) };
}
