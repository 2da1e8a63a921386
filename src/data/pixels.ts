// A split held in memory as its prepared images' bytes (S×S, CHW uint8) with
// labels, classes and the training set's statistics: what the browser app
// trains and evaluates on. Its loader renders batches with the same code as
// the shard loader (render.ts, batches.ts), so for the same dataset and
// options both give the same batches, byte for byte. On the wire it is one
// safetensors file (`alexnet serve` writes it from a prepared dataset).
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../io/safetensors.js';
import { batchLoader, loaderIndices } from './batches.js';
import { BatchRenderer } from './render.js';
import { buildRaw } from './raw-batch.js';
import { meanSource } from './augment.js';
import type { ClassInfo, DataLoader, DatasetStats, LoaderOptions } from './types.js';

export interface PixelSplit {
  /** Side S of the prepared squares. */
  readonly size: number;
  readonly classes: readonly ClassInfo[];
  /** Statistics of the training split (the mean every split subtracts). */
  readonly stats: DatasetStats;
  /** N·3·S·S bytes, image after image, CHW. */
  readonly images: Uint8Array;
  readonly labels: Int32Array;
}

/** The split's loader; `options` as for the shard loader (workers and cacheBytes do not apply). */
export function openPixelLoader(split: PixelSplit, options: LoaderOptions): DataLoader {
  const plane3 = 3 * split.size * split.size;
  const base = loaderIndices(options, split.size, split.labels, split.classes.length);
  const image = (i: number) => split.images.subarray(i * plane3, (i + 1) * plane3);
  const spec = { size: split.size, crop: options.cropSize, mode: options.mode, augment: options.augment, seed: options.seed, stats: split.stats };
  const renderer = new BatchRenderer(spec);
  const source = { pixels: async (i: number) => image(i) };
  return batchLoader({
    base, labels: split.labels, classes: split.classes, options, prefetch: 1, size: split.size,
    mean: meanSource(options.augment.mean, options.augment.input, split.stats.meanImage, split.stats.meanChannel),
    // On a GPU (options.deviceViews) the page uploads the bytes and renders the views there, as the CLI does.
    request: async (epoch, indices) => (options.deviceViews ? buildRaw(source, spec, epoch, indices) : renderer.render(epoch, indices, Array.from(indices, image))),
    close: async () => undefined,
  });
}

const FORMAT = 'alexnet-ts-pixels';

export function encodePixelSplit(s: PixelSplit): Uint8Array {
  const n = s.labels.length;
  const { meanImage, ...stats } = s.stats;
  return encodeSafetensors([
    ['images', { shape: [n, 3, s.size, s.size], data: s.images }],
    ['labels', { shape: [n], data: s.labels }],
    ['mean_image', { shape: [3, s.size, s.size], data: meanImage }],
  ], { format: FORMAT, classes: JSON.stringify(s.classes), stats: JSON.stringify(stats) });
}

/** Parses what encodePixelSplit wrote; `source` names it in errors. */
export function decodePixelSplit(bytes: Uint8Array, source: string): PixelSplit {
  const f = decodeSafetensors(bytes, source);
  const bad = (m: string): never => { throw new SafetensorsError(source, m); };
  if (f.metadata.format !== FORMAT) bad(`not an image split (format ${JSON.stringify(f.metadata.format)}, expected ${FORMAT})`);
  const images = f.tensors.get('images');
  const labels = f.tensors.get('labels');
  const mean = f.tensors.get('mean_image');
  if (!images || images.dtype !== 'U8' || images.shape.length !== 4 || images.shape[1] !== 3 || images.shape[2] !== images.shape[3]) bad('images must be U8 [N, 3, S, S]');
  const [n, , size] = images!.shape;
  if (!labels || labels.dtype !== 'I32' || labels.shape.length !== 1 || labels.shape[0] !== n) bad(`labels must be I32 [${n}]`);
  if (!mean || mean.dtype !== 'F32' || mean.shape.join() !== `3,${size},${size}`) bad(`mean_image must be F32 [3, ${size}, ${size}]`);
  let classes: ClassInfo[] = [];
  let stats: Omit<DatasetStats, 'meanImage'>;
  try {
    classes = JSON.parse(f.metadata.classes ?? '') as ClassInfo[];
    stats = JSON.parse(f.metadata.stats ?? '') as Omit<DatasetStats, 'meanImage'>;
  } catch (e) {
    return bad(`classes and stats metadata must be JSON (${(e as Error).message})`);
  }
  const l = labels!.data as Int32Array;
  if (!Array.isArray(classes) || classes.length === 0) bad('no classes');
  for (let i = 0; i < l.length; i++) if (!(l[i] >= 0 && l[i] < classes.length)) bad(`label ${l[i]} of image ${i} is not one of the ${classes.length} classes`);
  return { size, classes, stats: { ...stats, meanImage: mean!.data as Float32Array }, images: images!.data as Uint8Array, labels: l };
}
