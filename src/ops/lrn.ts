// §3.3 local response normalisation across channels:
//   b_i = a_i / (k + α' Σ_{j ∈ window(i)} a_j²)^β
// with the window of `size` channels centred on i, clipped at the edges of i's
// channel group (the paper normalises within each column).
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireFinite, requirePositiveInt, requireRank } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import { deviceOf } from '../tensor/device.js';
import type { HostMemory, Memory } from './memory.js';

/**
 * What α multiplies (docs/paper.md §2, §7):
 * - `perSum`: α multiplies the sum of squares, as in the paper's formula and TensorFlow.
 * - `dividedByN`: α/size multiplies it, as in PyTorch, Caffe, ONNX and cuda-convnet.
 */
export type LrnAlphaConvention = 'perSum' | 'dividedByN';

export interface LrnAttrs {
  /** n: channels in the window. The window of channel i is [i − ⌊n/2⌋, i + ⌊(n−1)/2⌋] (symmetric for odd n). */
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  readonly alphaConvention: LrnAlphaConvention;
  /** Channel groups the window may not cross: 2 for the paper's per-column LRN, 1 for all channels. Default 1. */
  readonly groups?: number;
}

export interface LrnGeometry {
  readonly N: number;
  readonly C: number;
  /** H·W: pixels per channel plane. */
  readonly HW: number;
  readonly size: number;
  /** The factor applied to the sum of squares, after the convention: α or α/size. */
  readonly alphaEff: number;
  readonly beta: number;
  readonly k: number;
  readonly groups: number;
}

export interface LrnKernels<M extends Memory = HostMemory> {
  /** y = x · scale^−β with scale = k + alphaEff·Σ x² over the window; `scale` is kept for the backward pass. */
  forward(g: LrnGeometry, x: M['f32'], y: M['f32'], scale: M['f32']): void;
  /** dx_m = dy_m·scale_m^−β − 2·alphaEff·β·x_m·Σ_{i: m ∈ window(i)} dy_i·y_i / scale_i */
  backward(g: LrnGeometry, x: M['f32'], y: M['f32'], scale: M['f32'], dy: M['f32'], dx: M['f32']): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    lrn: LrnKernels<M>;
  }
}
declareOp('lrn');

const OP = 'lrn';

export function lrnGeometry(shape: readonly number[], attrs: LrnAttrs): LrnGeometry {
  requireRank(OP, 'input', shape, 4, 'NCHW');
  const [N, C, H, W] = shape;
  const groups = attrs.groups ?? 1;
  requirePositiveInt(OP, 'size', attrs.size);
  requirePositiveInt(OP, 'groups', groups);
  requireFinite(OP, 'alpha', attrs.alpha);
  requireFinite(OP, 'beta', attrs.beta);
  requireFinite(OP, 'k', attrs.k);
  if (attrs.alphaConvention !== 'perSum' && attrs.alphaConvention !== 'dividedByN') {
    fail(OP, `alphaConvention must be 'perSum' or 'dividedByN', got ${String(attrs.alphaConvention)}`);
  }
  if (C % groups !== 0) fail(OP, `groups=${groups} does not divide the ${C} channels of input ${formatShape(shape)}`);
  const alphaEff = attrs.alphaConvention === 'perSum' ? attrs.alpha : attrs.alpha / attrs.size;
  return { N, C, HW: H * W, size: attrs.size, alphaEff, beta: attrs.beta, k: attrs.k, groups };
}

/** Forward; returns the output and the scale the backward pass needs. */
export function lrn(x: Tensor, attrs: LrnAttrs, out: { y?: Tensor; scale?: Tensor } = {}): { y: Tensor; scale: Tensor } {
  const g = lrnGeometry(x.shape, attrs);
  for (const t of [out.y, out.scale]) if (t && t.size !== x.size) fail(OP, `buffer ${formatShape(t.shape)} does not match input ${formatShape(x.shape)}`);
  const y = out.y ?? deviceOf(x).zeros(x.shape);
  const scale = out.scale ?? deviceOf(x).zeros(x.shape);
  dispatch('lrn', [x, y, scale], (k, a) => k.forward(g, a.f(x), a.f(y), a.f(scale)));
  return { y, scale };
}

export function lrnBackward(x: Tensor, y: Tensor, scale: Tensor, dy: Tensor, attrs: LrnAttrs, out?: Tensor): Tensor {
  const g = lrnGeometry(x.shape, attrs);
  for (const [name, t] of [['output', y], ['scale', scale], ['output gradient', dy], ['gradient buffer', out]] as const) {
    if (t && t.size !== x.size) fail(OP, `${name} ${formatShape(t.shape)} does not match input ${formatShape(x.shape)}`);
  }
  const dx = out ?? deviceOf(x).zeros(x.shape);
  dispatch('lrn', [x, y, scale, dy, dx], (k, a) => k.backward(g, a.f(x), a.f(y), a.f(scale), a.f(dy), a.f(dx)));
  return dx;
}
