/// <reference types="@webgpu/types" />
// Opening a WebGPU device from any GPU object: Dawn's in Node (gpu.ts) or a
// browser's navigator.gpu (the web app). Pure: no Node modules.
import { WebGpuDevice, type WebGpuOptions } from './device.js';
import { WebGpuError } from './errors.js';
// The WGSL kernels register themselves under the op names on import.
import './kernels.js';
import type { AdapterReport } from './adapter-report.js';

export type { AdapterReport } from './adapter-report.js';

/** The adapter of `gpu`; `help` says how to get one when there is none. */
export async function requestAdapter(gpu: GPU, help: string): Promise<GPUAdapter> {
  const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!a) throw new WebGpuError('unavailable', `no WebGPU adapter was found. ${help}`);
  return a;
}

const LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension', 'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage', 'minStorageBufferOffsetAlignment'] as const;

/** The adapter, its features and the limits the kernels use. */
export function adapterReport(a: GPUAdapter): AdapterReport {
  const i = a.info;
  const limits: Record<string, number> = {};
  for (const l of LIMITS) limits[l] = a.limits[l];
  return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, features: [...a.features].sort(), limits };
}

/** A new device with the adapter's largest buffer and binding limits (WebGPU's defaults are 256 and 128 MiB); its kernels are the registry's (kernels.ts). */
export async function openWebGpuDevice(a: GPUAdapter, options: WebGpuOptions = {}): Promise<WebGpuDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const l of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxStorageBuffersPerShaderStage'] as const) requiredLimits[l] = a.limits[l];
  let d: GPUDevice;
  try {
    // Timestamps cost nothing unless a pass asks for them (the bench's per-layer GPU times).
    d = await a.requestDevice({ requiredLimits, requiredFeatures: a.features.has('timestamp-query') ? ['timestamp-query'] : [] });
  } catch (e) {
    throw new WebGpuError('unavailable', `the WebGPU adapter refused a device: ${(e as Error).message}`);
  }
  return new WebGpuDevice(d, a.info, options);
}
