// The part of a DataLoader that is the same wherever batches are built: which
// images (the class-balanced `limit`), in which order per epoch (a pure
// function of seed and epoch), split into batches (and this process's share
// of each), built ahead of the consumer. The Node loader (loader.ts) builds
// batches in worker threads from shards; the browser's (pixels.ts) on the
// page's thread from bytes in memory: the batches are the same.
import { Tensor } from '../tensor/tensor.js';
import { checkSeed, epochOrder } from './augment.js';
import { partRange } from './part.js';
import { viewsPerImage } from './render.js';
import { renderRaw, type RawParts } from './raw-batch.js';
import type { MeanSource } from './augment.js';
import type { Batch, ClassInfo, DataLoader, LoaderOptions, RawViews } from './types.js';

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

/** Checks the options against a split of images `size`×`size`; returns the split indices the loader uses. */
export function loaderIndices(o: LoaderOptions, size: number, labels: Int32Array, numClasses: number): Int32Array {
  check(Number.isInteger(o.batchSize) && o.batchSize >= 1, `batchSize must be a positive integer, got ${o.batchSize}`);
  check(Number.isInteger(o.cropSize) && o.cropSize >= 1 && o.cropSize <= size, `cropSize ${o.cropSize} does not fit the prepared ${size}×${size} images (prepare with --size ≥ ${o.cropSize})`);
  check(o.limit === undefined || (Number.isInteger(o.limit) && o.limit >= 1), `limit must be a positive integer, got ${o.limit}`);
  check(['train', 'center', 'tenViews'].includes(o.mode), `mode must be train, center or tenViews, got ${String(o.mode)}`);
  checkSeed(o.seed);
  return o.limit !== undefined ? balancedOrder(labels, numClasses).slice(0, o.limit) : Int32Array.from({ length: labels.length }, (_, i) => i);
}

export interface BatchSource {
  /** Split indices used (loaderIndices). */
  readonly base: Int32Array;
  /** Label of every split index. */
  readonly labels: Int32Array;
  readonly classes: readonly ClassInfo[];
  readonly options: LoaderOptions;
  /** Batches built ahead of the consumer. */
  readonly prefetch: number;
  /** Side of the stored squares. */
  readonly size: number;
  /** The mean raw batches carry (options.deviceViews). */
  readonly mean: MeanSource;
  /** Builds batch `b` of `epoch`: the views of split images `indices`, or (options.deviceViews) their bytes and view table. */
  request(epoch: number, indices: Int32Array, b: number): Promise<Float32Array | RawParts>;
  close(): Promise<void>;
}

/** A DataLoader over a batch source. */
export function batchLoader(s: BatchSource): DataLoader {
  const o = s.options;
  const n = s.base.length;
  const batchesPerEpoch = o.dropLast ? Math.floor(n / o.batchSize) : Math.ceil(n / o.batchSize);
  const nv = viewsPerImage(o.mode);
  let closed = false;
  async function* epoch(e: number, start = 0): AsyncIterableIterator<Batch> {
    check(Number.isInteger(start) && start >= 0 && start <= batchesPerEpoch, `start must be in 0..${batchesPerEpoch}, got ${start}`);
    if (closed) throw new Error('DataLoader: used after close()');
    const order = epochOrder(s.base, o.seed, e, o.shuffle);
    const slice = (b: number) => {
      const all = order.slice(b * o.batchSize, Math.min((b + 1) * o.batchSize, n));
      return o.part ? all.slice(...partRange(all.length, o.part)) : all;
    };
    const inFlight = new Map<number, Promise<Float32Array | RawParts>>();
    let ahead = start;
    const fillAhead = (upTo: number) => {
      for (; ahead < Math.min(upTo, batchesPerEpoch); ahead++) {
        const p = s.request(e, slice(ahead), ahead);
        p.catch(() => undefined); // observed when awaited; avoids an unhandled rejection if abandoned
        inFlight.set(ahead, p);
      }
    };
    for (let b = start; b < batchesPerEpoch; b++) {
      fillAhead(b + s.prefetch);
      const x = await inFlight.get(b)!;
      inFlight.delete(b);
      const indices = slice(b);
      const labels = Int32Array.from(indices, (i) => s.labels[i]);
      const shape = [indices.length * nv, 3, o.cropSize, o.cropSize];
      if (x instanceof Float32Array) yield { x: new Tensor(x, shape), labels, indices };
      else yield rawBatch({ ...x, images: indices.length, size: s.size, crop: o.cropSize, viewsPerImage: nv, mean: s.mean }, shape, labels, indices);
    }
  }
  return {
    size: n,
    batchesPerEpoch,
    classes: s.classes,
    viewShape: [3, o.cropSize, o.cropSize],
    epoch,
    async close() {
      closed = true;
      await s.close();
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
