// §4 the 1000-way softmax over fc8's outputs.
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireRank } from './errors.js';
import { kernelsFor } from './registry.js';

export interface SoftmaxKernels {
  /** y[N,K] = exp(x − max) / Σ exp(x − max), row by row (stable for any finite logits). */
  forward(N: number, K: number, x: Float32Array, y: Float32Array): void;
  /** dx = y · (dy − Σ_k dy·y), row by row. */
  backward(N: number, K: number, y: Float32Array, dy: Float32Array, dx: Float32Array): void;
}

export function softmax(x: Tensor): Tensor {
  requireRank('softmax', 'input', x.shape, 2, '[batch, classes]');
  const y = Tensor.zeros(x.shape);
  kernelsFor('softmax').forward(x.shape[0], x.shape[1], x.data, y.data);
  return y;
}

export function softmaxBackward(y: Tensor, dy: Tensor): Tensor {
  requireRank('softmax', 'output', y.shape, 2, '[batch, classes]');
  if (dy.size !== y.size) fail('softmax', `output gradient ${formatShape(dy.shape)} does not match output ${formatShape(y.shape)}`);
  const dx = Tensor.zeros(y.shape);
  kernelsFor('softmax').backward(y.shape[0], y.shape[1], y.data, dy.data, dx.data);
  return dx;
}
