// The input of a network on a GPU from a raw batch (Batch.raw; training and evaluation): the
// images' uint8 bytes and the view table are uploaded and the views are
// rendered there by the renderViews op, so a batch crosses the bus as
// 3·S·S bytes an image (paper: 196 KB) instead of 4·3·224·224 (602 KB), and
// the loader threads only copy bytes. The mean image is uploaded once.
import type { Device } from '../tensor/device.js';
import { Tensor } from '../tensor/tensor.js';
import { isDeviceArray, type DeviceArray } from '../tensor/tensor.js';
import { renderGeometry, renderViews, uploadBytes, VIEW_FIELDS } from '../ops/render-views.js';
import type { RawViews } from './types.js';

export class DeviceInput {
  private pixels: DeviceArray | undefined;
  private views: Tensor | null = null;
  private x: Tensor | null = null;
  /** Mean images already uploaded, by the host array they came from. */
  private readonly means = new WeakMap<Float32Array, Tensor>();

  constructor(readonly device: Device) {}

  /** `t` if it has `shape`, else a new tensor of it on the device. */
  private reuse(t: Tensor | null, shape: number[]): Tensor {
    return t && t.shape.join() === shape.join() ? t : this.device.zeros(shape);
  }

  /** The batch's views rendered on the device, [images·viewsPerImage, 3, crop, crop] (a buffer reused by the next call). */
  render(raw: RawViews): Tensor {
    const g = renderGeometry(raw.images, raw.viewsPerImage, raw.size, raw.crop, raw.mean);
    const rows = raw.images * raw.viewsPerImage;
    const bytes = raw.pixels.subarray(0, raw.images * 3 * raw.size * raw.size);
    const pixels = uploadBytes(this.device, bytes, this.pixels);
    if (isDeviceArray(pixels)) this.pixels = pixels;
    const views = (this.views = this.reuse(this.views, [rows, VIEW_FIELDS]));
    this.device.write(views, Float32Array.from(raw.views));
    let mean: Tensor | null = null;
    if (g.mean === 'pixel') {
      const mi = raw.mean.meanImage;
      mean = this.means.get(mi) ?? null;
      if (!mean) {
        mean = this.device.zeros([3, raw.size, raw.size]);
        this.device.write(mean, mi);
        this.means.set(mi, mean);
      }
    }
    const x = (this.x = this.reuse(this.x, [rows, 3, raw.crop, raw.crop]));
    renderViews(g, pixels, views, mean, x);
    return x;
  }
}
