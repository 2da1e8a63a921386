// Where training and evaluation read images (docs/paper.md §5): a prepared
// dataset (prepareDataset / `alexnet prepare`), a folder of images in class
// sub-folders (prepared once, then reused), or, for the 28×28 presets, the
// Fashion-MNIST subset shipped in the package.
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config/config.js';
import type { DataLoader, DatasetInfo, SplitName } from '../data/types.js';
import { openLoader } from '../data/loader.js';
import { readDatasetInfo } from '../data/shards.js';
import { EMBEDDED_SIZE, ensureEmbeddedDataset } from '../data/embedded.js';
import { prepareDataset } from '../data/prepare.js';
import { trainLoaderOptions, validationBatchSize } from '../config/split-options.js';
import { openTestSplit } from '../eval/test-split.js';
import { getPreset } from '../models/presets.js';
import type { Part } from '../data/part.js';
import { OptionError, type Views } from './types.js';

export interface DataOptions {
  /**
   * A prepared dataset (a folder with dataset.json), or a folder of images
   * in class sub-folders (`<data>/<class>/*.jpg`, or the same under
   * `train/` and `val/`), prepared on first use into `preparedDir`.
   * Default for the 28×28 presets: the embedded Fashion-MNIST subset.
   */
  readonly data?: string;
  /** Where an image folder is prepared (default: `<runDir>/data`, else a folder under the system's temporary directory named after the source). */
  readonly preparedDir?: string;
  /** Validation images carved out of an image folder that has no `val/` (default: none). */
  readonly validationImages?: number;
}

/** Where the embedded dataset is prepared when no data is given (relative to the working directory, as the CLI's runs/). */
export const EMBEDDED_PREPARED = join('runs', '.data', 'fashion-mnist-mini');

/**
 * The prepared dataset a run reads: `data` itself when prepared, else
 * `data` prepared into `preparedDir` (kept: a second run reuses it).
 */
export async function resolveDataset(where: string, o: DataOptions, config: Config, runDir: string | null, log: (line: string) => void): Promise<string> {
  if (!o.data) {
    if (getPreset(config.preset).inputSize !== EMBEDDED_SIZE) {
      throw new OptionError('data', `${where}: preset ${config.preset} needs images: pass option 'data' (a folder of images in class sub-folders, or a prepared dataset); the embedded Fashion-MNIST subset is for the 28×28 presets mini and convnet4`);
    }
    log(`no data given: using the embedded Fashion-MNIST subset (prepared in ${EMBEDDED_PREPARED})`);
    return ensureEmbeddedDataset(EMBEDDED_PREPARED);
  }
  const dir = resolve(o.data);
  if (!existsSync(dir)) throw new OptionError('data', `${where}: option 'data': ${dir} does not exist`);
  if (existsSync(join(dir, 'dataset.json'))) return dir;
  const key = createHash('sha256').update(`${dir}\n${config.data.imageSize}\n${o.validationImages ?? 0}`).digest('hex').slice(0, 12);
  const out = resolve(o.preparedDir ?? (runDir ? join(runDir, 'data') : join(tmpdir(), 'alexnet-ts-data', key)));
  if (!existsSync(join(out, 'dataset.json'))) {
    log(`preparing ${dir} into ${out} (${config.data.imageSize}×${config.data.imageSize}, docs/paper.md §5)`);
    await prepareDataset(dir, out, { size: config.data.imageSize, progress: false, valSplit: o.validationImages });
  }
  return out;
}

export function datasetInfo(dir: string): DatasetInfo {
  return readDatasetInfo(dir);
}

/** The training split's loader, as the run's config says (augmentation, seed, limit). */
export function openTrainSplit(dir: string, config: Config, cropSize: number, deviceViews: boolean, part?: Part): Promise<DataLoader> {
  return openLoader(dir, 'train', trainLoaderOptions(config, { batchSize: config.train.batchSize, cropSize, limit: config.data.limit ?? undefined, deviceViews, part }));
}

/** An evaluation split's loader (no augmentation, every image), null when the dataset has no such split. */
export async function openEvalSplit(dir: string, split: SplitName, config: Config, o: { readonly cropSize: number; readonly views: Views; readonly limit?: number; readonly workers?: number; readonly deviceViews: boolean; readonly part?: Part }): Promise<DataLoader | null> {
  if (!readDatasetInfo(dir).splits[split]) return null;
  return openTestSplit(dir, split, config, {
    mode: o.views === 10 ? 'tenViews' : 'center', batchSize: validationBatchSize(o.views), cropSize: o.cropSize, limit: o.limit, workers: o.workers, deviceViews: o.deviceViews, part: o.part,
  });
}
