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
import type { TopKKernels } from './topk.js';
import type { RenderViewsKernels } from './render-views.js';
import { referenceKernels } from '../backend/reference/index.js';
import type { DeviceMemory, HostMemory, Memory } from './memory.js';
import type { Tensor } from '../tensor/tensor.js';
import { isDeviceArray, type DeviceArray, type IndexArray } from '../tensor/storage.js';
import type { Device } from '../tensor/device.js';
import { fail } from './errors.js';

export interface KernelSets<M extends Memory = HostMemory> {
  conv2d: Conv2dKernels<M>;
  linear: LinearKernels<M>;
  relu: ReluKernels<M>;
  tanh: TanhKernels<M>;
  lrn: LrnKernels<M>;
  maxpool2d: MaxPool2dKernels<M>;
  dropout: DropoutKernels<M>;
  softmax: SoftmaxKernels<M>;
  crossEntropy: CrossEntropyKernels<M>;
  sgd: SgdKernels<M>;
  topk: TopKKernels<M>;
  renderViews: RenderViewsKernels<M>;
}

export type OpName = keyof KernelSets;
export const OP_NAMES: readonly OpName[] = ['conv2d', 'linear', 'relu', 'tanh', 'lrn', 'maxpool2d', 'dropout', 'softmax', 'crossEntropy', 'sgd', 'topk', 'renderViews'];

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

/** A device that runs its own kernels on its own arrays (the WebGPU backend). */
export interface KernelDevice extends Device {
  readonly kernels: KernelSets<DeviceMemory>;
}

/** How an op body reaches the arrays of its tensors in the memory of the chosen kernels. */
export interface Arrays<M extends Memory> {
  f(t: Tensor): M['f32'];
  i(a: IndexArray): M['i32'];
  u8(a: Uint8Array | DeviceArray): M['u8'];
}

const hostArrays: Arrays<HostMemory> = {
  f: (t) => t.data,
  i: (a) => {
    if (isDeviceArray(a)) throw new Error('index array lives on a device but the tensors are on the host');
    return a;
  },
  u8: (a) => {
    if (isDeviceArray(a)) throw new Error('a byte array lives on a device but the tensors are on the host');
    return a;
  },
};

function deviceArrays(device: KernelDevice): Arrays<DeviceMemory> {
  const own = (a: DeviceArray): DeviceArray => {
    if (a.device !== device) throw new Error(`array lives on ${a.device.name}, not on ${device.name}`);
    return a;
  };
  return {
    f: (t) => {
      const d = t.deviceArray;
      if (!d) throw new Error(`${t.toString()} is on the host but the op runs on ${device.name}`);
      return own(d);
    },
    i: (a) => {
      if (!isDeviceArray(a)) throw new Error(`an index array is on the host but the op runs on ${device.name}`);
      return own(a);
    },
    u8: (a) => {
      if (!isDeviceArray(a)) throw new Error(`a byte array is on the host but the op runs on ${device.name}`);
      return own(a);
    },
  };
}

/**
 * Runs an op's kernels where its tensors live: the active host backend's
 * kernels for host tensors, the device's own kernels for device tensors.
 * `operands` are every tensor and index array the op touches; mixing host
 * and device operands (or two devices) is an error that names the op.
 */
export function dispatch<K extends OpName, R>(
  op: K,
  operands: readonly (Tensor | IndexArray | Uint8Array | null | undefined)[],
  body: <M extends Memory>(k: KernelSets<M>[K], a: Arrays<M>) => R,
): R {
  let device: Device | null = null;
  let host = false;
  for (const o of operands) {
    if (!o) continue;
    const d = isDeviceArray(o) ? o : 'shape' in o ? o.deviceArray : null;
    if (!d) host = true;
    else if (device && device !== d.device) fail(op, `operands live on two devices (${device.name} and ${d.device.name})`);
    else device = d.device;
  }
  if (device && host) fail(op, `some operands are on ${device.name} and some on the host; move them to one device (toDevice / Device.read)`);
  if (!device) return body(kernelsFor(op), hostArrays);
  const kd = device as KernelDevice;
  if (!kd.kernels) fail(op, `device ${device.name} has no kernels`);
  return body(kd.kernels[op], deviceArrays(kd));
}
