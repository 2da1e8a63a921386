// §4 the 1000-way softmax over fc8's outputs.
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireRank } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import { deviceOf } from '../tensor/device.js';
import type { HostMemory, Memory } from './memory.js';

export interface SoftmaxKernels<M extends Memory = HostMemory> {
  /** y[N,K] = exp(x − max) / Σ exp(x − max), row by row (stable for any finite logits). */
  forward(N: number, K: number, x: M['f32'], y: M['f32']): void;
  /** dx = y · (dy − Σ_k dy·y), row by row. */
  backward(N: number, K: number, y: M['f32'], dy: M['f32'], dx: M['f32']): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    softmax: SoftmaxKernels<M>;
  }
}
declareOp('softmax');

/** `out` (same size, same device) receives the probabilities when given, so a caller can reuse it. */
export function softmax(x: Tensor, out?: Tensor): Tensor {
  requireRank('softmax', 'input', x.shape, 2, '[batch, classes]');
  if (out && out.size !== x.size) fail('softmax', `output buffer ${formatShape(out.shape)} does not match input ${formatShape(x.shape)}`);
  const y = out ?? deviceOf(x).zeros(x.shape);
  dispatch('softmax', [x, y], (k, a) => k.forward(x.shape[0], x.shape[1], a.f(x), a.f(y)));
  return y;
}

export function softmaxBackward(y: Tensor, dy: Tensor): Tensor {
  requireRank('softmax', 'output', y.shape, 2, '[batch, classes]');
  if (dy.size !== y.size) fail('softmax', `output gradient ${formatShape(dy.shape)} does not match output ${formatShape(y.shape)}`);
  const dx = deviceOf(y).zeros(y.shape);
  dispatch('softmax', [y, dy, dx], (k, a) => k.backward(y.shape[0], y.shape[1], a.f(y), a.f(dy), a.f(dx)));
  return dx;
}
