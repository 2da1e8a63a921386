// The loader the trainer and evaluation use (types.ts is the contract).
// Batches are built ahead in worker threads (batch.ts) while the caller's
// thread runs the network; what a batch holds is a pure function of
// (seed, epoch, batch position), so workers and resumes never change it.
// A split small enough (cacheBytes) is decoded once into a SharedArrayBuffer
// that every worker reads, so an epoch then costs only crops and flips.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Tensor } from '../tensor/tensor.js';
import { checkSeed, epochOrder } from './augment.js';
import { BatchBuilder, viewsPerImage, type BuilderSpec } from './batch.js';
import { partRange } from './part.js';
import type { BatchReply, BatchRequest } from './loader-worker.js';
import { readDatasetInfo, readSplitIndex } from './shards.js';
import type { Batch, DataLoader, LoaderOptions, RawViews, SplitName } from './types.js';
import { buildRaw, renderRaw, type RawParts } from './raw-batch.js';
import { meanSource } from './augment.js';

export const DEFAULT_CACHE_BYTES = 2 ** 30;

/**
 * Split indices in a fixed class-balanced order: the first image of each
 * class (in class order), then the second of each, and so on; so `limit`
 * keeps the classes equally represented.
 */
export function balancedOrder(labels: Int32Array, numClasses: number): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((l, i) => byClass[l].push(i));
  const out: number[] = [];
  const rounds = Math.max(0, ...byClass.map((c) => c.length));
  for (let r = 0; r < rounds; r++) for (const c of byClass) if (r < c.length) out.push(c[r]);
  return Int32Array.from(out);
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new RangeError(`openLoader: ${message}`);
}

function defaultWorkers(): number {
  // Leave the trainer its cores: one builder on ≤ 2 cores (the native kernels
  // keep both busy; a builder needs a fraction of one), else a quarter.
  const cores = availableParallelism();
  return cores <= 2 ? 1 : Math.min(4, Math.floor(cores / 4) || 1);
}

function cacheBudget(o: LoaderOptions): number {
  if (o.cacheBytes !== undefined) return o.cacheBytes;
  const env = Number(process.env.ALEXNET_DATA_CACHE_MB);
  return process.env.ALEXNET_DATA_CACHE_MB && Number.isFinite(env) ? env * 2 ** 20 : DEFAULT_CACHE_BYTES;
}

