/// <reference types="@webgpu/types" />
// Opening a WebGPU device from Node through Dawn (the npm package `webgpu`,
// whose dawn.node ships inside the package): on Linux it drives the GPU's
// Vulkan driver; with no GPU, Chromium's SwiftShader (a CPU Vulkan driver)
// gives a working, slow adapter. The binding is loaded only when asked for,
// so CPU runs never touch it.
import { existsSync } from 'node:fs';
import { WebGpuDevice, type WebGpuOptions } from './device.js';
import { WebGpuError } from './errors.js';
import { attachKernels } from './kernels.js';

/** Debian's chromium package ships this CPU Vulkan driver. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface AdapterReport {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly features: string[];
  readonly limits: Record<string, number>;
}

const HOW_TO = 'A WebGPU adapter needs a Vulkan driver (Linux: the GPU vendor\'s driver, e.g. nvidia-driver or mesa-vulkan-drivers ≥ 23) ' +
  'or Metal (macOS). Without a GPU, Debian\'s chromium package provides SwiftShader: apt-get install chromium, then ' +
  `VK_ICD_FILENAMES=${SWIFTSHADER_ICD}. Or run on the CPU with --backend native.`;

let gpuObject: GPU | null = null;

async function gpu(): Promise<GPU> {
  if (gpuObject) return gpuObject;
  let mod: { create(flags: string[]): GPU; globals: object };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (e) {
    throw new WebGpuError('unavailable', `the WebGPU binding (npm package 'webgpu') did not load: ${(e as Error).message}. Reinstall with npm install. ${HOW_TO}`);
  }
  // GPUBufferUsage, GPUMapMode and friends, as a browser defines them.
  Object.assign(globalThis, mod.globals);
  gpuObject = mod.create([]);
  return gpuObject;
}

async function adapter(): Promise<GPUAdapter> {
  const a = await (await gpu()).requestAdapter({ powerPreference: 'high-performance' });
  if (!a) {
    const icd = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
    throw new WebGpuError('unavailable', `no WebGPU adapter was found${icd ? ` (Vulkan drivers from ${icd})` : ''}. ${HOW_TO}`);
  }
  return a;
}

const LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension', 'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage', 'minStorageBufferOffsetAlignment'] as const;

/** What `alexnet backends` prints: the adapter, its features and the limits the kernels use. */
export async function describeAdapter(): Promise<AdapterReport> {
  const a = await adapter();
  const i = a.info;
  const limits: Record<string, number> = {};
  for (const l of LIMITS) limits[l] = a.limits[l];
  return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, features: [...a.features].sort(), limits };
}

let shared: Promise<WebGpuDevice> | null = null;

/** A new device with the adapter's largest buffer and binding limits (WebGPU's defaults are 256 and 128 MiB). */
export async function createWebGpuDevice(options: WebGpuOptions = {}): Promise<WebGpuDevice> {
  const a = await adapter();
  const requiredLimits: Record<string, number> = {};
  for (const l of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage'] as const) requiredLimits[l] = a.limits[l];
  let d: GPUDevice;
  try {
    // Timestamps cost nothing unless a pass asks for them (the bench's per-layer GPU times).
    d = await a.requestDevice({ requiredLimits, requiredFeatures: a.features.has('timestamp-query') ? ['timestamp-query'] : [] });
  } catch (e) {
    throw new WebGpuError('unavailable', `the WebGPU adapter refused a device: ${(e as Error).message}`);
  }
  const dev = new WebGpuDevice(d, a.info, options);
  attachKernels(dev);
  return dev;
}

/** The process's WebGPU device, opened on first use. */
export function sharedWebGpuDevice(): Promise<WebGpuDevice> {
  shared ??= createWebGpuDevice();
  shared.catch(() => (shared = null));
  return shared;
}

/** Closes the shared device so Node can exit (Dawn keeps the process alive while a device lives). */
export async function closeSharedWebGpuDevice(): Promise<void> {
  if (!shared) return;
  const s = shared;
  shared = null;
  try {
    await (await s).destroy();
  } catch {
    // A device that never opened has nothing to close.
  }
}

/** Whether SwiftShader is installed where Debian puts it (for tests and messages). */
export function swiftShaderInstalled(): boolean {
  return existsSync(SWIFTSHADER_ICD);
}
