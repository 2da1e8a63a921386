// §4.2 dropout on the outputs of fc6 and fc7.
import { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import { fail, formatShape } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import { deviceOf } from '../tensor/device.js';
import type { HostMemory, Memory } from './memory.js';

/**
 * Where the 1/(1−p) expectation correction goes (docs/paper.md §2):
 * - `paper`: training zeroes units and leaves the rest as they are; at test
 *   time every output is multiplied by (1 − p) (the paper's "multiply by 0.5").
 * - `inverted`: training scales kept units by 1/(1 − p); test time is the identity.
 */
export type DropoutScaling = 'paper' | 'inverted';

export interface DropoutAttrs {
  /** Probability of zeroing a unit (the paper's 0.5). Named so it cannot be mistaken for a keep probability. */
  readonly dropProbability: number;
  readonly scaling: DropoutScaling;
}

export interface DropoutKernels<M extends Memory = HostMemory> {
  /** y = x · mask · scale (mask null: all ones). Used for forward and, on gradients, backward. */
  apply(n: number, x: M['f32'], mask: M['f32'] | null, scale: number, y: M['f32']): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    dropout: DropoutKernels<M>;
  }
}
declareOp('dropout');

const OP = 'dropout';

function check(attrs: DropoutAttrs): void {
  const p = attrs.dropProbability;
  if (!(p >= 0 && p < 1)) fail(OP, `dropProbability must be in [0, 1), got ${p}`);
  if (attrs.scaling !== 'paper' && attrs.scaling !== 'inverted') fail(OP, `scaling must be 'paper' or 'inverted', got ${String(attrs.scaling)}`);
}

/** The factor applied to kept units while training, and to every unit at test time. */
export function dropoutScale(attrs: DropoutAttrs, training: boolean): number {
  check(attrs);
  const keep = 1 - attrs.dropProbability;
  if (training) return attrs.scaling === 'inverted' ? 1 / keep : 1;
  return attrs.scaling === 'paper' ? keep : 1;
}

/** A keep-mask of 1s (probability 1 − p) and 0s drawn from `rng`. */
export function dropoutMask(shape: readonly number[], attrs: DropoutAttrs, rng: Rng): Tensor {
  check(attrs);
  const mask = Tensor.zeros(shape);
  rng.fillBernoulli(mask.data, 1 - attrs.dropProbability);
  return mask;
}

/** Training (mask given) or test (mask null) forward; `out` may be x itself (in place). */
export function dropout(x: Tensor, mask: Tensor | null, attrs: DropoutAttrs, out?: Tensor): Tensor {
  if (mask && mask.size !== x.size) fail(OP, `mask ${formatShape(mask.shape)} does not match input ${formatShape(x.shape)}`);
  if (out && out.size !== x.size) fail(OP, `output buffer ${formatShape(out.shape)} does not match input ${formatShape(x.shape)}`);
  const y = out ?? deviceOf(x).zeros(x.shape);
  const scale = dropoutScale(attrs, mask !== null);
  dispatch('dropout', [x, mask, y], (k, a) => k.apply(x.size, a.f(x), mask ? a.f(mask) : null, scale, a.f(y)));
  return y;
}

export function dropoutBackward(dy: Tensor, mask: Tensor | null, attrs: DropoutAttrs, out?: Tensor): Tensor {
  return dropout(dy, mask, attrs, out);
}
