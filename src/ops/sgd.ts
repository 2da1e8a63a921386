// §5 (docs/paper.md §4) the SGD update with momentum and weight decay, in place.
import type { Tensor } from '../tensor/tensor.js';
import { fail, formatShape, requireFinite } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import type { HostMemory, Memory } from './memory.js';

/**
 * - `paper`: v ← μ·v − λ·ε·w − ε·g;  w ← w + v  (learning rate inside the velocity)
 * - `pytorch`: v ← μ·v + g + λ·w;  w ← w − ε·v  (torch.optim.SGD)
 * They agree while ε is constant and differ right after a learning-rate drop.
 */
export type MomentumForm = 'paper' | 'pytorch';

export interface SgdStep {
  /** ε */
  readonly learningRate: number;
  /** μ */
  readonly momentum: number;
  /** λ */
  readonly weightDecay: number;
  readonly form: MomentumForm;
}

export interface SgdKernels<M extends Memory = HostMemory> {
  /** Updates w and v (n values each) in place from the gradient g. */
  update(n: number, w: M['f32'], v: M['f32'], g: M['f32'], step: SgdStep): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    sgd: SgdKernels<M>;
  }
}
declareOp('sgd');

export function sgdUpdate(w: Tensor, v: Tensor, g: Tensor, step: SgdStep): void {
  if (v.size !== w.size || g.size !== w.size) {
    fail('sgdUpdate', `weight ${formatShape(w.shape)}, velocity ${formatShape(v.shape)} and gradient ${formatShape(g.shape)} must match`);
  }
  requireFinite('sgdUpdate', 'learningRate', step.learningRate);
  requireFinite('sgdUpdate', 'momentum', step.momentum);
  requireFinite('sgdUpdate', 'weightDecay', step.weightDecay);
  if (step.form !== 'paper' && step.form !== 'pytorch') fail('sgdUpdate', `form must be 'paper' or 'pytorch', got ${String(step.form)}`);
  dispatch('sgd', [w, v, g], (k, a) => k.update(w.size, a.f(w), a.f(v), a.f(g), step));
}
