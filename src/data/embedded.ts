// The default dataset shipped in the repository: 8,000 training and 2,000
// test images of Fashion-MNIST (data/fashion-mnist-mini, gzipped IDX, MIT
// licence beside it), so the main command trains and evaluates with no
// download. Stored as IDX rather than prepared shards: 4.2 MB instead of
// ~46 MB of raw shards, and preparing it takes a few seconds.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDataset } from './prepare.js';
import { readDatasetInfo } from './shards.js';

/** Prepared side of the embedded images: their own 28×28 (the `mini` preset's input; see its notes). */
export const EMBEDDED_SIZE = 28;

/** `data/` at the package root, from src/data or dist/src/data. */
function packageDataDir(): URL {
  const candidates = ['../../../data/', '../../data/'].map((rel) => new URL(rel, import.meta.url));
  return candidates.find((u) => existsSync(new URL('fashion-mnist-mini/', u))) ?? candidates[0];
}

export function embeddedSourceDir(): string {
  return fileURLToPath(new URL('fashion-mnist-mini/', packageDataDir()));
}

export interface EmbeddedOptions {
  readonly progress?: boolean;
  /** Carve a validation split of n training images; the 2,000 test images become the 'test' split (prepare's valSplit). */
  readonly valSplit?: number;
}

/** Prepares the embedded Fashion-MNIST subset into `targetDir` unless already there; returns the prepared folder. */
export async function ensureEmbeddedDataset(targetDir: string, opts: EmbeddedOptions = {}): Promise<string> {
  const dir = path.resolve(targetDir);
  if (existsSync(path.join(dir, 'dataset.json'))) {
    const info = readDatasetInfo(dir);
    const splitsMatch = opts.valSplit === undefined ? !info.splits.test : info.splits.test && info.splits.val?.count === opts.valSplit;
    if (info.size === EMBEDDED_SIZE && info.classes.length === 10 && info.splits.val && splitsMatch) return dir;
    throw new Error(`${dir} holds another prepared dataset (${info.size}×${info.size}, ${info.classes.length} classes, splits ${Object.keys(info.splits).join('/')}); choose another folder for the embedded one`);
  }
  await prepareDataset(embeddedSourceDir(), dir, { size: EMBEDDED_SIZE, progress: opts.progress ?? false, valSplit: opts.valSplit });
  return dir;
}
