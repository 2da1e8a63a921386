// The prepared-dataset format (docs/data.md):
//   <dir>/dataset.json           classes, size, encoding, splits, statistics; written last
//   <dir>/mean.safetensors       the mean image, F32 [3, S, S]
//   <dir>/<split>/NNNNN.tar      WebDataset-style shard: <key>.jpg|.rgb + <key>.cls per image
//   <dir>/<split>/NNNNN.json     its index: label, byte offset and size of each image member
//   <dir>/<split>/NNNNN.stats.safetensors   the shard's exact pixel sums (for resuming)
//   <dir>/report.txt             skipped files with the reason, empty classes
// A shard is complete when its .json exists (written after the .tar and the stats).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readSafetensors } from '../io/safetensors-file.js';
import type { DatasetInfo, DatasetStats, ImageEncoding, SplitName } from './types.js';
import type { ClassInfo } from './types.js';

export const FORMAT = 'alexnet-ts/prepared-dataset';
export const FORMAT_VERSION = 1;

export interface ShardIndex {
  readonly count: number;
  readonly labels: readonly number[];
  /** Byte offset of each image member's data in the .tar. */
  readonly offsets: readonly number[];
  readonly sizes: readonly number[];
  /** Input each image came from (path relative to the source folder, or `file#index` for IDX). */
  readonly sources: readonly string[];
  readonly skipped: readonly { readonly source: string; readonly reason: string }[];
}

/** dataset.json; the mean image lives in mean.safetensors. */
export interface DatasetManifest {
  readonly format: string;
  readonly version: number;
  readonly size: number;
  readonly channels: 3;
  readonly encoding: ImageEncoding;
  readonly classes: readonly ClassInfo[];
  readonly splits: DatasetInfo['splits'];
  readonly stats: Omit<DatasetStats, 'meanImage'>;
}

export const shardName = (split: SplitName, i: number) => `${split}/${String(i).padStart(5, '0')}`;
export const memberExt = (e: ImageEncoding) => (e === 'jpeg' ? 'jpg' : 'rgb');

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf-8')) as T;
  } catch (e) {
    throw new Error(`${file}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); prepare the dataset again with 'alexnet prepare'`);
  }
}

export function readShardIndex(dir: string, shard: string): ShardIndex {
  return readJson<ShardIndex>(path.join(dir, `${shard}.json`), 'a shard index');
}

/** Metadata of a prepared dataset: classes, image size, channels, split sizes, mean image and PCA eigen-values/vectors. */
export function readDatasetInfo(dir: string): DatasetInfo {
  const file = path.join(dir, 'dataset.json');
  if (!existsSync(file)) {
    throw new Error(`${dir}: not a prepared dataset (no dataset.json). Run 'alexnet prepare <images> ${dir}' first${existsSync(path.join(dir, 'prepare.json')) ? ', or re-run the interrupted prepare to finish it' : ''}.`);
  }
  const m = readJson<DatasetManifest>(file, 'the dataset manifest');
  if (m.format !== FORMAT || m.version !== FORMAT_VERSION) {
    throw new Error(`${file}: format ${m.format} v${m.version}, this version reads ${FORMAT} v${FORMAT_VERSION}; prepare the dataset again`);
  }
  const mean = readSafetensors(path.join(dir, 'mean.safetensors')).tensors.get('mean_image');
  if (!mean || mean.dtype !== 'F32' || mean.data.length !== 3 * m.size * m.size) {
    throw new Error(`${dir}/mean.safetensors: no F32 mean_image of [3, ${m.size}, ${m.size}]; prepare the dataset again`);
  }
  return { dir, size: m.size, channels: 3, encoding: m.encoding, classes: m.classes, splits: m.splits, stats: { ...m.stats, meanImage: mean.data as Float32Array } };
}

/** Where every image of a split lives: one entry per image, in split order. */
export interface SplitIndex {
  readonly count: number;
  readonly labels: Int32Array;
  /** Shard file (the .tar path) of each image, as an index into `files`. */
  readonly shardOf: Int32Array;
  readonly files: readonly string[];
  readonly offsets: Float64Array;
  readonly sizes: Int32Array;
}

export function readSplitIndex(info: DatasetInfo, split: SplitName): SplitIndex {
  const s = info.splits[split];
  if (!s) throw new Error(`${info.dir}: no '${split}' split (it has ${Object.keys(info.splits).join(', ') || 'none'}); prepare it with a ${split} folder`);
  const labels = new Int32Array(s.count), shardOf = new Int32Array(s.count), offsets = new Float64Array(s.count), sizes = new Int32Array(s.count);
  let k = 0;
  s.shards.forEach((shard, si) => {
    const idx = readShardIndex(info.dir, shard);
    if (k + idx.count > s.count) throw new Error(`${info.dir}/${shard}.json: more images than dataset.json counts; prepare the dataset again`);
    for (let j = 0; j < idx.count; j++, k++) {
      labels[k] = idx.labels[j];
      shardOf[k] = si;
      offsets[k] = idx.offsets[j];
      sizes[k] = idx.sizes[j];
    }
  });
  if (k !== s.count) throw new Error(`${info.dir}: the '${split}' shards hold ${k} images, dataset.json says ${s.count}; prepare the dataset again`);
  return { count: k, labels, shardOf, files: s.shards.map((sh) => path.join(info.dir, `${sh}.tar`)), offsets, sizes };
}
