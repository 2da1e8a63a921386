/// <reference lib="dom" />
// The browser platform of the public API: networks on the page's WebGPU
// adapter (the same WGSL kernels as Node's `webgpu` backend), else on the
// reference kernels; images decoded by the browser and resized by
// data/resample.ts (shorter side to S and the central square, Caffe's warp,
// torchvision's resize-then-crop), as the Node platform does with sharp.
import { hostDevice, type Device } from '../tensor/device.js';
import { REFERENCE_BACKEND } from '../ops/registry.js';
import type { Preprocessing } from '../eval/input.js';
import type { OpenedBackend, Platform } from './platform.js';
import { OptionError, type BackendName, type RawImage } from './types.js';
import { cropRgb, resampleRgb, rgbaToRgb, roundHalfEven } from '../data/resample.js';

/**
 * An image in a browser: an element or bitmap the page already has, pixels,
 * an encoded file (bytes or Blob), or a URL to fetch.
 */
export type BrowserImage = RawImage | ImageData | ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | HTMLVideoElement | Blob | Uint8Array | string;

const HELP = 'Chrome and Edge 113+ and Safari 26 ship WebGPU; on Linux Chrome needs --enable-unsafe-webgpu (and a Vulkan driver, or --enable-unsafe-swiftshader for the CPU one).';

interface Gpu {
  readonly device: Device;
  readonly label: string;
  /** A CPU implementation of WebGPU (SwiftShader): correct, slow. */
  readonly cpu: boolean;
}

let gpuDevice: Promise<Gpu> | null = null;

/** The page's WebGPU device, opened once and shared by its networks. */
function openGpu(): Promise<Gpu> {
  gpuDevice ??= (async () => {
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
    if (!nav?.gpu) throw new Error(`this browser has no WebGPU (navigator.gpu). ${HELP}`);
    // Loaded only when a GPU is asked for, so pages on the reference kernels never parse the WGSL kernels.
    const { adapterReport, openWebGpuDevice, requestAdapter } = await import('../backend/webgpu/open.js');
    const adapter = await requestAdapter(nav.gpu as Parameters<typeof requestAdapter>[0], HELP);
    const r = adapterReport(adapter);
    const device = await openWebGpuDevice(adapter);
    return { device, label: [r.vendor, r.architecture, r.device, r.description].filter(Boolean).join(' / ') || 'unnamed adapter', cpu: device.gemmVariant === 'direct' };
  })();
  gpuDevice.catch(() => (gpuDevice = null));
  return gpuDevice;
}

let warned = false;

async function openBackend(want: BackendName | undefined, where: string): Promise<OpenedBackend> {
  if (want === 'native') throw new OptionError('backend', `${where}: backend 'native' (C++ kernels) exists only in Node.js; in a browser choose 'webgpu' or 'reference'`);
  if (want === 'reference') return { backend: 'reference', device: hostDevice, hostKernels: REFERENCE_BACKEND };
  try {
    return { backend: 'webgpu', device: (await openGpu()).device, hostKernels: null };
  } catch (e) {
    if (want === 'webgpu') throw new OptionError('backend', `${where}: backend 'webgpu': ${(e as Error).message}`);
    if (!warned) console.warn(`alexnet-ts: no WebGPU (${(e as Error).message}); using the reference kernels on the CPU, which are slow`);
    warned = true;
    return { backend: 'reference', device: hostDevice, hostKernels: REFERENCE_BACKEND };
  }
}

function isRaw(x: unknown): x is RawImage {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && !(typeof ImageData !== 'undefined' && x instanceof ImageData) && 'data' in x && 'width' in x && 'height' in x;
}

/** Raw pixels (1, 3 or 4 channels) as RGBA ImageData. */
function rawToImageData(r: RawImage): ImageData {
  const n = r.width * r.height;
  const ch = r.channels ?? r.data.length / n;
  if (!Number.isInteger(r.width) || !Number.isInteger(r.height) || n < 1 || (ch !== 1 && ch !== 3 && ch !== 4) || r.data.length !== n * ch) {
    throw new OptionError('image', `raw pixels must have integer width and height and 1, 3 or 4 channels; got ${r.width}×${r.height} with ${r.data.length} values`);
  }
  const out = new ImageData(r.width, r.height);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out.data[4 * i + c] = r.data[i * ch + (ch === 1 ? 0 : c)];
    out.data[4 * i + 3] = ch === 4 ? r.data[4 * i + 3] : 255;
  }
  return out;
}

