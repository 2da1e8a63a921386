// The saturating nonlinearity f(x) = tanh(x) that §3.1 (Figure 1) compares
// ReLUs against: the same network trains several times slower with it.
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape } from './errors.js';
import { kernelsFor } from './registry.js';

export interface TanhKernels {
  /** y = tanh(x), elementwise over n values (y may alias x). */
  forward(n: number, x: Float32Array, y: Float32Array): void;
  /** dx = dy·(1 − y²). Uses the output, so the input need not be kept (dx may alias dy). */
  backward(n: number, y: Float32Array, dy: Float32Array, dx: Float32Array): void;
}

export function tanh(x: Tensor, out?: Tensor): Tensor {
  const y = out ?? Tensor.zeros(x.shape);
  if (y.size !== x.size) fail('tanh', `output ${formatShape(y.shape)} does not match input ${formatShape(x.shape)}`);
  kernelsFor('tanh').forward(x.size, x.data, y.data);
  return y;
}

/** dx may be `out` or dy itself (in place). */
export function tanhBackward(y: Tensor, dy: Tensor, out?: Tensor): Tensor {
  if (dy.size !== y.size) fail('tanh', `output gradient ${formatShape(dy.shape)} does not match output ${formatShape(y.shape)}`);
  if (out && out.size !== y.size) fail('tanh', `gradient buffer ${formatShape(out.shape)} does not match output ${formatShape(y.shape)}`);
  const dx = out ?? Tensor.zeros(y.shape);
  kernelsFor('tanh').backward(y.size, y.data, dy.data, dx.data);
  return dx;
}
