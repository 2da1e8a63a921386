// The views of a batch as a table (VIEW_FIELDS numbers a row: crop y, x,
// flip, RGB lighting), drawn once for both input paths: the host loader
// renders each row with renderView (batch.ts), and on a GPU the table and the
// images' uint8 bytes are uploaded and rendered there (the renderViews op).
// Either way a row holds the same numbers, so both paths see the same views.
import { centreView, drawAugmentation, tenViews } from './augment.js';
import { VIEW_FIELDS } from '../ops/render-views.js';
import type { AugmentConfig, DatasetStats, ViewMode } from './types.js';

export interface ViewSpec {
  readonly size: number;
  readonly crop: number;
  readonly mode: ViewMode;
  readonly augment: AugmentConfig;
  readonly seed: number;
  readonly stats: DatasetStats;
}

/**
 * [indices.length · views per image, VIEW_FIELDS] in float64 (the lighting
 * offsets exactly as drawn): training draws each image's augmentation from
 * (seed, epoch, index); evaluation takes the centre or the 10 test views.
 */
export function batchViews(spec: ViewSpec, epoch: number, indices: Int32Array): Float64Array {
  const { size, crop } = spec;
  const fixed = spec.mode === 'tenViews' ? tenViews(size, crop) : [centreView(size, crop)];
  const nv = spec.mode === 'train' ? 1 : fixed.length;
  const table = new Float64Array(indices.length * nv * VIEW_FIELDS);
  indices.forEach((index, b) => {
    if (spec.mode === 'train') {
      const a = drawAugmentation(spec.seed, epoch, index, size, crop, spec.augment, spec.stats);
      table.set([a.y, a.x, a.flip ? 1 : 0, ...a.lighting], b * VIEW_FIELDS);
    } else {
      fixed.forEach((v, k) => table.set([v.y, v.x, v.flip ? 1 : 0, 0, 0, 0], (b * nv + k) * VIEW_FIELDS));
    }
  });
  return table;
}
