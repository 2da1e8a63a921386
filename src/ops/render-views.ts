// §5 input views as an op: crops, mirrors, mean subtraction (per pixel or per
// channel, §7), PCA-lighting offsets, the input's std gain and channel order,
// written from uint8 CHW images into the network's float32 input. The host
// loader renders the same views with the reference kernel's `renderView`
// (src/backend/reference/render-views.ts); a GPU renders them from the
// uploaded bytes, so a batch crosses the bus as 1 byte per pixel of the
// prepared square plus 6 numbers per view instead of 4 bytes per input value.
import type { Tensor } from '../tensor/tensor.js';
import type { Device } from '../tensor/device.js';
import { hostDevice } from '../tensor/device.js';
import { isDeviceArray, type DeviceArray } from '../tensor/tensor.js';
import { fail, formatShape, requirePositiveInt } from './errors.js';
import { declareOp, dispatch } from './registry.js';
import type { HostMemory, Memory } from './memory.js';

const OP = 'renderViews';

/** What is subtracted before the gain (§7): the mean image, the per-channel mean, or nothing. */
export type RenderMean = 'pixel' | 'channel' | 'none';

/** A crop window of the prepared square and whether it is mirrored. */
export interface View {
  readonly y: number;
  readonly x: number;
  readonly flip: boolean;
}

/** Mean to subtract (§7): the per-pixel mean image, the per-channel mean, or nothing; then the input's std and channel order. */
export interface MeanSource {
  /** 'fixed' resolves to 'channel' with the InputSpec's constants (meanSource in src/data/augment.ts). */
  readonly mode: RenderMean;
  readonly meanImage: Float32Array;
  readonly meanChannel: readonly number[];
  /** Multiplier per RGB channel after the mean, 1/std (absent: 1). */
  readonly gain?: readonly number[];
  /** Write channels as B, G, R (Caffe's weights). */
  readonly bgr?: boolean;
}

/** Numbers per row of a view table: crop y, crop x, flip (0/1), then the RGB lighting offset. */
export const VIEW_FIELDS = 6;

/**
 * Uint8 images: a host Uint8Array, or on a device an i32 array holding the
 * bytes packed little-endian, four to a value (WGSL has no 8-bit storage).
 */
export type ByteArray = Uint8Array | DeviceArray;

export interface RenderGeometry {
  /** Images in the batch; each has `viewsPerImage` consecutive output rows. */
  readonly images: number;
  readonly viewsPerImage: number;
  /** Side S of the prepared CHW square (3·S·S bytes per image). */
  readonly size: number;
  /** Side of each output view (3·crop·crop values). */
  readonly crop: number;
  readonly mean: RenderMean;
  /** Per-channel mean (RGB), used when mean is 'channel'. */
  readonly meanChannel: readonly number[];
  /** Per-channel gain (RGB), 1/std. */
  readonly gain: readonly number[];
  readonly bgr: boolean;
}

export interface RenderViewsKernels<M extends Memory = HostMemory> {
  /**
   * out[r] (3·crop·crop values) = view r of image ⌊r / viewsPerImage⌋:
   * (pixel − mean + lighting) · gain, channel c at c (RGB) or 2 − c (BGR),
   * the mean image read at the source pixel (before mirroring).
   * `views` holds VIEW_FIELDS numbers per row; `meanImage` [3, S, S] is read only for mean 'pixel'.
   */
  render(g: RenderGeometry, pixels: M['u8'], views: M['f32'], meanImage: M['f32'] | null, out: M['f32']): void;
}

declare module './registry.js' {
  interface KernelSets<M extends Memory = HostMemory> {
    renderViews: RenderViewsKernels<M>;
  }
}
declareOp('renderViews');

