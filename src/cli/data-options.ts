// Opening a run's data: a prepared dataset (`alexnet prepare`), or, for the
// mini preset with no --data, the Fashion-MNIST subset shipped in the repo.
import { join, resolve } from 'node:path';
import type { Config } from '../config/config.js';
import type { DataLoader, ViewMode } from '../data/types.js';
import { openLoader } from '../data/loader.js';
import { EMBEDDED_SIZE, ensureEmbeddedDataset } from '../data/embedded.js';
import { getPreset } from '../models/presets.js';
import { openTestSplit } from '../eval/test-split.js';
import { trainLoaderOptions, type SplitOptions } from '../data/split-options.js';
import { defaultDevice, hostDevice } from '../tensor/device.js';

/** Where the embedded dataset is prepared when no --data is given. */
export const EMBEDDED_PREPARED = join('runs', '.data', 'fashion-mnist-mini');

export async function resolveDataDir(data: string | undefined, config: Config, log: (l: string) => void): Promise<string> {
  if (data) return resolve(data);
  // The embedded 28×28 images serve the presets made for them (mini, convnet4).
  if (getPreset(config.preset).inputSize !== EMBEDDED_SIZE) {
    throw new Error(`preset ${config.preset} needs a dataset: prepare one with 'alexnet prepare <images> <out>' and pass --data <out> (the embedded Fashion-MNIST subset is for the 28×28 presets mini and convnet4)`);
  }
  log(`no --data: using the embedded Fashion-MNIST subset (prepared in ${EMBEDDED_PREPARED})`);
  return ensureEmbeddedDataset(EMBEDDED_PREPARED);
}

/** A split's settings (split-options.ts) and its views; deviceViews follows the default device. */
export interface SplitLoaderOptions extends Omit<SplitOptions, 'deviceViews'> {
  readonly mode: ViewMode;
}

export function openSplit(dir: string, split: 'train' | 'val', config: Config, o: SplitLoaderOptions): Promise<DataLoader> {
  // Validation reads its split exactly as evaluation does (same loader settings), so `eval` reproduces the logged errors.
  // A GPU network renders its views itself from the images' bytes (src/data/device-input.ts).
  const deviceViews = defaultDevice() !== hostDevice;
  if (o.mode !== 'train') return openTestSplit(dir, split, config, { ...o, mode: o.mode, deviceViews });
  return openLoader(dir, split, trainLoaderOptions(config, { ...o, deviceViews }));
}
