// §3.4 overlapping max pooling (z = 3, s = 2 in the paper).
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireNonNegativeInt, requirePositiveInt, requireRank } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import { deviceOf } from '../tensor/device.js';
import type { IndexArray } from '../tensor/tensor.js';
import type { HostMemory, Memory } from './memory.js';

export interface MaxPool2dAttrs {
  /** z: window side. */
  readonly kernel: number;
  /** s: step between windows; s < z overlaps. */
  readonly stride: number;
  /** Implicit −∞ border on every side. Default 0; at most kernel/2 (as in PyTorch). */
  readonly padding?: number;
  /** Output rounding: `floor` (default) or `ceil`. A ceil window must start inside the input or its left padding. */
  readonly rounding?: 'floor' | 'ceil';
}

export interface MaxPool2dGeometry {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly OH: number; readonly OW: number;
  readonly kernel: number; readonly stride: number; readonly padding: number;
}

/**
 * Ties: the first maximum in row-major order inside the window wins
 * (strictly greater replaces), as in PyTorch's CPU kernel and Caffe. In the
 * backward pass each output's gradient goes to that one input; an input
 * chosen by several overlapping windows receives the sum of their gradients.
 */
export interface MaxPool2dKernels<M extends Memory = HostMemory> {
  /**
   * y[N,C,OH,OW] = window maxima; argmax holds each maximum's index within its
   * input plane (h·W + w). argmax null: the values only, for inference (no
   * backward follows), with the same y bit for bit.
   */
  forward(g: MaxPool2dGeometry, x: M['f32'], y: M['f32'], argmax: M['i32'] | null): void;
  /** dx[N,C,H,W] = Σ of dy routed to argmax (dx is overwritten). */
  backward(g: MaxPool2dGeometry, dy: M['f32'], argmax: M['i32'], dx: M['f32']): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    maxpool2d: MaxPool2dKernels<M>;
  }
}
declareOp('maxpool2d');

const OP = 'maxpool2d';

function pooledSize(size: number, k: number, s: number, p: number, rounding: 'floor' | 'ceil'): number {
  const span = size + 2 * p - k;
  let out = 1 + (rounding === 'ceil' ? Math.ceil(span / s) : Math.floor(span / s));
  // A last window that would start in the right padding is dropped (PyTorch, Caffe).
  if (rounding === 'ceil' && (out - 1) * s >= size + p) out--;
  return out;
}

export function maxPool2dGeometry(shape: readonly number[], attrs: MaxPool2dAttrs): MaxPool2dGeometry {
  requireRank(OP, 'input', shape, 4, 'NCHW');
  const [N, C, H, W] = shape;
  const { kernel, stride } = attrs;
  const padding = attrs.padding ?? 0;
  const rounding = attrs.rounding ?? 'floor';
  requirePositiveInt(OP, 'kernel', kernel);
  requirePositiveInt(OP, 'stride', stride);
  requireNonNegativeInt(OP, 'padding', padding);
  if (rounding !== 'floor' && rounding !== 'ceil') fail(OP, `rounding must be 'floor' or 'ceil', got ${String(rounding)}`);
  if (2 * padding > kernel) fail(OP, `padding ${padding} must be at most half the kernel ${kernel}`);
  if (kernel > H + 2 * padding || kernel > W + 2 * padding) {
    fail(OP, `kernel ${kernel}×${kernel} is larger than the padded input ${H + 2 * padding}×${W + 2 * padding} (input ${formatShape(shape)}, padding ${padding})`);
  }
  return {
    N, C, H, W, kernel, stride, padding,
    OH: pooledSize(H, kernel, stride, padding, rounding),
    OW: pooledSize(W, kernel, stride, padding, rounding),
  };
}

export function maxPool2d(x: Tensor, attrs: MaxPool2dAttrs, out: { y?: Tensor; argmax?: IndexArray } = {}): { y: Tensor; argmax: IndexArray } {
  const g = maxPool2dGeometry(x.shape, attrs);
  const argmax = out.argmax ?? deviceOf(x).indices(g.N * g.C * g.OH * g.OW);
  return { y: runForward(g, x, out.y, argmax), argmax };
}

/** Inference: the window maxima only, no argmax kept (so no backward pass can follow); y as maxPool2d's, bit for bit. */
export function maxPool2dValues(x: Tensor, attrs: MaxPool2dAttrs, out?: Tensor): Tensor {
  return runForward(maxPool2dGeometry(x.shape, attrs), x, out, null);
}

function runForward(g: MaxPool2dGeometry, x: Tensor, out: Tensor | undefined, argmax: IndexArray | null): Tensor {
  const n = g.N * g.C * g.OH * g.OW;
  if ((out && out.size !== n) || (argmax && argmax.length !== n)) fail(OP, `output buffers do not match the output shape [${g.N}, ${g.C}, ${g.OH}, ${g.OW}]`);
  const y = out ?? deviceOf(x).zeros([g.N, g.C, g.OH, g.OW]);
  dispatch('maxpool2d', [x, y, argmax], (k, a) => k.forward(g, a.f(x), a.f(y), argmax && a.i(argmax)));
  return y;
}

export function maxPool2dBackward(xShape: readonly number[], argmax: IndexArray, dy: Tensor, attrs: MaxPool2dAttrs, out?: Tensor): Tensor {
  const g = maxPool2dGeometry(xShape, attrs);
  const expected = [g.N, g.C, g.OH, g.OW];
  if (dy.rank !== 4 || dy.shape.some((d, i) => d !== expected[i]) || argmax.length !== dy.size) {
    fail(OP, `output gradient ${formatShape(dy.shape)} (argmax of ${argmax.length}) does not match the output shape ${formatShape(expected)}`);
  }
  if (out && out.size !== g.N * g.C * g.H * g.W) fail(OP, `gradient buffer ${formatShape(out.shape)} does not match input ${formatShape(xShape)}`);
  const dx = out ?? deviceOf(dy).zeros(xShape);
  dispatch('maxpool2d', [dy, argmax, dx], (k, a) => k.backward(g, a.f(dy), a.i(argmax), a.f(dx)));
  return dx;
}
