// The paper's figures for a network (Node): Figure 3, the conv1 kernels as
// a PNG grid, and Figure 4 (right), the training images nearest to query
// images in fc7, as a contact sheet and as data.
import { filterGrid } from '../viz/filters-png.js';
import type { FilterGridLayout, FilterScaling } from '../viz/filters.js';
import { contactSheet, type ContactSheetLayout } from '../viz/contact-sheet.js';
import { nearestNeighbors, neighborsJson, validationQueries, type NeighborQuery, type NeighborsJson } from '../eval/neighbors.js';
import { softmaxRows, topK } from '../eval/metrics.js';
import { EMBEDDED_SIZE } from '../data/embedded.js';
import { getPreset } from '../models/presets.js';
import { Network, networkParts, preprocessingOf } from './network.js';
import type { NodeImage } from './node-platform.js';
import { resolveDataset } from './data.js';
import { checkInteger, OptionError } from './types.js';

export type { FilterScaling, FilterGridLayout, ContactSheetLayout, NeighborsJson };

export interface FilterFigureOptions {
  /** 'kernel': each kernel stretched to the full range (the paper's look); 'joint': one range for all. Default 'kernel'. */
  readonly scaling?: FilterScaling;
  /** Pixels per weight. */
  readonly zoom?: number;
  /** Kernels per row (default: one column per row, columns one above the other). */
  readonly perRow?: number;
}

/** Figure 3: the first layer's kernels as a PNG grid. */
export async function filterFigure(network: Network<NodeImage>, options: FilterFigureOptions = {}): Promise<{ readonly png: Uint8Array; readonly layout: FilterGridLayout }> {
  if (!(network instanceof Network)) throw new OptionError('network', 'filterFigure: the first argument must be a network');
  return filterGrid(networkParts(network).model, options);
}

export interface NeighboursOptions {
  /** Query images; default: the first `queries` validation images (one per class first). */
  readonly images?: readonly NodeImage[];
  /** Validation images as queries when no images are given (default 8). */
  readonly queries?: number;
  /** Neighbours per query (default 6, as the paper shows). */
  readonly k?: number;
  /** The layer compared (default 'fc7', §6.1). */
  readonly layer?: string;
  /** Search only the first n training images (class-balanced order). */
  readonly limit?: number;
  /** The prepared dataset searched (default: the one the network was trained on). */
  readonly data?: string;
}

export interface NeighboursFigure {
  /** The contact sheet: a row per query, then its neighbours, green when of the query's class (its true or predicted class), red otherwise. */
  readonly png: Uint8Array;
  readonly layout: ContactSheetLayout;
  /** The neighbours with class names and distances, nearest first. */
  readonly json: NeighborsJson;
  /** Query images that could not be read, with the reason. */
  readonly failed: readonly { readonly image: NodeImage; readonly error: string }[];
}

/** Figure 4 (right): for each query, the training images nearest to it in a layer's activations (Euclidean). */
export async function neighboursFigure(network: Network<NodeImage>, options: NeighboursOptions = {}): Promise<NeighboursFigure> {
  const w = 'neighboursFigure';
  if (!(network instanceof Network)) throw new OptionError('network', `${w}: the first argument must be a network`);
  const k = checkInteger(w, 'k', options.k ?? 6, 1);
  const layer = options.layer ?? 'fc7';
  const p = networkParts(network);
  if (!options.data && !p.dataDir && getPreset(p.config.preset).inputSize !== EMBEDDED_SIZE) {
    throw new OptionError('data', `${w}: no training images: pass option 'data' (the prepared dataset the network was trained on)`);
  }
  const dataDir = await resolveDataset(w, { data: options.data ?? p.dataDir ?? undefined }, p.config, null, () => undefined);
  const crop = network.inputSize;
  const failed: { image: NodeImage; error: string }[] = [];
  let queries: NeighborQuery[];
  if (options.images) {
    queries = [];
    for (const image of options.images) {
      try {
        queries.push({ name: typeof image === 'string' ? image : `image ${queries.length + failed.length}`, x: await network.preprocess(image), label: null });
      } catch (e) {
        failed.push({ image, error: ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message });
      }
    }
  } else {
    queries = await validationQueries(dataDir, p.config, crop, checkInteger(w, 'queries', options.queries ?? 8, 1));
  }
  const prep = preprocessingOf(network);
  const results = queries.length ? await nearestNeighbors(p.model, queries, dataDir, p.config, prep, { k, layer, limit: options.limit }) : [];
  // Files have no label: compare the neighbours with the class the network predicts.
  const K = network.classes.length;
  const qx = new Float32Array(queries.length * 3 * crop * crop);
  queries.forEach((q, i) => qx.set(q.x, i * q.x.length));
  const probs = queries.length ? softmaxRows(await network.run(qx, queries.length), queries.length, K) : new Float64Array(0);
  const queryClass = queries.map((q, i) => q.label ?? topK(probs, i * K, K, 1)[0]);
  const sheet = await contactSheet(results, crop, queryClass);
  return { png: sheet.png, layout: sheet.layout, json: neighborsJson(results, network.classes, layer), failed };
}
