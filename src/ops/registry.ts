/**
 * Kernel dispatch by op name (STYLE.md: one name per op, TensorFlow.js-style).
 *
 * Every op has a readable reference kernel set in plain TypeScript
 * (`src/backend/reference`). A faster backend registers kernel sets under
 * the same op names; `kernelsFor(op)` returns the active backend's set, or
 * the reference set where that backend has none. Tests compare each
 * registered set with the reference.
 */
import type { Conv2dKernels } from './conv2d.js';
import type { LinearKernels } from './linear.js';
import type { ReluKernels } from './relu.js';
import type { TanhKernels } from './tanh.js';
import type { LrnKernels } from './lrn.js';
import type { MaxPool2dKernels } from './maxpool2d.js';
import type { DropoutKernels } from './dropout.js';
import type { SoftmaxKernels } from './softmax.js';
import type { CrossEntropyKernels } from './crossentropy.js';
import type { SgdKernels } from './sgd.js';
import { referenceKernels } from '../backend/reference/index.js';

export interface KernelSets {
  conv2d: Conv2dKernels;
  linear: LinearKernels;
  relu: ReluKernels;
  tanh: TanhKernels;
  lrn: LrnKernels;
  maxpool2d: MaxPool2dKernels;
  dropout: DropoutKernels;
  softmax: SoftmaxKernels;
  crossEntropy: CrossEntropyKernels;
  sgd: SgdKernels;
}

export type OpName = keyof KernelSets;
export const OP_NAMES: readonly OpName[] = ['conv2d', 'linear', 'relu', 'tanh', 'lrn', 'maxpool2d', 'dropout', 'softmax', 'crossEntropy', 'sgd'];

export const REFERENCE_BACKEND = 'reference';

const backends = new Map<string, Partial<KernelSets>>([[REFERENCE_BACKEND, referenceKernels]]);
let active = REFERENCE_BACKEND;

export function registerKernels<K extends OpName>(backend: string, op: K, kernels: KernelSets[K]): void {
  let set = backends.get(backend);
  if (!set) backends.set(backend, (set = {}));
  set[op] = kernels;
}

export function registeredBackends(): string[] {
  return [...backends.keys()];
}

/** The ops a backend implements itself (the rest fall back to the reference). */
export function backendOps(backend: string): OpName[] {
  const set = backends.get(backend);
  return set ? OP_NAMES.filter((op) => set[op] !== undefined) : [];
}

export function setBackend(name: string): void {
  if (!backends.has(name)) {
    throw new Error(`Unknown backend '${name}'. Registered backends: ${registeredBackends().join(', ')}`);
  }
  active = name;
}

export function activeBackend(): string {
  return active;
}

/** The kernels of `backend` (default: the active one) for `op`, falling back to the reference. */
export function kernelsFor<K extends OpName>(op: K, backend: string = active): KernelSets[K] {
  const set = backends.get(backend);
  return (set?.[op] ?? referenceKernels[op]) as KernelSets[K];
}
