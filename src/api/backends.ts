// What this Node process can run on: the native kernels (instruction set,
// micro-kernel, threads) or why not, the ops each host backend implements,
// MPI for data-parallel training, and the WebGPU adapter or exactly why
// there is none. `alexnet backends` prints it.
import { backendOps, registeredBackends } from '../ops/registry.js';
import { registerNative } from '../backend/select.js';
import { loadMpi } from '../parallel/mpi.js';
import type { AdapterReport } from '../backend/webgpu/adapter-report.js';

export type Availability<T> = ({ readonly available: true } & T) | { readonly available: false; readonly reason: string };

export interface BackendReport {
  /** The host kernels a network gets by default here: ALEXNET_BACKEND's if it names one, else native when it loads. */
  readonly defaultHost: 'native' | 'reference';
  readonly native: Availability<{ readonly isa: string; readonly detectedIsa: string; readonly microKernel: string; readonly threads: number }>;
  /** The ops each host backend implements itself (the rest fall back to the reference kernels). */
  readonly ops: Readonly<Record<string, readonly string[]>>;
  readonly mpi: Availability<object>;
  readonly webgpu: Availability<AdapterReport>;
}

/** Probes every backend (opening a WebGPU adapter, not a device). */
export async function backendReport(): Promise<BackendReport> {
  const addon = registerNative();
  const env = process.env.ALEXNET_BACKEND;
  const defaultHost = env === 'reference' || addon instanceof Error ? 'reference' : 'native';
  const native: BackendReport['native'] = addon instanceof Error
    ? { available: false, reason: addon.message }
    : { available: true, ...(({ isa, detectedIsa, microKernel, threads }) => ({ isa, detectedIsa, microKernel, threads }))(addon.info()) };
  const ops: Record<string, string[]> = {};
  for (const b of registeredBackends()) ops[b] = backendOps(b);
  // Loading the addon does not initialise MPI, so this works outside mpirun too.
  const m = loadMpi();
  const mpi: BackendReport['mpi'] = m instanceof Error ? { available: false, reason: m.message } : { available: true };
  let webgpu: BackendReport['webgpu'];
  try {
    const { describeAdapter } = await import('../backend/webgpu/gpu.js');
    webgpu = { available: true, ...(await describeAdapter()) };
  } catch (e) {
    webgpu = { available: false, reason: (e as Error).message };
  }
  return { defaultHost, native, ops, mpi, webgpu };
}

export type { AdapterReport } from '../backend/webgpu/adapter-report.js';

/** Closes the shared WebGPU device, if one was opened (Dawn keeps Node running while a device lives). */
export async function releaseWebGpuDevice(): Promise<void> {
  const { closeSharedWebGpuDevice } = await import('../backend/webgpu/gpu.js');
  await closeSharedWebGpuDevice();
}
