// §1 convolution: stride, per-side padding, groups (the paper's two columns)
// and cuda-convnet's "overhang" output rule.
import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { fail, formatShape, requireNonNegativeInt, requirePositiveInt, requireRank } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import { deviceOf } from '../tensor/device.js';
import type { HostMemory, Memory } from './memory.js';

/**
 * How the output size is rounded when the kernel does not tile the padded
 * input exactly.
 * - `floor`: PyTorch/Caffe, out = 1 + floor((H + pads − K) / stride).
 * - `overhang`: cuda-convnet (Krizhevsky's code), out = 1 + ceil((H + pads − K) / stride);
 *   taps that fall past the bottom/right edge read zeros. With 224 input,
 *   11×11 kernels and stride 4 this gives the paper's 55×55 (docs/paper.md §1).
 */
export type ConvOutputRule = 'floor' | 'overhang';

export interface Conv2dAttrs {
  /** One value for both axes, or [strideH, strideW]. Default 1. */
  readonly stride?: number | readonly [number, number];
  /** One value for all sides, [padH, padW], or per side [top, bottom, left, right]. Default 0. */
  readonly padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Channel groups: 2 for a layer that sees only its own column's maps. Default 1. */
  readonly groups?: number;
  readonly outputRule?: ConvOutputRule;
}

/** Every size a conv kernel needs, resolved and validated. Layout NCHW, weights [O, C/groups, KH, KW]. */
export interface Conv2dGeometry {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly O: number; readonly KH: number; readonly KW: number;
  readonly OH: number; readonly OW: number;
  readonly strideH: number; readonly strideW: number;
  /** Zeros before the first row / column. */
  readonly padTop: number; readonly padLeft: number;
  /** Zeros after the last row / column, including the overhang. */
  readonly padBottom: number; readonly padRight: number;
  readonly groups: number;
}

/** Kernels write (never accumulate into) their outputs. */
export interface Conv2dKernels<M extends Memory = HostMemory> {
  /** y[N,O,OH,OW] = conv(x[N,C,H,W], w[O,C/g,KH,KW]) + b[O], then max(0, ·) when `relu` (fused epilogue). */
  forward(g: Conv2dGeometry, x: M['f32'], w: M['f32'], b: M['f32'] | null, y: M['f32'], relu: boolean): void;
  /** dx[N,C,H,W] from dy[N,O,OH,OW] and w */
  backwardData(g: Conv2dGeometry, dy: M['f32'], w: M['f32'], dx: M['f32']): void;
  /** dw[O,C/g,KH,KW] and db[O] from x and dy */
  backwardWeights(g: Conv2dGeometry, x: M['f32'], dy: M['f32'], dw: M['f32'], db: M['f32'] | null): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    conv2d: Conv2dKernels<M>;
  }
}
declareOp('conv2d');

const OP = 'conv2d';

function pair(v: number | readonly [number, number] | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  return [v[0], v[1]];
}

function sides(p: Conv2dAttrs['padding']): [number, number, number, number] {
  if (p === undefined) return [0, 0, 0, 0];
  if (typeof p === 'number') return [p, p, p, p];
  if (p.length === 2) return [p[0], p[0], p[1], p[1]];
  if (p.length === 4) return [p[0], p[1], p[2], p[3]];
  return fail(OP, `padding must be a number, [padH, padW] or [top, bottom, left, right], got ${JSON.stringify(p)}`);
}

/** Output length along one axis; the caller has checked that the kernel fits. */
function outSize(size: number, padBefore: number, padAfter: number, k: number, s: number, rule: ConvOutputRule): number {
  const span = size + padBefore + padAfter - k;
  return 1 + (rule === 'overhang' ? Math.ceil(span / s) : Math.floor(span / s));
}

