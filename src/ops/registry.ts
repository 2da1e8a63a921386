/**
 * Kernel dispatch by op name, one name per op (as TensorFlow.js dispatches).
 *
 * Each op file declares itself here: it adds its kernel interface to
 * `KernelSets` (declaration merging) and its name with `declareOp`, so an op
 * is one file and this module imports none of them. Backends register
 * kernel sets under the op names: host backends (the reference and native
 * kernels) one set each (`registerKernels`), device backends (WebGPU) a
 * factory that builds the set for each device they open
 * (`registerDeviceKernels`). Host tensors run on the active host backend's
 * kernels, or the reference kernels where it has none; device tensors run
 * on their device's. The reference kernels register themselves when
 * src/backend/reference is imported (the library's entries do).
 */
import type { DeviceMemory, HostMemory, Memory } from './memory.js';
import type { Tensor } from '../tensor/tensor.js';
import { isDeviceArray, type DeviceArray, type IndexArray } from '../tensor/tensor.js';
import type { Device } from '../tensor/device.js';
import { fail } from './errors.js';

/** Every op's kernel interface under its name; each op file adds its own entry. */
export interface KernelSets<M extends Memory = HostMemory> {}

export type OpName = keyof KernelSets;

const declaredOps: OpName[] = [];

/** Declares an op (called once by its file, src/ops/<op>.ts); returns the name. */
export function declareOp<K extends OpName>(op: K): K {
  if (!declaredOps.includes(op)) declaredOps.push(op);
  return op;
}

/** The ops declared so far (every op file the program imports). */
export function opNames(): readonly OpName[] {
  return declaredOps;
}

export const REFERENCE_BACKEND = 'reference';

type HostKernels = { [K in OpName]?: KernelSets[K] };
type DeviceKernelFactories = { [K in OpName]?: (device: Device) => KernelSets<DeviceMemory>[K] };

const hostBackends = new Map<string, HostKernels>();
const deviceBackends = new Map<string, DeviceKernelFactories>();
const deviceKernels = new WeakMap<Device, { [K in OpName]?: KernelSets<DeviceMemory>[K] }>();
let active = REFERENCE_BACKEND;

/** Registers a host backend's kernels for `op` (plain arrays in this process's memory). */
export function registerKernels<K extends OpName>(backend: string, op: K, kernels: KernelSets[K]): void {
  let set = hostBackends.get(backend);
  if (!set) hostBackends.set(backend, (set = {}));
  set[op] = kernels;
}

/**
 * Registers a device backend's kernels for `op`: `make` builds them for one
 * device of that backend (its pipelines, its buffers), once per device. The
 * backend's devices carry the backend's name (`Device.name`).
 */
export function registerDeviceKernels<K extends OpName, D extends Device>(backend: string, op: K, make: (device: D) => KernelSets<DeviceMemory>[K]): void {
  let set = deviceBackends.get(backend);
  if (!set) deviceBackends.set(backend, (set = {}));
  // The factory is only ever called with devices named `backend`, which that backend made.
  (set as Record<string, unknown>)[op] = make;
}

export function registeredBackends(): string[] {
  return [...new Set([...hostBackends.keys(), ...deviceBackends.keys()])];
}

/** The ops a backend implements itself (a host backend's other ops run on the reference kernels). */
export function backendOps(backend: string): OpName[] {
  const set: HostKernels | DeviceKernelFactories = hostBackends.get(backend) ?? deviceBackends.get(backend) ?? {};
  return declaredOps.filter((op) => set[op] !== undefined);
}

/** Makes a registered host backend the one host tensors run on. */
export function setBackend(name: string): void {
  if (!hostBackends.has(name)) {
    throw new Error(`Unknown host backend '${name}'. Registered: ${[...hostBackends.keys()].join(', ') || 'none (import the library, or src/backend/reference, first)'}`);
  }
  active = name;
}

export function activeBackend(): string {
  return active;
}

/** The kernels of host backend `backend` (default: the active one) for `op`, falling back to the reference. */
export function kernelsFor<K extends OpName>(op: K, backend: string = active): KernelSets[K] {
  const k = hostBackends.get(backend)?.[op] ?? hostBackends.get(REFERENCE_BACKEND)?.[op];
  if (!k) fail(op, `no kernels are registered for it: import the library (or src/backend/reference/index.js) before running ops`);
  return k as KernelSets[K];
}

/** The kernels of `device`'s backend for `op`, built for that device on first use. */
function deviceKernelsFor<K extends OpName>(op: K, device: Device): KernelSets<DeviceMemory>[K] {
  let built = deviceKernels.get(device);
  if (!built) deviceKernels.set(device, (built = {}));
  let k = built[op] as KernelSets<DeviceMemory>[K] | undefined;
  if (!k) {
    const make = deviceBackends.get(device.name)?.[op];
    if (!make) fail(op, `device ${device.name} has no kernels for it`);
    k = make(device) as KernelSets<DeviceMemory>[K];
    (built as Record<string, unknown>)[op] = k;
  }
  return k;
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

function deviceArrays(device: Device): Arrays<DeviceMemory> {
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
  return body(deviceKernelsFor(op, device), deviceArrays(device));
}
