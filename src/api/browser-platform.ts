/// <reference lib="dom" />
// The browser platform of the public API: networks on the page's WebGPU
// adapter (the same WGSL kernels as Node's `webgpu` backend), else on the
// reference kernels; images decoded and resized by the browser's own
// decoder and canvas (shorter side to S and the central square, Caffe's
// warp, torchvision's resize-then-crop), as the Node platform does with sharp.
import { hostDevice, type Device } from '../tensor/device.js';
import { REFERENCE_BACKEND } from '../ops/registry.js';
import type { Preprocessing } from '../eval/input.js';
import type { OpenedBackend, Platform } from './platform.js';
import { OptionError, type BackendName, type RawImage } from './types.js';

/**
 * An image in a browser: an element or bitmap the page already has, pixels,
 * an encoded file (bytes or Blob), or a URL to fetch.
 */
export type BrowserImage = RawImage | ImageData | ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | HTMLVideoElement | Blob | Uint8Array | string;

const HELP = 'Chrome and Edge 113+ and Safari 26 ship WebGPU; on Linux Chrome needs --enable-unsafe-webgpu (and a Vulkan driver, or --enable-unsafe-swiftshader for the CPU one).';

interface Gpu {
  readonly device: Device;
  readonly label: string;
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
    return { device, label: [r.vendor, r.architecture, r.device, r.description].filter(Boolean).join(' / ') || 'unnamed adapter' };
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
      bitmap = await createImageBitmap(image);
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

/** The image as the preprocessing's S×S HWC RGB square (alpha over white). */
async function square(image: BrowserImage, p: Preprocessing): Promise<Uint8Array> {
  const { src, width, height } = await drawable(image);
  if (!width || !height) throw new Error('the image has no size (not loaded yet?)');
  const s = p.size;
  let sx = 0, sy = 0, sw = width, sh = height;
  if (p.resize === 'square' || p.resize === 'shorter') {
    // 'square': the central square, scaled to S. 'shorter': the shorter side to resizeTo, then the central S crop.
    const side = p.resize === 'square' ? Math.min(width, height) : (s * Math.min(width, height)) / (p.resizeTo ?? s);
    sx = (width - side) / 2;
    sy = (height - side) / 2;
    sw = sh = side;
  }
  const c = new OffscreenCanvas(s, s);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, s, s);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(src, sx, sy, sw, sh, 0, 0, s, s);
  const rgba = ctx.getImageData(0, 0, s, s).data;
  const hwc = new Uint8Array(3 * s * s);
  for (let i = 0; i < s * s; i++) {
    hwc[3 * i] = rgba[4 * i];
    hwc[3 * i + 1] = rgba[4 * i + 1];
    hwc[3 * i + 2] = rgba[4 * i + 2];
  }
  return hwc;
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
    return { backend: 'webgpu', detail: `WebGPU on ${(await openGpu()).label}` };
  } catch (e) {
    return { backend: 'reference', detail: (e as Error).message };
  }
}
