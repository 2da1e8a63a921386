// `alexnet prepare`: a folder of images → a prepared dataset (shards.ts).
// docs/paper.md §5: shorter side rescaled to S (256), central S×S crop, the mean
// image and the RGB covariance (PCA lighting) of the training split.
// Shards are fixed slices of the sorted input list, built in worker threads;
// a shard whose index exists is complete, so re-running the same command
// after an interruption continues where it stopped.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { encodeSafetensors } from '../io/safetensors.js';
import { readSafetensors } from '../io/safetensors-file.js';
import type { ShardTask, TaskItem, WorkerMessage } from './prepare-worker.js';
import { progressBar } from './progress.js';
import { FORMAT, FORMAT_VERSION, readDatasetInfo, readShardIndex, shardName, type DatasetManifest } from './shards.js';
import { findSources, type Item, type SourceOptions, type Sources } from './sources.js';
import { carveValidation } from './val-split.js';
import { emptySums, finalizeStats, mergeSums, type StatSums } from './stats.js';
import type { DatasetInfo, ImageEncoding, SplitName } from './types.js';

export interface PrepareOptions extends SourceOptions {
  /** Side of the prepared squares (§5: 256). */
  readonly size?: number;
  /** Default: 'raw' up to 64 pixels (no decode cost, a few KB each), else 'jpeg'. */
  readonly encoding?: ImageEncoding;
  /** JPEG quality (default 90). */
  readonly quality?: number;
  /** Images per shard (default 1000). */
  readonly shardSize?: number;
  /** Worker threads (default: available cores). */
  readonly workers?: number;
  /** Progress bar on stderr (default true). */
  readonly progress?: boolean;
  /** Stops the workers; completed shards are kept. */
  readonly signal?: AbortSignal;
  /**
   * Carve a validation split of this many images out of the training images
   * (class-balanced, deterministic: carveValidation); the source's own
   * validation images, if any, become the 'test' split.
   */
  readonly valSplit?: number;
}

export interface PrepareResult {
  readonly info: DatasetInfo;
  /** Shards already complete from an earlier, interrupted run. */
  readonly resumedShards: number;
  readonly skipped: number;
  /** `split/classId` of classes left without images. */
  readonly emptyClasses: readonly string[];
  /** report.txt: skipped and ignored files, empty classes. */
  readonly report: string;
}

export class PrepareInterrupted extends Error {
  constructor(readonly done: number, readonly total: number) {
    super(`interrupted: ${done} of ${total} shards complete; re-run the same command to continue`);
    this.name = 'PrepareInterrupted';
  }
}

/** What a prepare run is: compared on resume so a folder never mixes two inputs. */
interface Plan {
  readonly format: string;
  readonly size: number;
  readonly encoding: ImageEncoding;
  readonly quality: number;
  readonly shardSize: number;
  readonly classes: readonly string[];
  readonly splits: Partial<Record<SplitName, { readonly items: number; readonly shards: number; readonly fingerprint: string }>>;
}

function fingerprint(items: readonly Item[]): string {
  const h = createHash('sha256');
  for (const it of items) h.update(`${it.source}\t${it.label}\n`);
  return h.digest('hex').slice(0, 16);
}

function taskItem(it: Item): TaskItem {
  if ('file' in it) return { source: it.source, label: it.label, file: it.file };
  const [, rows, cols] = it.idx.dims;
  const n = rows * cols;
  return { source: it.source, label: it.label, pixels: it.idx.data.slice(it.index * n, (it.index + 1) * n), width: cols, height: rows };
}

function checkPlan(out: string, plan: Plan): void {
  const file = path.join(out, 'prepare.json');
  if (!existsSync(file)) return;
  const old = JSON.parse(readFileSync(file, 'utf-8')) as Plan;
  const diff = (Object.keys(plan) as (keyof Plan)[]).filter((k) => JSON.stringify(old[k]) !== JSON.stringify(plan[k]));
  if (diff.length > 0) {
    throw new Error(`${out} holds a prepare of other inputs or options (${diff.join(', ')} ${diff.length === 1 ? 'differs' : 'differ'}). Use another output folder, or delete ${out} to start over.`);
  }
}

