// The Node platform of the public API: backends chosen when a network is
// made (native kernels when the addon loads, else the reference kernels
// with one warning; the WebGPU binding only when asked for), images decoded
// and resized with sharp, files written atomically.
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { registerNative } from '../backend/select.js';
import { loadAddon } from '../backend/native/addon.js';
import { REFERENCE_BACKEND } from '../ops/registry.js';
import { hostDevice } from '../tensor/device.js';
import type { ImageInput } from '../data/image.js';
import { imageSquare } from '../eval/preprocess.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { OpenedBackend, Platform } from './platform.js';
import { BACKEND_NAMES, checkChoice, OptionError, type BackendName, type RawImage } from './types.js';

/** An image in Node: a file path, a file's bytes (JPEG, PNG, WebP, …) or decoded pixels. */
export type NodeImage = string | Uint8Array | RawImage;

let warned = false;

async function openBackend(want: BackendName | undefined, where: string): Promise<OpenedBackend> {
  // ALEXNET_BACKEND sets the default for a process (as for the command line); an option overrides it.
  const env = process.env.ALEXNET_BACKEND;
  const name = want ?? (env ? checkChoice(`${where} (from ALEXNET_BACKEND)`, 'backend', env, BACKEND_NAMES) : undefined);
  if (name === 'webgpu') {
    const { sharedWebGpuDevice } = await import('../backend/webgpu/gpu.js');
    return { backend: 'webgpu', device: await sharedWebGpuDevice(), hostKernels: null };
  }
  if (name === 'reference') return { backend: 'reference', device: hostDevice, hostKernels: REFERENCE_BACKEND };
  const addon = registerNative();
  if (addon instanceof Error) {
    if (name === 'native') throw new OptionError('backend', `${where}: backend 'native' is unavailable: ${addon.message}. Rebuild it with 'npm rebuild alexnet-ts' (needs g++ and python3), or choose backend 'reference'`);
    if (!warned) process.emitWarning(`native kernels unavailable, using the slow reference kernels (${addon.message})`, { code: 'ALEXNET_NO_NATIVE' });
    warned = true;
    return { backend: 'reference', device: hostDevice, hostKernels: REFERENCE_BACKEND };
  }
  return { backend: 'native', device: hostDevice, hostKernels: 'native' };
}

function isRaw(x: unknown): x is RawImage {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && 'data' in x && 'width' in x && 'height' in x;
}

/** The image as sharp's input. */
async function imageInput(image: NodeImage): Promise<ImageInput> {
  if (typeof image === 'string') return { kind: 'encoded', bytes: await readFile(image) };
  if (image instanceof Uint8Array) return { kind: 'encoded', bytes: image };
  if (isRaw(image)) {
    const { width, height } = image;
    const channels = image.channels ?? image.data.length / (width * height);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || (channels !== 1 && channels !== 3 && channels !== 4)) {
      throw new OptionError('image', `raw pixels must have integer width and height and 1, 3 or 4 channels; got ${width}×${height} with ${image.data.length} values`);
    }
    const data = image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
    return { kind: 'pixels', width, height, channels, data };
  }
  throw new OptionError('image', `an image must be a file path, encoded image bytes (Uint8Array) or { data, width, height, channels }, got ${describe(image)}`);
}

function describe(image: NodeImage): string {
  if (typeof image === 'string') return image;
  if (image instanceof Uint8Array) return `image bytes (${image.length} bytes)`;
  if (isRaw(image)) return `raw image ${image.width}×${image.height}`;
  return typeof image;
}

export const NODE_PLATFORM: Platform<NodeImage> = {
  name: 'Node.js',
  openBackend,
  setHostThreads(threads) {
    const addon = loadAddon();
    if (!(addon instanceof Error)) addon.setThreads(threads);
  },
  async square(image, p) {
    try {
      const input = await imageInput(image);
      return await imageSquare(input, p);
    } catch (e) {
      if (e instanceof OptionError) throw e;
      const err = e as NodeJS.ErrnoException;
      // libvips repeats its messages line by line: one line each, once.
      const message = [...new Set(err.message.split('\n').map((l) => l.trim()).filter(Boolean))].join('; ');
      throw new Error(err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a folder, not an image' : err.code ? `${err.code} (${message})` : message);
    }
  },
  describe,
  readFile: async (path) => readFile(path),
  writeFile: async (path, bytes) => writeFileAtomic(path, bytes),
  inflateRaw: (data) => inflateRawSync(data),
};