export function conv2dGeometry(xShape: Shape, wShape: Shape, attrs: Conv2dAttrs = {}): Conv2dGeometry {
  requireRank(OP, 'input', xShape, 4, 'NCHW');
  requireRank(OP, 'weight', wShape, 4, '[out, in/groups, kH, kW]');
  const [N, C, H, W] = xShape;
  const [O, CperG, KH, KW] = wShape;
  const [strideH, strideW] = pair(attrs.stride, 1);
  const [padTop, padBottom0, padLeft, padRight0] = sides(attrs.padding);
  const groups = attrs.groups ?? 1;
  const rule = attrs.outputRule ?? 'floor';
  requirePositiveInt(OP, 'stride', strideH);
  requirePositiveInt(OP, 'stride', strideW);
  for (const p of [padTop, padBottom0, padLeft, padRight0]) requireNonNegativeInt(OP, 'padding', p);
  requirePositiveInt(OP, 'groups', groups);
  if (rule !== 'floor' && rule !== 'overhang') fail(OP, `outputRule must be 'floor' or 'overhang', got ${String(rule)}`);
  if (C % groups !== 0) fail(OP, `groups=${groups} does not divide the input's ${C} channels (input ${formatShape(xShape)})`);
  if (O % groups !== 0) fail(OP, `groups=${groups} does not divide the weight's ${O} output channels (weight ${formatShape(wShape)})`);
  if (CperG * groups !== C) {
    fail(OP, `input ${formatShape(xShape)} has ${C} channels but weight ${formatShape(wShape)} expects ${CperG} per group × ${groups} group(s) = ${CperG * groups}`);
  }
  if (KH === 0 || KW === 0 || O === 0) fail(OP, `weight ${formatShape(wShape)} has an empty dimension`);
  const where = `(input ${formatShape(xShape)}, weight ${formatShape(wShape)})`;
  const tooBig = (axis: string, k: number, n: number, a: number, b: number) =>
    fail(OP, `kernel ${axis} ${k} is larger than the padded input ${axis} ${n}+${a}+${b} ${where}`);
  if (KH > H + padTop + padBottom0) tooBig('height', KH, H, padTop, padBottom0);
  if (KW > W + padLeft + padRight0) tooBig('width', KW, W, padLeft, padRight0);
  const OH = outSize(H, padTop, padBottom0, KH, strideH, rule);
  const OW = outSize(W, padLeft, padRight0, KW, strideW, rule);
  // The overhang becomes explicit zero padding after the last row/column.
  const padBottom = Math.max(padBottom0, (OH - 1) * strideH + KH - H - padTop);
  const padRight = Math.max(padRight0, (OW - 1) * strideW + KW - W - padLeft);
  return { N, C, H, W, O, KH, KW, OH, OW, strideH, strideW, padTop, padLeft, padBottom, padRight, groups };
}

export function conv2dOutputShape(g: Conv2dGeometry): [number, number, number, number] {
  return [g.N, g.O, g.OH, g.OW];
}

function checkBias(b: Tensor | null, O: number, wShape: Shape): void {
  if (b && (b.rank !== 1 || b.shape[0] !== O)) fail(OP, `bias ${formatShape(b.shape)} must be [${O}] to match weight ${formatShape(wShape)}`);
}

/** Forward; with `relu` the ReLU (§3.1) is fused into the output write. `out` reuses a buffer. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, attrs: Conv2dAttrs = {}, options: { relu?: boolean; out?: Tensor } = {}): Tensor {
  const g = conv2dGeometry(x.shape, w.shape, attrs);
  checkBias(b, g.O, w.shape);
  const shape = conv2dOutputShape(g);
  const y = options.out ?? deviceOf(x).zeros(shape);
  if (y.size !== shape.reduce((a, d) => a * d, 1)) fail(OP, `output buffer ${formatShape(y.shape)} does not match ${formatShape(shape)}`);
  dispatch('conv2d', [x, w, b, y], (k, a) => k.forward(g, a.f(x), a.f(w), b ? a.f(b) : null, a.f(y), options.relu ?? false));
  return y;
}

export interface Conv2dGrads {
  /** null when not requested (a first layer's input gradient is never needed). */
  dx: Tensor | null;
  dw: Tensor;
  db: Tensor | null;
}

export interface Conv2dBackwardOptions {
  /** Compute the bias gradient (default true). */
  withBias?: boolean;
  /** Compute the input gradient (default true). */
  needDx?: boolean;
  /** Buffers to write into instead of allocating. */
  dx?: Tensor;
  dw?: Tensor;
  db?: Tensor;
}

function checkOut(what: string, t: Tensor | undefined, size: number, shape: readonly number[]): void {
  if (t && t.size !== size) fail(OP, `${what} buffer ${formatShape(t.shape)} does not match ${formatShape(shape)}`);
}

export function conv2dBackward(x: Tensor, w: Tensor, dy: Tensor, attrs: Conv2dAttrs = {}, options: Conv2dBackwardOptions = {}): Conv2dGrads {
  const g = conv2dGeometry(x.shape, w.shape, attrs);
  const expected = conv2dOutputShape(g);
  if (dy.rank !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    fail(OP, `output gradient ${formatShape(dy.shape)} does not match the output shape ${formatShape(expected)}`);
  }
  checkOut('input gradient', options.dx, x.size, x.shape);
  checkOut('weight gradient', options.dw, w.size, w.shape);
  checkOut('bias gradient', options.db, g.O, [g.O]);
  const dev = deviceOf(x);
  const dx = options.needDx === false ? null : options.dx ?? dev.zeros(x.shape);
  const dw = options.dw ?? dev.zeros(w.shape);
  const db = options.withBias === false ? null : options.db ?? dev.zeros([g.O]);
  dispatch('conv2d', [x, w, dy, dx, dw, db], (k, a) => {
    if (dx) k.backwardData(g, a.f(dy), a.f(w), a.f(dx));
    k.backwardWeights(g, a.f(x), a.f(dy), a.f(dw), db ? a.f(db) : null);
  });
  return { dx, dw, db };
}
