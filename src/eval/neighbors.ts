// docs/paper.md §6.1, Figure 4 (right): for a query image, the training images
// whose last hidden layer (fc7, 4096-d in the paper) is nearest in Euclidean
// distance. One pass over the training split (centre crops, as validation
// sees them), keeping only each query's k best, so memory stays small
// whatever the split's size.
import type { Config } from '../config/config.js';
import type { ClassInfo } from '../data/types.js';
import { openTestSplit } from './test-split.js';
import type { AlexNet } from '../models/alexnet.js';
import { Tensor } from '../tensor/tensor.js';
import { layerActivations } from './features.js';
import { cropToRgb, type Preprocessing } from './preprocess.js';

export interface NeighborQuery {
  /** A file name, or `val #i`. */
  readonly name: string;
  /** The preprocessed centre crop, CHW float32 minus the mean. */
  readonly x: Float32Array;
  /** The true class when known (validation queries), else null. */
  readonly label: number | null;
}

export interface Neighbor {
  /** Index in the training split. */
  readonly index: number;
  readonly label: number;
  readonly distance: number;
  /** The centre crop as HWC RGB bytes (crop × crop). */
  readonly rgb: Uint8Array;
}

export interface NeighborResult {
  readonly name: string;
  readonly label: number | null;
  readonly rgb: Uint8Array;
  /** Nearest first. */
  readonly neighbors: readonly Neighbor[];
}

export interface NeighborOptions {
  /** Neighbours per query (paper: 6 shown). */
  readonly k?: number;
  /** Layer compared (default fc7, §6.1). */
  readonly layer?: string;
  /** Search only the first n training images (class-balanced order); default all. */
  readonly limit?: number;
  readonly split?: 'train' | 'val';
  readonly onProgress?: (done: number, total: number) => void;
}

/** The first n validation images (one per class first, then the second of each…) as queries. */
export async function validationQueries(dataDir: string, config: Config, cropSize: number, n: number): Promise<NeighborQuery[]> {
  const loader = await openTestSplit(dataDir, 'val', config, { mode: 'center', batchSize: n, cropSize, limit: n, workers: 0 });
  try {
    const out: NeighborQuery[] = [];
    const per = 3 * cropSize * cropSize;
    for await (const b of loader.epoch(0)) {
      for (let i = 0; i < b.labels.length; i++) out.push({ name: `val #${b.indices[i]}`, x: b.x.data.slice(i * per, (i + 1) * per), label: b.labels[i] });
    }
    return out;
  } finally {
    await loader.close();
  }
}

export async function nearestNeighbors(model: AlexNet, queries: readonly NeighborQuery[], dataDir: string, config: Config, prep: Preprocessing, o: NeighborOptions = {}): Promise<NeighborResult[]> {
  const k = o.k ?? 6;
  const layer = o.layer ?? 'fc7';
  const crop = prep.cropSize;
  const per = 3 * crop * crop;
  const qx = new Float32Array(queries.length * per);
  queries.forEach((q, i) => qx.set(q.x, i * per));
  const qf = await layerActivations(model, new Tensor(qx, [queries.length, 3, crop, crop]), layer);
  const dim = qf.size / Math.max(1, queries.length);
  const best: Neighbor[][] = queries.map(() => []);
  const loader = await openTestSplit(dataDir, o.split ?? 'train', config, { mode: 'center', batchSize: 128, cropSize: crop, limit: o.limit });
  try {
    let done = 0;
    for await (const b of loader.epoch(0)) {
      const f = await layerActivations(model, b.x, layer);
      for (let q = 0; q < queries.length; q++) {
        const list = best[q];
        for (let i = 0; i < b.labels.length; i++) {
          let d = 0;
          for (let j = 0; j < dim; j++) {
            const t = f.data[i * dim + j] - qf.data[q * dim + j];
            d += t * t;
          }
          d = Math.sqrt(d);
          if (list.length === k && d >= list[k - 1].distance) continue;
          // Pixels only for the few that enter a top-k list.
          list.push({ index: b.indices[i], label: b.labels[i], distance: d, rgb: cropToRgb(b.x.data, i * per, prep) });
          list.sort((a, c) => a.distance - c.distance || a.index - c.index);
          if (list.length > k) list.pop();
        }
      }
      done += b.labels.length;
      o.onProgress?.(done, loader.size);
    }
  } finally {
    await loader.close();
  }
  return queries.map((q, i) => ({ name: q.name, label: q.label, rgb: cropToRgb(q.x, 0, prep), neighbors: best[i] }));
}

export interface NeighborsJson {
  readonly layer: string;
  readonly distance: 'euclidean';
  readonly queries: readonly {
    readonly query: string;
    readonly class: string | null;
    readonly neighbors: readonly { readonly index: number; readonly class: string; readonly classId: string; readonly distance: number }[];
  }[];
}

/** What `neighbors --json` writes: no pixels, classes by name. */
export function neighborsJson(results: readonly NeighborResult[], classes: readonly ClassInfo[], layer: string): NeighborsJson {
  return {
    layer,
    distance: 'euclidean' as const,
    queries: results.map((r) => ({
      query: r.name,
      class: r.label === null ? null : classes[r.label].name,
      neighbors: r.neighbors.map((n) => ({ index: n.index, class: classes[n.label].name, classId: classes[n.label].id, distance: n.distance })),
    })),
  };
}
