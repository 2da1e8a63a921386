// Chooses the backend at start-up: native when its addon loads, else the
// reference kernels with a one-line warning. ALEXNET_BACKEND=reference|native
// forces one (native then fails loudly if the addon is missing).
import { registerKernels, setBackend, REFERENCE_BACKEND, type KernelSets, type OpName } from '../ops/registry.js';
import { loadAddon, type NativeAddon } from './native/addon.js';
import { nativeKernels, NATIVE_BACKEND } from './native/index.js';

let nativeRegistered = false;

/** Registers the native kernels if the addon loads; returns the addon or why it did not load. */
export function registerNative(): NativeAddon | Error {
  const addon = loadAddon();
  if (!(addon instanceof Error) && !nativeRegistered) {
    const set = nativeKernels(addon);
    for (const op of Object.keys(set) as OpName[]) registerKernels(NATIVE_BACKEND, op, set[op] as KernelSets[typeof op]);
    nativeRegistered = true;
  }
  return addon;
}

export function selectDefaultBackend(env: NodeJS.ProcessEnv = process.env): string {
  const want = env.ALEXNET_BACKEND;
  if (want && want !== REFERENCE_BACKEND && want !== NATIVE_BACKEND) {
    throw new Error(`ALEXNET_BACKEND='${want}' is not a backend; use '${REFERENCE_BACKEND}' or '${NATIVE_BACKEND}'`);
  }
  if (want === REFERENCE_BACKEND) {
    setBackend(REFERENCE_BACKEND);
    return REFERENCE_BACKEND;
  }
  const addon = registerNative();
  if (addon instanceof Error) {
    if (want === NATIVE_BACKEND) throw new Error(`ALEXNET_BACKEND=native but the native addon is unavailable: ${addon.message}`);
    process.stderr.write(`alexnet-ts: native kernels unavailable, using the slow reference kernels (${addon.message})\n`);
    setBackend(REFERENCE_BACKEND);
    return REFERENCE_BACKEND;
  }
  setBackend(NATIVE_BACKEND);
  return NATIVE_BACKEND;
}