/** Runs the shard tasks on a pool of worker threads. */
async function runTasks(tasks: ShardTask[], workers: number, onImages: (n: number) => void, signal?: AbortSignal): Promise<void> {
  if (tasks.length === 0) return;
  if (signal?.aborted) throw new PrepareInterrupted(-1, -1);
  const pool: Worker[] = [];
  let next = 0, finished = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const stop = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(e);
    };
    signal?.addEventListener('abort', () => stop(new PrepareInterrupted(-1, -1)), { once: true });
    const feed = (w: Worker) => {
      if (next < tasks.length) w.postMessage(tasks[next++]);
      else void w.terminate();
    };
    for (let i = 0; i < Math.min(workers, tasks.length); i++) {
      const w = new Worker(new URL('./prepare-worker.js', import.meta.url));
      pool.push(w);
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') onImages(m.images);
        else if (m.type === 'error') stop(new Error(m.message));
        else if (++finished === tasks.length) {
          for (const x of pool) void x.terminate();
          resolve();
        } else feed(w);
      });
      w.on('error', (e) => stop(e));
      feed(w);
    }
  });
}

function mergeShardStats(dir: string, shards: readonly string[], size: number): StatSums {
  const total = emptySums(size, true);
  for (const sh of shards) {
    const f = readSafetensors(path.join(dir, `${sh}.stats.safetensors`));
    const get = (k: string) => f.tensors.get(k)?.data ?? (() => { throw new Error(`${dir}/${sh}.stats.safetensors: no ${k}; delete the shard's .json and re-run prepare`); })();
    mergeSums(total, { images: Number(f.metadata.images), pixelSum: get('pixel_sum') as Int32Array, channelSum: get('channel_sum') as Float64Array, productSum: get('product_sum') as Float64Array });
  }
  return total;
}

/** Merges the shards' statistics and indexes into dataset.json, mean.safetensors and report.txt. */
function finish(out: string, src: Sources, plan: Plan): { info: DatasetInfo; skipped: number; emptyClasses: string[] } {
  const report: string[] = [`# alexnet prepare report: ${src.root} -> ${out}`];
  const splits: DatasetManifest['splits'] = {};
  let skipped = 0;
  const emptyClasses: string[] = [];
  for (const split of Object.keys(plan.splits) as SplitName[]) {
    const n = plan.splits[split]!.shards;
    const shards = Array.from({ length: n }, (_, i) => shardName(split, i));
    const perClass = new Array<number>(src.classes.length).fill(0);
    let count = 0;
    for (const sh of shards) {
      const idx = readShardIndex(out, sh);
      count += idx.count;
      for (const l of idx.labels) perClass[l]++;
      for (const s of idx.skipped) report.push(`skipped\t${split}\t${s.source}\t${s.reason}`);
      skipped += idx.skipped.length;
    }
    perClass.forEach((c, i) => {
      if (c > 0) return;
      report.push(`empty-class\t${split}\t${src.classes[i].id}\tno usable images`);
      emptyClasses.push(`${split}/${src.classes[i].id}`);
    });
    splits[split] = { count, shards };
  }
  for (const g of src.ignored) report.push(`ignored\t-\t${g.source}\t${g.reason}`);
  const stats = finalizeStats(mergeShardStats(out, splits.train!.shards, plan.size), plan.size);
  const { meanImage, ...rest } = stats;
  writeFileSync(path.join(out, 'mean.safetensors'), encodeSafetensors([['mean_image', { shape: [3, plan.size, plan.size], data: meanImage }]]));
  writeFileSync(path.join(out, 'report.txt'), report.join('\n') + '\n');
  const manifest: DatasetManifest = { format: FORMAT, version: FORMAT_VERSION, size: plan.size, channels: 3, encoding: plan.encoding, classes: src.classes, splits, stats: rest };
  writeFileSync(path.join(out, 'dataset.json'), JSON.stringify(manifest, null, 1) + '\n');
  return { info: readDatasetInfo(out), skipped, emptyClasses };
}

