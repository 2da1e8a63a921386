// §3.1 ReLU nonlinearity f(x) = max(0, x).
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import { deviceOf } from '../tensor/device.js';
import type { HostMemory, Memory } from './memory.js';

export interface ReluKernels<M extends Memory = HostMemory> {
  /** y = max(0, x), elementwise over n values (y may alias x). */
  forward(n: number, x: M['f32'], y: M['f32']): void;
  /** dx = dy where y > 0, else 0. Uses the output, so the input need not be kept. */
  backward(n: number, y: M['f32'], dy: M['f32'], dx: M['f32']): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    relu: ReluKernels<M>;
  }
}
declareOp('relu');

export function relu(x: Tensor, out?: Tensor): Tensor {
  const y = out ?? deviceOf(x).zeros(x.shape);
  if (y.size !== x.size) fail('relu', `output ${formatShape(y.shape)} does not match input ${formatShape(x.shape)}`);
  dispatch('relu', [x, y], (k, a) => k.forward(x.size, a.f(x), a.f(y)));
  return y;
}

/** dx may be `out` or dy itself (in place). */
export function reluBackward(y: Tensor, dy: Tensor, out?: Tensor): Tensor {
  if (dy.size !== y.size) fail('relu', `output gradient ${formatShape(dy.shape)} does not match output ${formatShape(y.shape)}`);
  if (out && out.size !== y.size) fail('relu', `gradient buffer ${formatShape(out.shape)} does not match output ${formatShape(y.shape)}`);
  const dx = out ?? deviceOf(y).zeros(y.shape);
  dispatch('relu', [y, dy, dx], (k, a) => k.backward(y.size, a.f(y), a.f(dy), a.f(dx)));
  return dx;
}
