// §1 fully connected layers fc6–fc8: y = x·Wᵀ + b, weights in PyTorch's [out, in] layout.
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireRank } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import { deviceOf } from '../tensor/device.js';
import type { HostMemory, Memory } from './memory.js';

/** N rows of I inputs to O outputs. */
export interface LinearGeometry {
  readonly N: number;
  readonly I: number;
  readonly O: number;
}

export interface LinearKernels<M extends Memory = HostMemory> {
  /** y[N,O] = x[N,I]·w[O,I]ᵀ + b[O], then max(0, ·) when `relu` (fused epilogue). */
  forward(g: LinearGeometry, x: M['f32'], w: M['f32'], b: M['f32'] | null, y: M['f32'], relu: boolean): void;
  /** dx[N,I] = dy[N,O]·w[O,I] */
  backwardData(g: LinearGeometry, dy: M['f32'], w: M['f32'], dx: M['f32']): void;
  /** dw[O,I] = dyᵀ·x, db[O] = Σ_n dy */
  backwardWeights(g: LinearGeometry, x: M['f32'], dy: M['f32'], dw: M['f32'], db: M['f32'] | null): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    linear: LinearKernels<M>;
  }
}
declareOp('linear');

const OP = 'linear';

export function linearGeometry(x: Tensor, w: Tensor, b: Tensor | null): LinearGeometry {
  requireRank(OP, 'input', x.shape, 2, '[batch, features]');
  requireRank(OP, 'weight', w.shape, 2, '[out, in]');
  const [N, I] = x.shape;
  const [O, I2] = w.shape;
  if (I !== I2) fail(OP, `input ${formatShape(x.shape)} has ${I} features but weight ${formatShape(w.shape)} expects ${I2}`);
  if (b && (b.rank !== 1 || b.shape[0] !== O)) fail(OP, `bias ${formatShape(b.shape)} must be [${O}] to match weight ${formatShape(w.shape)}`);
  return { N, I, O };
}

/** Forward; with `relu` the ReLU is fused into the output write. `out` reuses a buffer. */
export function linear(x: Tensor, w: Tensor, b: Tensor | null, options: { relu?: boolean; out?: Tensor } = {}): Tensor {
  const g = linearGeometry(x, w, b);
  const y = options.out ?? deviceOf(x).zeros([g.N, g.O]);
  if (y.size !== g.N * g.O) fail(OP, `output buffer ${formatShape(y.shape)} does not match [${g.N}, ${g.O}]`);
  dispatch('linear', [x, w, b, y], (k, a) => k.forward(g, a.f(x), a.f(w), b ? a.f(b) : null, a.f(y), options.relu ?? false));
  return y;
}

export interface LinearBackwardOptions {
  withBias?: boolean;
  needDx?: boolean;
  dx?: Tensor;
  dw?: Tensor;
  db?: Tensor;
}

export function linearBackward(x: Tensor, w: Tensor, dy: Tensor, options: LinearBackwardOptions = {}): { dx: Tensor | null; dw: Tensor; db: Tensor | null } {
  const g = linearGeometry(x, w, null);
  if (dy.rank !== 2 || dy.shape[0] !== g.N || dy.shape[1] !== g.O) {
    fail(OP, `output gradient ${formatShape(dy.shape)} does not match the output shape [${g.N}, ${g.O}]`);
  }
  for (const [what, t, size] of [['input gradient', options.dx, g.N * g.I], ['weight gradient', options.dw, g.O * g.I], ['bias gradient', options.db, g.O]] as const) {
    if (t && t.size !== size) fail(OP, `${what} buffer ${formatShape(t.shape)} holds ${t.size} values, needs ${size}`);
  }
  const dev = deviceOf(x);
  const dx = options.needDx === false ? null : options.dx ?? dev.zeros(x.shape);
  const dw = options.dw ?? dev.zeros(w.shape);
  const db = options.withBias === false ? null : options.db ?? dev.zeros([g.O]);
  dispatch('linear', [x, w, dy, dx, dw, db], (k, a) => {
    if (dx) k.backwardData(g, a.f(dy), a.f(w), a.f(dx));
    k.backwardWeights(g, a.f(x), a.f(dy), a.f(dw), db ? a.f(db) : null);
  });
  return { dx, dw, db };
}
