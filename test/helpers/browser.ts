// A real browser for tests: Debian's chromium, headless, driven by
// playwright-core (nothing downloaded), with WebGPU on SwiftShader, Chromium's
// own CPU Vulkan driver. In CI (CI=true) a missing browser fails the suite
// instead of skipping it.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { AppState } from '../../src/serve/app-state.js';

declare global {
  interface Window {
    alexnetApp: AppState;
  }
}

export const CHROMIUM = process.env.ALEXNET_CHROMIUM ?? '/usr/bin/chromium';

/** The flags this Chromium needs for WebGPU without a GPU (GPU_NOTES: checked on Debian's chromium 156). */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];

export async function browserOrSkip(): Promise<Browser | null> {
  try {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set ALEXNET_CHROMIUM)`);
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start;
    // --disable-dev-shm-usage: containers' /dev/shm is often 64 MB, too small for Chromium.
    return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', ...WEBGPU_FLAGS] });
  } catch (e) {
    if (process.env.CI === 'true' || process.env.ALEXNET_REQUIRE_BROWSER === '1') throw e;
    console.log(`# browser tests skipped: ${(e as Error).message}`);
    return null;
  }
}