/** Opens split `split` of the prepared dataset in `datasetDir` (see `alexnet prepare`). */
export async function openLoader(datasetDir: string, split: SplitName, options: LoaderOptions): Promise<DataLoader> {
  const info = readDatasetInfo(datasetDir);
  const index = readSplitIndex(info, split);
  const o = options;
  check(Number.isInteger(o.batchSize) && o.batchSize >= 1, `batchSize must be a positive integer, got ${o.batchSize}`);
  check(Number.isInteger(o.cropSize) && o.cropSize >= 1 && o.cropSize <= info.size, `cropSize ${o.cropSize} does not fit the prepared ${info.size}×${info.size} images (prepare with --size ≥ ${o.cropSize})`);
  check(o.limit === undefined || (Number.isInteger(o.limit) && o.limit >= 1), `limit must be a positive integer, got ${o.limit}`);
  check(['train', 'center', 'tenViews'].includes(o.mode), `mode must be train, center or tenViews, got ${String(o.mode)}`);
  checkSeed(o.seed);
  const base = o.limit !== undefined ? balancedOrder(index.labels, info.classes.length).slice(0, o.limit) : Int32Array.from({ length: index.count }, (_, i) => i);
  const n = base.length;
  const batchesPerEpoch = o.dropLast ? Math.floor(n / o.batchSize) : Math.ceil(n / o.batchSize);
  const plane3 = 3 * info.size * info.size;

  const spec: BuilderSpec = {
    size: info.size, crop: o.cropSize, encoding: info.encoding, mode: o.mode, augment: o.augment, seed: o.seed, stats: info.stats,
    files: index.files, shardOf: index.shardOf, offsets: index.offsets, sizes: index.sizes, cache: null, slotOf: null,
  };
  let builderSpec = spec;
  if (n * plane3 <= cacheBudget(o)) {
    // Decode the images once; sharp decodes on libuv's pool, so a bounded
    // number in flight keeps it busy without holding every encoded file.
    const cache = new Uint8Array(new SharedArrayBuffer(n * plane3));
    const slotOf = new Int32Array(new SharedArrayBuffer(4 * index.count)).fill(-1);
    const reader = new BatchBuilder(spec);
    let next = 0;
    const fill = async () => {
      for (let j = next++; j < n; j = next++) {
        cache.set(await reader.pixels(base[j]), j * plane3);
        slotOf[base[j]] = j;
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, fill));
    } finally {
      reader.close();
    }
    builderSpec = { ...spec, cache, slotOf };
  }

  const nWorkers = Math.max(0, o.workers ?? defaultWorkers());
  const prefetch = Math.max(1, o.prefetch ?? Math.max(2, 2 * nWorkers));
  const local = nWorkers === 0 ? new BatchBuilder(builderSpec) : null;
  const workers = Array.from({ length: nWorkers }, () => new Worker(new URL('./loader-worker.js', import.meta.url), { workerData: builderSpec }));
  const waiting = new Map<number, { resolve: (x: Float32Array | RawParts) => void; reject: (e: Error) => void; worker: number }>();
  // A worker keeps the process alive only while it owes a batch, so a loader
  // that is never closed does not hang the program at exit.
  const owed = new Array<number>(nWorkers).fill(0);
  const settle = (k: number) => {
    if (--owed[k] === 0) workers[k].unref();
  };
  let nextId = 0;
  let closed = false;
  let broken: Error | null = null;
  for (const w of workers) {
    w.unref();
    w.on('message', (r: BatchReply) => {
      const p = waiting.get(r.id);
      waiting.delete(r.id);
      if (!p) return;
      settle(p.worker);
      if ('error' in r) p.reject(new Error(r.error));
      else p.resolve('raw' in r ? r.raw : r.x);
    });
    const fail = (e: Error) => {
      broken ??= e;
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => { if (!closed) fail(new Error(`DataLoader: a batch worker exited (code ${code})`)); });
  }

  const raw = o.deviceViews === true;
  const request = (epoch: number, indices: Int32Array, b: number): Promise<Float32Array | RawParts> => {
    if (local) return raw ? buildRaw(local, builderSpec, epoch, indices) : local.build(epoch, indices);
    if (broken) return Promise.reject(broken);
    const id = nextId++;
    const k = b % workers.length;
    if (owed[k]++ === 0) workers[k].ref();
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject, worker: k });
      workers[k].postMessage({ id, epoch, indices, raw } satisfies BatchRequest);
    });
  };

  const nv = viewsPerImage(o.mode);
  const mean = raw ? meanSource(o.augment.mean, o.augment.input, info.stats.meanImage, info.stats.meanChannel) : null;
  async function* epoch(e: number, start = 0): AsyncIterableIterator<Batch> {
    check(Number.isInteger(start) && start >= 0 && start <= batchesPerEpoch, `start must be in 0..${batchesPerEpoch}, got ${start}`);
    if (closed) throw new Error('DataLoader: used after close()');
    const order = epochOrder(base, o.seed, e, o.shuffle);
    const slice = (b: number) => {
      const all = order.slice(b * o.batchSize, Math.min((b + 1) * o.batchSize, n));
      return o.part ? all.slice(...partRange(all.length, o.part)) : all;
    };
    const inFlight = new Map<number, Promise<Float32Array | RawParts>>();
    let ahead = start;
    const fillAhead = (upTo: number) => {
      for (; ahead < Math.min(upTo, batchesPerEpoch); ahead++) {
        const p = request(e, slice(ahead), ahead);
        p.catch(() => undefined); // observed when awaited; avoids an unhandled rejection if abandoned
        inFlight.set(ahead, p);
      }
    };
    for (let b = start; b < batchesPerEpoch; b++) {
      fillAhead(b + prefetch);
      const x = await inFlight.get(b)!;
      inFlight.delete(b);
      const indices = slice(b);
      const labels = Int32Array.from(indices, (i) => index.labels[i]);
      const shape = [indices.length * nv, 3, o.cropSize, o.cropSize];
      if (x instanceof Float32Array) yield { x: new Tensor(x, shape), labels, indices };
      else yield rawBatch({ ...x, images: indices.length, size: info.size, crop: o.cropSize, viewsPerImage: nv, mean: mean! }, shape, labels, indices);
    }
  }

  return {
    size: n,
    batchesPerEpoch,
    classes: info.classes,
    viewShape: [3, o.cropSize, o.cropSize],
    epoch,
    async close() {
      closed = true;
      local?.close();
      for (const p of waiting.values()) p.reject(new Error('DataLoader closed'));
      waiting.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** A batch of raw views whose `x` is rendered on the host the first time it is read. */
function rawBatch(raw: RawViews, shape: number[], labels: Int32Array, indices: Int32Array): Batch {
  let x: Tensor | null = null;
  return {
    raw, labels, indices,
    get x() {
      return (x ??= new Tensor(renderRaw(raw), shape));
    },
  };
}
