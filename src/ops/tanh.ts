// The saturating nonlinearity f(x) = tanh(x) that §3.1 (Figure 1) compares
// ReLUs against: the same network trains several times slower with it.
import { Tensor } from '../tensor/tensor.js';
import { fail, formatShape } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import type { HostMemory, Memory } from './memory.js';
import { deviceOf } from '../tensor/device.js';

export interface TanhKernels<M extends Memory = HostMemory> {
  /** y = tanh(x), elementwise over n values (y may alias x). */
  forward(n: number, x: M['f32'], y: M['f32']): void;
  /** dx = dy·(1 − y²). Uses the output, so the input need not be kept (dx may alias dy). */
  backward(n: number, y: M['f32'], dy: M['f32'], dx: M['f32']): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    tanh: TanhKernels<M>;
  }
}
declareOp('tanh');

export function tanh(x: Tensor, out?: Tensor): Tensor {
  const y = out ?? deviceOf(x).zeros(x.shape);
  if (y.size !== x.size) fail('tanh', `output ${formatShape(y.shape)} does not match input ${formatShape(x.shape)}`);
  dispatch('tanh', [x, y], (k, a) => k.forward(x.size, a.f(x), a.f(y)));
  return y;
}

/** dx may be `out` or dy itself (in place). */
export function tanhBackward(y: Tensor, dy: Tensor, out?: Tensor): Tensor {
  if (dy.size !== y.size) fail('tanh', `output gradient ${formatShape(dy.shape)} does not match output ${formatShape(y.shape)}`);
  if (out && out.size !== y.size) fail('tanh', `gradient buffer ${formatShape(out.shape)} does not match output ${formatShape(y.shape)}`);
  const dx = out ?? deviceOf(y).zeros(y.shape);
  dispatch('tanh', [y, dy, dx], (k, a) => k.backward(y.size, a.f(y), a.f(dy), a.f(dx)));
  return dx;
}
