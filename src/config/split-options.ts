// The loader settings of a run's splits, from its config: training (shuffled,
// augmented as the config says, last partial batch dropped) and evaluation
// (docs/paper.md §5 test views: no augmentation, no shuffle, every image, the
// run's mean). One definition for the CLI, evaluation and the browser app, so
// each reads a split the same way.
import type { Config } from './config.js';
import type { LoaderOptions, ViewMode } from '../data/types.js';
import type { Part } from '../data/part.js';

export interface SplitOptions {
  readonly batchSize: number;
  readonly cropSize: number;
  readonly limit?: number;
  /** Loader threads (default: the run's). */
  readonly workers?: number;
  /** This process's share of each batch (data-parallel training, src/parallel). */
  readonly part?: Part;
  /** Batches carry uint8 images and views for a GPU network to render (LoaderOptions.deviceViews). */
  readonly deviceViews?: boolean;
}

export function trainLoaderOptions(config: Config, o: SplitOptions): LoaderOptions {
  const d = config.data;
  return {
    batchSize: o.batchSize, mode: 'train', cropSize: o.cropSize,
    augment: { randomCrop: d.randomCrop, flip: d.flip, pcaStd: d.pcaStd, pcaUnits: d.pcaUnits, mean: d.mean, input: d.input },
    seed: config.seed, shuffle: true, dropLast: true, workers: o.workers ?? d.workers, limit: o.limit, part: o.part, deviceViews: o.deviceViews,
  };
}

/** An evaluation split's settings: which views (centre crop or the paper's 10). */
export interface TestSplitOptions extends SplitOptions {
  readonly mode: Exclude<ViewMode, 'train'>;
}

export function testLoaderOptions(config: Config, o: TestSplitOptions): LoaderOptions {
  return {
    mode: o.mode, batchSize: o.batchSize, cropSize: o.cropSize, limit: o.limit, workers: o.workers ?? config.data.workers,
    augment: { randomCrop: false, flip: false, pcaStd: 0, pcaUnits: config.data.pcaUnits, mean: config.data.mean, input: config.data.input },
    seed: config.seed, shuffle: false, dropLast: false, part: o.part, deviceViews: o.deviceViews,
  };
}

/** Validation batches of about 256 views (the CLI's choice), at least one image. */
export function validationBatchSize(views: number): number {
  return Math.max(1, Math.floor(256 / views));
}
