// §3.1 ReLU nonlinearity f(x) = max(0, x).
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape } from './errors.js';
import { kernelsFor } from './registry.js';

export interface ReluKernels {
  /** y = max(0, x), elementwise over n values (y may alias x). */
  forward(n: number, x: Float32Array, y: Float32Array): void;
  /** dx = dy where y > 0, else 0. Uses the output, so the input need not be kept. */
  backward(n: number, y: Float32Array, dy: Float32Array, dx: Float32Array): void;
}

export function relu(x: Tensor, out?: Tensor): Tensor {
  const y = out ?? Tensor.zeros(x.shape);
  if (y.size !== x.size) fail('relu', `output ${formatShape(y.shape)} does not match input ${formatShape(x.shape)}`);
  kernelsFor('relu').forward(x.size, x.data, y.data);
  return y;
}

/** dx may be `out` or dy itself (in place). */
export function reluBackward(y: Tensor, dy: Tensor, out?: Tensor): Tensor {
  if (dy.size !== y.size) fail('relu', `output gradient ${formatShape(dy.shape)} does not match output ${formatShape(y.shape)}`);
  if (out && out.size !== y.size) fail('relu', `gradient buffer ${formatShape(out.shape)} does not match output ${formatShape(y.shape)}`);
  const dx = out ?? Tensor.zeros(y.shape);
  kernelsFor('relu').backward(y.size, y.data, dy.data, dx.data);
  return dx;
}
