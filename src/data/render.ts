// Rendering a batch from images' CHW bytes (docs/paper.md §5): the training
// augmentation (crop, flip, PCA lighting) or the evaluation views, minus the
// mean. Pure: the Node loader's worker threads (batch.ts, which reads the
// bytes from shards) and the browser's in-memory loader (pixels.ts) both call
// it, so a batch's values never depend on where it was built. The views are
// drawn as a table (views.ts) that a GPU can also render from (raw batches).
import { meanSource, type MeanSource } from './augment.js';
import { renderViewRow } from './render-view.js';
import { batchViews, type ViewSpec } from './views.js';
import type { ViewMode } from './types.js';

/** What rendering needs; structured-cloneable. */
export type RenderSpec = ViewSpec;

export const viewsPerImage = (mode: ViewMode) => (mode === 'tenViews' ? 10 : 1);

export class BatchRenderer {
  private readonly mean: MeanSource;

  constructor(private readonly spec: RenderSpec) {
    this.mean = meanSource(spec.augment.mean, spec.augment.input, spec.stats.meanImage, spec.stats.meanChannel);
  }

  /** [B·views, 3, crop, crop] for split images `indices` (their CHW S×S bytes in `images`) in epoch `epoch`. */
  render(epoch: number, indices: Int32Array, images: readonly Uint8Array[]): Float32Array {
    const { size, crop, mode } = this.spec;
    const per = 3 * crop * crop;
    const nv = viewsPerImage(mode);
    const out = new Float32Array(indices.length * nv * per);
    const views = batchViews(this.spec, epoch, indices);
    images.forEach((src, b) => {
      for (let k = 0; k < nv; k++) renderViewRow(src, size, crop, views, b * nv + k, this.mean, out, (b * nv + k) * per);
    });
    return out;
  }
}

/** HWC (pixel after pixel) → CHW (plane after plane) bytes. */
export function hwcToChw(hwc: Uint8Array, plane: number, out: Uint8Array): void {
  for (let p = 0, q = 0; p < plane; p++, q += 3) {
    out[p] = hwc[q];
    out[plane + p] = hwc[q + 1];
    out[2 * plane + p] = hwc[q + 2];
  }
}
