// The readable view renderer: what the host loader writes every batch with
// (batch.ts), the reference renderViews kernel
// (src/backend/reference/render-views.ts) and what the WGSL kernel is tested
// against.
import { VIEW_FIELDS, type MeanSource, type View } from '../ops/render-views.js';

/**
 * Writes one view of a CHW uint8 S×S image as CHW float32 crop×crop at
 * `out[offset…]`: value = (pixel − mean + lighting) · gain, channel c written
 * at c (RGB) or 2 − c (BGR). The mean image is read at the source pixel
 * (before mirroring), as Caffe does.
 */
export function renderView(src: Uint8Array, size: number, crop: number, view: View, mean: MeanSource, lighting: readonly number[], out: Float32Array, offset: number): void {
  const plane = size * size;
  // Four specialised inner loops (mirror × per-pixel mean): the branch-free
  // loops run about 1.6× as fast; every path computes (src − mean + add)·g,
  // and g = 1 leaves the values bit-identical to the subtraction alone.
  const mi = mean.meanImage;
  const pixelMean = mean.mode === 'pixel';
  for (let c = 0; c < 3; c++) {
    const add = lighting[c] - (mean.mode === 'channel' ? mean.meanChannel[c] : 0);
    const g = mean.gain ? mean.gain[c] : 1;
    const oc = mean.bgr ? 2 - c : c;
    for (let yy = 0; yy < crop; yy++) {
      const row = c * plane + (view.y + yy) * size + view.x;
      const o = offset + (oc * crop + yy) * crop;
      if (view.flip) {
        const last = row + crop - 1;
        if (pixelMean) for (let xx = 0; xx < crop; xx++) out[o + xx] = (src[last - xx] - mi[last - xx] + add) * g;
        else for (let xx = 0; xx < crop; xx++) out[o + xx] = (src[last - xx] + add) * g;
      } else if (pixelMean) {
        for (let xx = 0; xx < crop; xx++) out[o + xx] = (src[row + xx] - mi[row + xx] + add) * g;
      } else {
        for (let xx = 0; xx < crop; xx++) out[o + xx] = (src[row + xx] + add) * g;
      }
    }
  }
}

/** Row `row` of a view table (VIEW_FIELDS numbers a row) rendered from `src` by renderView at out[offset…]. */
export function renderViewRow(src: Uint8Array, size: number, crop: number, table: ArrayLike<number>, row: number, mean: MeanSource, out: Float32Array, offset: number): void {
  const v = row * VIEW_FIELDS;
  renderView(src, size, crop, { y: table[v], x: table[v + 1], flip: table[v + 2] !== 0 }, mean, [table[v + 3], table[v + 4], table[v + 5]], out, offset);
}

/** Every row of a view table: row r is view r mod viewsPerImage of image ⌊r / viewsPerImage⌋ of `pixels` (CHW squares back to back). */
export function renderViewRows(pixels: Uint8Array, images: number, viewsPerImage: number, size: number, crop: number, table: ArrayLike<number>, mean: MeanSource, out: Float32Array): void {
  const plane3 = 3 * size * size;
  const per = 3 * crop * crop;
  for (let r = 0; r < images * viewsPerImage; r++) {
    const image = Math.floor(r / viewsPerImage);
    renderViewRow(pixels.subarray(image * plane3, (image + 1) * plane3), size, crop, table, r, mean, out, r * per);
  }
}
