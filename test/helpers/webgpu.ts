// The WebGPU device for tests: a real GPU where one exists, else Debian's
// SwiftShader (a CPU Vulkan driver shipped with chromium). In CI (CI=true) a
// missing adapter fails the suite instead of skipping it: a skipped GPU suite
// in CI is a missing install step.
import { createWebGpuDevice, SWIFTSHADER_ICD, swiftShaderInstalled } from '../../src/backend/webgpu/gpu.js';
import type { WebGpuDevice } from '../../src/backend/webgpu/device.js';
import type { WebGpuOptions } from '../../src/backend/webgpu/device.js';

if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && swiftShaderInstalled() && process.env.ALEXNET_TEST_GPU !== 'system') {
  // Tests must not depend on what GPU a developer has: SwiftShader everywhere it is installed.
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}

export async function webgpuOrSkip(options: WebGpuOptions = {}): Promise<WebGpuDevice | null> {
  try {
    return await createWebGpuDevice(options);
  } catch (e) {
    if (process.env.CI === 'true' || process.env.ALEXNET_REQUIRE_WEBGPU === '1') throw e;
    console.log(`# webgpu tests skipped: ${(e as Error).message}`);
    return null;
  }
}