/** A drawable source and its size. */
async function drawable(image: BrowserImage): Promise<{ src: CanvasImageSource; width: number; height: number }> {
  if (typeof image === 'string') {
    const r = await fetch(image);
    if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
    return drawable(await r.blob());
  }
  if (image instanceof Uint8Array) return drawable(new Blob([image as Uint8Array<ArrayBuffer>]));
  if (typeof Blob !== 'undefined' && image instanceof Blob) {
    let bitmap: ImageBitmap;
    try {
      // No colour-space conversion: the pixels a decoder without colour management (sharp in Node) gives.
      bitmap = await createImageBitmap(image, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    } catch (e) {
      throw new Error(`cannot decode: ${(e as Error).message}; give a JPEG, PNG or WebP image`);
    }
    return { src: bitmap, width: bitmap.width, height: bitmap.height };
  }
  if (isRaw(image)) return drawable(rawToImageData(image));
  if (image instanceof ImageData) {
    const bitmap = await createImageBitmap(image);
    return { src: bitmap, width: bitmap.width, height: bitmap.height };
  }
  if (typeof HTMLImageElement !== 'undefined' && image instanceof HTMLImageElement) {
    if (!image.complete || image.naturalWidth === 0) await image.decode();
    return { src: image, width: image.naturalWidth, height: image.naturalHeight };
  }
  if (typeof HTMLVideoElement !== 'undefined' && image instanceof HTMLVideoElement) return { src: image, width: image.videoWidth, height: image.videoHeight };
  const c = image as ImageBitmap | HTMLCanvasElement | OffscreenCanvas;
  if (typeof c.width === 'number' && typeof c.height === 'number') return { src: c, width: c.width, height: c.height };
  throw new OptionError('image', `an image must be an ImageData, ImageBitmap, canvas, <img>, <video>, Blob, encoded bytes, a URL or { data, width, height, channels }`);
}

/** The image's pixels at its own size, HWC RGB, alpha over white (decoded by the browser, not resampled). */
function pixels(src: CanvasImageSource, width: number, height: number): Uint8Array {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(src, 0, 0);
  return rgbaToRgb(ctx.getImageData(0, 0, width, height).data, width * height);
}

/**
 * The image as the preprocessing's S×S HWC RGB square, resized as the Node
 * platform resizes with sharp (data/image.ts): 'shorter' (torchvision) the
 * shorter side to resizeTo with the linear filter, then the centre crop at
 * torchvision's offsets; 'square' the shorter side to S (lanczos3, sharp's
 * default) and the central square; 'warp' both sides to S (linear).
 */
async function square(image: BrowserImage, p: Preprocessing): Promise<Uint8Array> {
  const { src, width, height } = await drawable(image);
  if (!width || !height) throw new Error('the image has no size (not loaded yet?)');
  const rgb = pixels(src, width, height);
  const s = p.size;
  if (p.resize === 'warp') return width === s && height === s ? rgb : resampleRgb(rgb, width, height, s, s, 'linear');
  const target = p.resize === 'shorter' ? (p.resizeTo ?? s) : s;
  const short = Math.min(width, height), long = Math.max(width, height);
  const newLong = p.resize === 'shorter' ? Math.floor((target * long) / short) : Math.round((target * long) / short);
  const [w, h] = width <= height ? [target, newLong] : [newLong, target];
  const resized = w === width && h === height ? rgb : resampleRgb(rgb, width, height, w, h, p.resize === 'shorter' ? 'linear' : 'lanczos3');
  const crop = p.resize === 'shorter' ? p.cropSize : s;
  if (w < crop || h < crop) throw new Error(`resized to ${w}×${h}, smaller than the ${crop}×${crop} crop`);
  // torchvision's CenterCrop offsets; sharp's 'cover' crop rounds half up (measured against it on the test photos).
  const [x, y] = p.resize === 'shorter' ? [roundHalfEven((w - crop) / 2), roundHalfEven((h - crop) / 2)] : [Math.round((w - crop) / 2), Math.round((h - crop) / 2)];
  return cropRgb(resized, w, x, y, crop, crop);
}

function describe(image: BrowserImage): string {
  if (typeof image === 'string') return image;
  if (image instanceof Uint8Array) return `image bytes (${image.length} bytes)`;
  if (isRaw(image)) return `raw image ${image.width}×${image.height}`;
  return (image as object).constructor?.name ?? typeof image;
}

export const BROWSER_PLATFORM: Platform<BrowserImage> = { name: 'browser', openBackend, square, describe };

/** Which backend the page's networks get by default, and why (for a status line). */
export async function browserBackendReport(): Promise<{ readonly backend: BackendName; readonly detail: string }> {
  try {
    const g = await openGpu();
    return { backend: 'webgpu', detail: `WebGPU on ${g.label}${g.cpu ? ' (a CPU implementation: correct, slow)' : ''}` };
  } catch (e) {
    return { backend: 'reference', detail: (e as Error).message };
  }
}
