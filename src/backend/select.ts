// Registering the native kernels (the library's Node platform does, when it
// makes a network on them), and a process-wide host backend for scripts
// that run ops directly (the bench, tests): native when its addon loads,
// else the reference kernels with a one-line warning; ALEXNET_BACKEND
// forces one (native then fails loudly if the addon is missing).
import { registerKernels, setBackend, REFERENCE_BACKEND, type KernelSets, type OpName } from '../ops/registry.js';
import { loadAddon, type NativeAddon } from './native/addon.js';
import { nativeKernels, NATIVE_BACKEND } from './native/index.js';
import { setLargeBufferAdvisor } from '../tensor/host-memory.js';
import { WEBGPU_BACKEND } from './webgpu/device.js';
import './reference/index.js';

export { WEBGPU_BACKEND };

let nativeRegistered = false;

/** Registers the native kernels if the addon loads; returns the addon or why it did not load. */
export function registerNative(): NativeAddon | Error {
  const addon = loadAddon();
  if (!(addon instanceof Error) && !nativeRegistered) {
    const set = nativeKernels(addon);
    for (const op of Object.keys(set) as OpName[]) registerKernels(NATIVE_BACKEND, op, set[op] as KernelSets[typeof op]);
    // Large host buffers from here on get huge pages where Linux offers them (native/src/memory_advice.cpp).
    setLargeBufferAdvisor((buffer) => addon.adviseHugePages(buffer));
    nativeRegistered = true;
  }
  return addon;
}

export const BACKENDS = [NATIVE_BACKEND, REFERENCE_BACKEND, WEBGPU_BACKEND] as const;

/**
 * Picks the host kernels (native, else reference) and returns the backend
 * asked for: with `webgpu` the networks are built on a GPU device
 * (`openBackendDevice`) while host-side work keeps the native kernels.
 */
export function selectDefaultBackend(env: NodeJS.ProcessEnv = process.env, want: string | undefined = env.ALEXNET_BACKEND): string {
  if (want && !(BACKENDS as readonly string[]).includes(want)) {
    throw new Error(`backend '${want}' is not one of ${BACKENDS.join(', ')} (from ${env.ALEXNET_BACKEND === want ? 'ALEXNET_BACKEND' : '--backend'})`);
  }
  if (want === WEBGPU_BACKEND) {
    if (registerNative() instanceof Error) setBackend(REFERENCE_BACKEND);
    else setBackend(NATIVE_BACKEND);
    return WEBGPU_BACKEND;
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
