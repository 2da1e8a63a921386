// A prepared dataset's split as a PixelSplit (Node): every image decoded once.
// For small datasets (the embedded Fashion-MNIST subset the browser app trains on).
import { BatchBuilder } from './batch.js';
import type { PixelSplit } from './pixels.js';
import { readDatasetInfo, readSplitIndex } from './shards.js';
import type { SplitName } from './types.js';

/** Refuses splits whose bytes exceed this (a browser tab holds them all). */
export const MAX_PIXEL_SPLIT_BYTES = 512 * 2 ** 20;

export async function readPixelSplit(datasetDir: string, split: SplitName): Promise<PixelSplit> {
  const info = readDatasetInfo(datasetDir);
  const index = readSplitIndex(info, split);
  const plane3 = 3 * info.size * info.size;
  if (index.count * plane3 > MAX_PIXEL_SPLIT_BYTES) {
    throw new Error(`${datasetDir}: the ${split} split is ${index.count} images of ${info.size}×${info.size} (${Math.round(index.count * plane3 / 2 ** 20)} MB), more than a page should hold (${MAX_PIXEL_SPLIT_BYTES / 2 ** 20} MB)`);
  }
  const reader = new BatchBuilder({
    size: info.size, crop: info.size, encoding: info.encoding, mode: 'center', seed: 1, stats: info.stats,
    augment: { randomCrop: false, flip: false, pcaStd: 0, pcaUnits: 'paper', mean: 'pixel' },
    files: index.files, shardOf: index.shardOf, offsets: index.offsets, sizes: index.sizes, cache: null, slotOf: null,
  });
  const images = new Uint8Array(index.count * plane3);
  try {
    for (let i = 0; i < index.count; i++) images.set(await reader.pixels(i), i * plane3);
  } finally {
    reader.close();
  }
  return { size: info.size, classes: info.classes, stats: info.stats, images, labels: index.labels };
}
