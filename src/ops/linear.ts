// §1 fully connected layers fc6–fc8: y = x·Wᵀ + b, weights in PyTorch's [out, in] layout.
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireRank } from './errors.js';
import { kernelsFor } from './registry.js';

/** N rows of I inputs to O outputs. */
export interface LinearGeometry {
  readonly N: number;
  readonly I: number;
  readonly O: number;
}

export interface LinearKernels {
  /** y[N,O] = x[N,I]·w[O,I]ᵀ + b[O], then max(0, ·) when `relu` (fused epilogue). */
  forward(g: LinearGeometry, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, relu: boolean): void;
  /** dx[N,I] = dy[N,O]·w[O,I] */
  backwardData(g: LinearGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void;
  /** dw[O,I] = dyᵀ·x, db[O] = Σ_n dy */
  backwardWeights(g: LinearGeometry, x: Float32Array, dy: Float32Array, dw: Float32Array, db: Float32Array | null): void;
}

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
  const y = options.out ?? Tensor.zeros([g.N, g.O]);
  if (y.size !== g.N * g.O) fail(OP, `output buffer ${formatShape(y.shape)} does not match [${g.N}, ${g.O}]`);
  kernelsFor('linear').forward(g, x.data, w.data, b ? b.data : null, y.data, options.relu ?? false);
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
  const k = kernelsFor('linear');
  const dx = options.needDx === false ? null : options.dx ?? Tensor.zeros(x.shape);
  const dw = options.dw ?? Tensor.zeros(w.shape);
  const db = options.withBias === false ? null : options.db ?? Tensor.zeros([g.O]);
  if (dx) k.backwardData(g, dy.data, w.data, dx.data);
  k.backwardWeights(g, x.data, dy.data, dw.data, db ? db.data : null);
  return { dx, dw, db };
}
