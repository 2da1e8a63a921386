// Image decoding with sharp (libvips): the prepare step's "rescale the
// shorter side to S, crop the central S×S" (PAPER.md §5), always to 3
// channels, and the loader's decode of a stored member back to pixels.
import sharp from 'sharp';
import type { Metadata, OutputInfo, Sharp } from 'sharp';
import type { ImageEncoding } from './types.js';

// One libvips thread per operation: parallelism comes from our worker threads
// and libuv's pool, and the machine's cores are shared with the trainer.
sharp.concurrency(1);
sharp.cache(false);

/** Where an input image comes from: a file's bytes, or raw greyscale/RGB pixels (IDX). */
export type ImageInput =
  | { readonly kind: 'encoded'; readonly bytes: Uint8Array }
  | { readonly kind: 'pixels'; readonly width: number; readonly height: number; readonly channels: 1 | 3; readonly data: Uint8Array };

/** Why an input was skipped; thrown by `toSquareRgb`, listed in the prepare report. */
export class BadImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadImageError';
  }
}

/**
 * The input rescaled so its shorter side is `size` and centre-cropped to
 * size×size, as HWC RGB bytes. Greyscale is replicated to RGB, CMYK and
 * other colour spaces converted to sRGB, alpha flattened over white.
 * Images already size×size are not resampled.
 */
export async function toSquareRgb(input: ImageInput, size: number): Promise<Uint8Array> {
  let img: Sharp;
  let width: number, height: number;
  if (input.kind === 'pixels') {
    img = sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels } });
    width = input.width;
    height = input.height;
  } else {
    if (input.bytes.length === 0) throw new BadImageError('empty file (0 bytes)');
    // 'truncated': a cut-off JPEG/PNG fails rather than decoding to grey.
    img = sharp(input.bytes, { failOn: 'truncated' });
    let meta: Metadata;
    try {
      meta = await img.metadata();
    } catch (e) {
      throw new BadImageError(`cannot decode: ${(e as Error).message}`);
    }
    if (!meta.width || !meta.height) throw new BadImageError('image has no size');
    width = meta.width;
    height = meta.height;
    if (meta.hasAlpha) img = img.flatten({ background: '#ffffff' });
  }
  img = img.toColourspace('srgb');
  if (width !== size || height !== size) img = img.resize(size, size, { fit: 'cover', position: 'centre' });
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await img.raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new BadImageError(`cannot decode: ${(e as Error).message}`);
  }
  return toRgb(out.data, out.info.channels, size * size);
}

/** HWC bytes with 1–4 channels to HWC RGB (grey replicated, alpha dropped). */
function toRgb(data: Uint8Array, channels: number, pixels: number): Uint8Array {
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const s = p * channels;
    if (channels <= 2) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = data[s];
    else for (let c = 0; c < 3; c++) rgb[3 * p + c] = data[s + c];
  }
  return rgb;
}

/** Encodes a prepared HWC RGB square for a shard. JPEG quality 90: visually lossless at ~1/10 of raw. */
export async function encodeSquare(hwc: Uint8Array, size: number, encoding: ImageEncoding, quality = 90): Promise<Uint8Array> {
  if (encoding === 'raw') return hwc;
  return sharp(hwc, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality, chromaSubsampling: '4:4:4' }).toBuffer();
}

/** Decodes a stored member into CHW bytes (the layout augmentation reads). */
export async function decodeSquare(bytes: Uint8Array, size: number, encoding: ImageEncoding, out: Uint8Array): Promise<void> {
  let hwc: Uint8Array = bytes;
  if (encoding === 'jpeg') {
    const r = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    if (r.info.width !== size || r.info.height !== size || r.info.channels !== 3) {
      throw new Error(`shard member is ${r.info.width}×${r.info.height}×${r.info.channels}, expected ${size}×${size}×3: the dataset is corrupt; prepare it again`);
    }
    hwc = r.data;
  } else if (bytes.length !== size * size * 3) {
    throw new Error(`raw shard member has ${bytes.length} bytes, expected ${size * size * 3}: the dataset is corrupt; prepare it again`);
  }
  hwcToChw(hwc, size * size, out);
}

export function hwcToChw(hwc: Uint8Array, plane: number, out: Uint8Array): void {
  for (let p = 0, q = 0; p < plane; p++, q += 3) {
    out[p] = hwc[q];
    out[plane + p] = hwc[q + 1];
    out[2 * plane + p] = hwc[q + 2];
  }
}