/** Bytes of `images` CHW squares of side `size` as a device ByteArray (padded to whole values), or themselves on the host. */
export function uploadBytes(device: Device, bytes: Uint8Array, reuse?: DeviceArray): ByteArray {
  if (device === hostDevice) return bytes;
  const words = Math.ceil(bytes.length / 4);
  const a = reuse && reuse.length === words ? reuse : device.indices(words);
  if (!isDeviceArray(a)) throw new Error(`${device.name}: index arrays are not device arrays`);
  // An aligned whole-word buffer is uploaded as it is; otherwise one padded copy.
  const aligned = bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0;
  const padded = aligned ? bytes : new Uint8Array(words * 4);
  if (!aligned) padded.set(bytes);
  device.writeIndices(a, new Int32Array(padded.buffer, padded.byteOffset, words));
  return a;
}

/** The geometry of a batch, checked against its mean source. */
export function renderGeometry(images: number, viewsPerImage: number, size: number, crop: number, mean: MeanSource): RenderGeometry {
  requirePositiveInt(OP, 'images', images);
  requirePositiveInt(OP, 'views per image', viewsPerImage);
  requirePositiveInt(OP, 'size', size);
  requirePositiveInt(OP, 'crop', crop);
  if (crop > size) fail(OP, `crop ${crop} is larger than the ${size}×${size} images`);
  if (mean.meanChannel.length !== 3) fail(OP, `the channel mean has ${mean.meanChannel.length} values, not 3 (RGB)`);
  if (mean.gain && mean.gain.length !== 3) fail(OP, `the gain has ${mean.gain.length} values, not 3 (RGB)`);
  return {
    images, viewsPerImage, size, crop, mean: mean.mode,
    meanChannel: mean.meanChannel, gain: mean.gain ?? [1, 1, 1], bgr: mean.bgr ?? false,
  };
}

/**
 * Renders every view of a batch into `out` [images·viewsPerImage, 3, crop, crop]
 * where the operands live. `views` [rows, VIEW_FIELDS]; `meanImage` [3, S, S]
 * for mean 'pixel' (null otherwise).
 */
export function renderViews(g: RenderGeometry, pixels: ByteArray, views: Tensor, meanImage: Tensor | null, out: Tensor): void {
  const rows = g.images * g.viewsPerImage;
  const bytes = g.images * 3 * g.size * g.size;
  const have = isDeviceArray(pixels) ? pixels.length * 4 : pixels.length;
  if (have < bytes || (isDeviceArray(pixels) && pixels.length !== Math.ceil(bytes / 4))) {
    fail(OP, `${have} pixel bytes for ${g.images} images of 3×${g.size}×${g.size} (${bytes})`);
  }
  if (views.shape.length !== 2 || views.shape[0] !== rows || views.shape[1] !== VIEW_FIELDS) fail(OP, `views ${formatShape(views.shape)} must be [${rows}, ${VIEW_FIELDS}]`);
  const outShape = [rows, 3, g.crop, g.crop];
  if (out.shape.join() !== outShape.join()) fail(OP, `output ${formatShape(out.shape)} must be ${formatShape(outShape)}`);
  if (g.mean === 'pixel' && (!meanImage || meanImage.size !== 3 * g.size * g.size)) fail(OP, `mean 'pixel' needs a [3, ${g.size}, ${g.size}] mean image, got ${meanImage ? formatShape(meanImage.shape) : 'none'}`);
  if (!views.deviceArray) {
    const v = views.data;
    for (let r = 0; r < rows; r++) {
      const y = v[r * VIEW_FIELDS], x = v[r * VIEW_FIELDS + 1];
      if (!(Number.isInteger(y) && Number.isInteger(x) && y >= 0 && x >= 0 && y + g.crop <= g.size && x + g.crop <= g.size)) {
        fail(OP, `view ${r}: crop at (${y}, ${x}) of side ${g.crop} is outside the ${g.size}×${g.size} image`);
      }
    }
  }
  const mean = g.mean === 'pixel' ? meanImage : null;
  dispatch(OP, [pixels, views, mean, out], (k, a) => k.render(g, a.u8(pixels), a.f(views), mean ? a.f(mean) : null, a.f(out)));
}
