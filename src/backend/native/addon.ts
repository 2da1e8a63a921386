// Loads the C++ addon built by node-gyp at install time (native/, binding.gyp).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../util/package-root.js';

type F32 = Float32Array;

/** The addon's functions; each checks its buffers' lengths against the sizes given. */
export interface NativeAddon {
  info(): { isa: string; detectedIsa: string; microKernel: string; threads: number };
  /** Measured fp32 peak of the active ISA over all threads, GFLOP/s, running about `seconds`. */
  peakGflops(seconds: number): number;
  /** Smallest batch, in 2×2 output tiles, that convolves 3×3 stride-1 layers by Winograd; returns the previous value. */
  setWinogradMinTiles(tiles: number): number;
  /** Largest N·OH·OW that convolves forward with output channels along the lanes (AVX-512); returns the previous value. */
  setLanesMaxPixels(pixels: number): number;
  /** Asks for transparent huge pages under the whole 2 MiB pages of a still untouched buffer (Linux); returns the bytes advised. */
  adviseHugePages(buffer: Float32Array): number;
  setThreads(n: number): number;
  setIsa(isa: string): string;
  conv2dForward(N: number, C: number, H: number, W: number, O: number, KH: number, KW: number, OH: number, OW: number,
    sh: number, sw: number, pt: number, pl: number, groups: number, x: F32, w: F32, b: F32 | null, y: F32, relu: boolean): void;
  conv2dBackwardData(N: number, C: number, H: number, W: number, O: number, KH: number, KW: number, OH: number, OW: number,
    sh: number, sw: number, pt: number, pl: number, groups: number, dy: F32, w: F32, dx: F32): void;
  conv2dBackwardWeights(N: number, C: number, H: number, W: number, O: number, KH: number, KW: number, OH: number, OW: number,
    sh: number, sw: number, pt: number, pl: number, groups: number, x: F32, dy: F32, dw: F32, db: F32 | null): void;
  linearForward(N: number, I: number, O: number, x: F32, w: F32, b: F32 | null, y: F32, relu: boolean): void;
  linearBackwardData(N: number, I: number, O: number, dy: F32, w: F32, dx: F32): void;
  linearBackwardWeights(N: number, I: number, O: number, x: F32, dy: F32, dw: F32, db: F32 | null): void;
  reluForward(n: number, x: F32, y: F32): void;
  reluBackward(n: number, y: F32, dy: F32, dx: F32): void;
  tanhForward(n: number, x: F32, y: F32): void;
  tanhBackward(n: number, y: F32, dy: F32, dx: F32): void;
  maskScale(n: number, x: F32, mask: F32 | null, scale: number, y: F32): void;
  lrnForward(N: number, C: number, HW: number, size: number, groups: number, alphaEff: number, beta: number, k: number,
    x: F32, y: F32, scale: F32): void;
  lrnBackward(N: number, C: number, HW: number, size: number, groups: number, alphaEff: number, beta: number, k: number,
    x: F32, y: F32, scale: F32, dy: F32, dx: F32): void;
  maxpoolForward(N: number, C: number, H: number, W: number, OH: number, OW: number, k: number, s: number, p: number,
    x: F32, y: F32, argmax: Int32Array | null): void;
  maxpoolBackward(N: number, C: number, H: number, W: number, OH: number, OW: number, k: number, s: number, p: number,
    dy: F32, argmax: Int32Array, dx: F32): void;
  sgdUpdate(n: number, w: F32, v: F32, g: F32, lr: number, momentum: number, decay: number, pytorchForm: boolean): void;
  gemm(M: number, N: number, K: number, a: F32, b: F32, c: F32): void;
  /**
   * Test hook for the thread pool's failure handling: one parallel loop in which every pool thread runs one item;
   * the item on pool thread `thread` throws ('throw') or starts a nested parallel loop, which the pool refuses
   * ('nested'); 'run' throws nothing. Returns the items run; a failure arrives as an Error "native poolSelfTest: …".
   */
  poolSelfTest(mode: 'throw' | 'nested' | 'run', thread: number): number;
}

/** build/Release/alexnet_native.node in the package. */
export function addonPath(): string {
  return path.join(packageRoot(), 'build', 'Release', 'alexnet_native.node');
}

let cached: NativeAddon | Error | undefined;

/** The addon, or the Error that stopped it loading. */
export function loadAddon(): NativeAddon | Error {
  if (cached === undefined) {
    const file = addonPath();
    try {
      cached = createRequire(import.meta.url)(file) as NativeAddon;
    } catch (e) {
      cached = new Error(existsSync(file)
        ? `cannot load ${file}: ${(e as Error).message.split('\n')[0]}`
        : `${file} is missing (the native build failed or was skipped; run \`npm rebuild\` to retry)`);
    }
  }
  return cached;
}