/** Prepares the images under `source` into `out` (created); resumes an interrupted run of the same command. */
export async function prepareDataset(source: string, out: string, opts: PrepareOptions = {}): Promise<PrepareResult> {
  const size = opts.size ?? 256;
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError(`--size must be an integer in 1..4096, got ${size}`);
  const shardSize = opts.shardSize ?? 1000;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new RangeError(`--shard-size must be a positive integer, got ${shardSize}`);
  if (opts.quality !== undefined && !(Number.isInteger(opts.quality) && opts.quality >= 1 && opts.quality <= 100)) throw new RangeError(`--quality must be an integer in 1..100, got ${opts.quality}`);
  const found = findSources(source, opts);
  const src = opts.valSplit === undefined ? found : carveValidation(found, opts.valSplit);
  const plan: Plan = {
    format: `${FORMAT} v${FORMAT_VERSION}`,
    size,
    encoding: opts.encoding ?? (size <= 64 ? 'raw' : 'jpeg'),
    quality: opts.quality ?? 90,
    shardSize,
    classes: src.classes.map((c) => c.id),
    splits: Object.fromEntries(Object.entries(src.splits).map(([k, items]) => [k, { items: items.length, shards: Math.max(1, Math.ceil(items.length / shardSize)), fingerprint: fingerprint(items) }])),
  };
  mkdirSync(out, { recursive: true });
  checkPlan(out, plan);
  const totalShards = Object.values(plan.splits).reduce((a, s) => a + s.shards, 0);
  if (existsSync(path.join(out, 'dataset.json')) && existsSync(path.join(out, 'prepare.json'))) {
    // Same inputs and options, already finished: nothing to do.
    const info = readDatasetInfo(out);
    const lines = readFileSync(path.join(out, 'report.txt'), 'utf-8').split('\n').map((l) => l.split('\t'));
    const skipped = lines.filter((l) => l[0] === 'skipped').length;
    const emptyClasses = lines.filter((l) => l[0] === 'empty-class').map((l) => `${l[1]}/${l[2]}`);
    return { info, resumedShards: totalShards, skipped, emptyClasses, report: path.join(out, 'report.txt') };
  }
  writeFileSync(path.join(out, 'prepare.json'), JSON.stringify(plan, null, 1) + '\n');
  const tasks: ShardTask[] = [];
  let resumed = 0, total = 0, resumedImages = 0;
  for (const [split, items] of Object.entries(src.splits) as [SplitName, readonly Item[]][]) {
    mkdirSync(path.join(out, split), { recursive: true });
    for (let k = 0; k < plan.splits[split]!.shards; k++) {
      total++;
      const shard = shardName(split, k);
      const slice = items.slice(k * shardSize, (k + 1) * shardSize);
      if (existsSync(path.join(out, `${shard}.json`))) {
        resumed++;
        resumedImages += slice.length;
        continue;
      }
      tasks.push({ dir: out, shard, firstItem: k * shardSize, size, encoding: plan.encoding, quality: plan.quality, items: slice.map(taskItem) });
    }
  }
  const images = Object.values(src.splits).reduce((a, s) => a + s.length, 0);
  const bar = opts.progress === false ? null : progressBar(`prepare ${path.basename(out)}`, images, resumedImages);
  try {
    await runTasks(tasks, Math.max(1, opts.workers ?? availableParallelism()), (n) => bar?.tick(n), opts.signal);
  } catch (e) {
    if (e instanceof PrepareInterrupted) {
      const done = Object.keys(plan.splits).reduce((a, s) => a + Array.from({ length: plan.splits[s as SplitName]!.shards }, (_, i) => shardName(s as SplitName, i)).filter((sh) => existsSync(path.join(out, `${sh}.json`))).length, 0);
      throw new PrepareInterrupted(done, total);
    }
    throw e;
  } finally {
    bar?.done();
  }
  const { info, skipped, emptyClasses } = finish(out, src, plan);
  return { info, resumedShards: resumed, skipped, emptyClasses, report: path.join(out, 'report.txt') };
}
