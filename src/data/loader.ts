// The loader the trainer and evaluation use (types.ts is the contract).
// Batches are built ahead in worker threads (batch.ts) while the caller's
// thread runs the network; what a batch holds is a pure function of
// (seed, epoch, batch position), so workers and resumes never change it.
// A split small enough (cacheBytes) is decoded once into a SharedArrayBuffer
// that every worker reads, so an epoch then costs only crops and flips.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BatchBuilder, type BuilderSpec } from './batch.js';
import { batchLoader, loaderIndices } from './batches.js';
import { buildRaw, type RawParts } from './raw-batch.js';
import { meanSource } from './augment.js';
import type { BatchReply, BatchRequest } from './loader-worker.js';
import { readDatasetInfo, readSplitIndex } from './shards.js';
import type { DataLoader, LoaderOptions, SplitName } from './types.js';

export { balancedOrder } from './batches.js';

export const DEFAULT_CACHE_BYTES = 2 ** 30;

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
  const base = loaderIndices(o, info.size, index.labels, info.classes.length);
  const n = base.length;
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

  return batchLoader({
    base, labels: index.labels, classes: info.classes, options: o, prefetch, request, size: info.size,
    mean: meanSource(o.augment.mean, o.augment.input, info.stats.meanImage, info.stats.meanChannel),
    async close() {
      closed = true;
      local?.close();
      for (const p of waiting.values()) p.reject(new Error('DataLoader closed'));
      waiting.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  });
}
