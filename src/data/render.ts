// Rendering a batch from images' CHW bytes (docs/paper.md §5): the training
// augmentation (crop, flip, PCA lighting) or the evaluation views, minus the
// mean. Pure: the Node loader's worker threads (batch.ts, which reads the
// bytes from shards) and the browser's in-memory loader (pixels.ts) both call
// it, so a batch's values never depend on where it was built.
import { centreView, drawAugmentation, meanSource, renderView, tenViews, type MeanSource, type View } from './augment.js';
import type { AugmentConfig, DatasetStats, ViewMode } from './types.js';

/** What rendering needs; structured-cloneable. */
export interface RenderSpec {
  readonly size: number;
  readonly crop: number;
  readonly mode: ViewMode;
  readonly augment: AugmentConfig;
  readonly seed: number;
  readonly stats: DatasetStats;
}

export const viewsPerImage = (mode: ViewMode) => (mode === 'tenViews' ? 10 : 1);

export class BatchRenderer {
  private readonly mean: MeanSource;
  private readonly views: View[];

  constructor(private readonly spec: RenderSpec) {
    this.mean = meanSource(spec.augment.mean, spec.augment.input, spec.stats.meanImage, spec.stats.meanChannel);
    this.views = spec.mode === 'tenViews' ? tenViews(spec.size, spec.crop) : [centreView(spec.size, spec.crop)];
  }

  /** [B·views, 3, crop, crop] for split images `indices` (their CHW S×S bytes in `images`) in epoch `epoch`. */
  render(epoch: number, indices: Int32Array, images: readonly Uint8Array[]): Float32Array {
    const { size, crop, mode } = this.spec;
    const per = 3 * crop * crop;
    const nv = viewsPerImage(mode);
    const out = new Float32Array(indices.length * nv * per);
    images.forEach((src, b) => {
      if (mode === 'train') {
        const a = drawAugmentation(this.spec.seed, epoch, indices[b], size, crop, this.spec.augment, this.spec.stats);
        renderView(src, size, crop, a, this.mean, a.lighting, out, b * per);
      } else {
        this.views.forEach((v, k) => renderView(src, size, crop, v, this.mean, [0, 0, 0], out, (b * nv + k) * per));
      }
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
