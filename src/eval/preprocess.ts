// Images from outside a prepared dataset (predict, features, neighbours),
// made into exactly what the network saw in validation (docs/paper.md §5): the
// shorter side rescaled to the dataset's prepared size S and the central S×S
// kept (as `alexnet prepare` does), then the network's centre crop, minus
// the training set's mean (per pixel or per channel, §7 — the run's choice).
// Published weights bring their own: torchvision's Resize(256) +
// CenterCrop(224) and ImageNet mean/std, Caffe's 256×256 warp and mean pixel
// in BGR (the preset's InputSpec), which need no dataset.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetInfo, InputSpec, MeanMode } from '../data/types.js';
import { readDatasetInfo } from '../data/shards.js';
import { toCentreCropRgb, toSquareRgb, type ImageInput } from '../data/image.js';
import { meanSource } from '../data/augment.js';
import { fixedPreprocessing, PreprocessError, preprocessingFromDataset, squareToInput, type Preprocessing } from './input.js';

export { cropToRgb, fixedPreprocessing, PreprocessError, preprocessingFromDataset, squareToInput, type Preprocessing } from './input.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { readSafetensors } from '../io/safetensors-file.js';
import { readBlob } from '../io/caffemodel.js';
import { readNpy } from '../io/npy.js';
import { readWholeFile } from '../io/readfile.js';
import { writeFileAtomic } from '../io/atomic.js';

/** Where a run keeps its dataset's mean, so prediction still works once the dataset is gone. */
export const RUN_MEAN_FILE = 'mean.safetensors';

/** Writes the mean image and per-channel mean to <run>/mean.safetensors (the dataset's mean.safetensors plus `meanChannel`). */
export function storeRunMean(runDir: string, info: DatasetInfo): void {
  writeFileAtomic(join(runDir, RUN_MEAN_FILE), encodeSafetensors([
    ['mean_image', { shape: [3, info.size, info.size], data: info.stats.meanImage }],
    ['mean_channel', { shape: [3], data: Float32Array.from(info.stats.meanChannel) }],
  ], { source: info.dir }));
}

/**
 * A mean image from a file, e.g. Caffe's ilsvrc_2012_mean.binaryproto (a
 * BlobProto [1, 3, 256, 256]) or a .npy [3, S, S]: its channels are in the
 * network's order (BGR for caffe), values 0–255. Photos are resized as the
 * input spec says ('warp' for caffe) to S, centre-cropped, minus this image.
 */
export function meanFilePreprocessing(file: string, input: InputSpec, cropSize: number): Preprocessing {
  let shape: readonly number[];
  let data: Float32Array;
  if (/\.npy$/i.test(file)) {
    const a = readNpy(file);
    shape = a.shape;
    data = Float32Array.from(a.data as ArrayLike<number>);
  } else {
    const b = readBlob(readWholeFile(file), file);
    shape = b.shape;
    data = b.data;
  }
  const dims = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape;
  if (dims.length !== 3 || dims[0] !== 3 || dims[1] !== dims[2]) throw new PreprocessError(`${file}: a mean image must be [3, S, S] (or [1, 3, S, S]), got [${shape.join(', ')}]`);
  const size = dims[1];
  if (size < cropSize) throw new PreprocessError(`${file}: the mean image is ${size}×${size}, smaller than the network's ${cropSize} crop`);
  const plane = size * size;
  // Stored in the network's channel order; renderView indexes the mean by RGB channel.
  const rgb = input.order === 'bgr' ? Float32Array.from({ length: 3 * plane }, (_, i) => data[(2 - Math.floor(i / plane)) * plane + (i % plane)]) : data;
  return { size, cropSize, mean: meanSource('pixel', input, rgb, [0, 0, 0]), resize: input.resize === 'shorter' ? 'square' : input.resize };
}

/** The mean a run stored (storeRunMean), or null. */
export function readRunMean(runDir: string, cropSize: number, mode: MeanMode, input?: InputSpec): Preprocessing | null {
  const file = join(runDir, RUN_MEAN_FILE);
  if (!existsSync(file)) return null;
  const t = readSafetensors(file).tensors;
  const img = t.get('mean_image');
  const ch = t.get('mean_channel');
  if (!img || !ch || img.shape.length !== 3 || img.shape[0] !== 3) throw new PreprocessError(`${file}: expected mean_image [3, S, S] and mean_channel [3]; delete it and pass --data <prepared dataset>`);
  return { size: img.shape[1], cropSize, mean: meanSource(mode, input, img.data as Float32Array, Array.from(ch.data as Float32Array)), resize: 'square' };
}

/**
 * The preprocessing of a network: from --data, else the run's stored mean,
 * else the dataset the run's checkpoints record (then stored in the run).
 */
export function resolvePreprocessing(o: { dataDir: string | null; runDir: string | null; cropSize: number; mean: MeanMode; input?: InputSpec; meanFile?: string }): Preprocessing {
  if (o.meanFile) return meanFilePreprocessing(o.meanFile, o.input ?? { order: 'rgb', mean: null, std: [1, 1, 1], resize: 'square', resizeTo: 256 }, o.cropSize);
  if (o.mean === 'fixed' && o.input) return fixedPreprocessing(o.input, o.cropSize);
  if (o.runDir && !o.dataDir) {
    const stored = readRunMean(o.runDir, o.cropSize, o.mean, o.input);
    if (stored) return stored;
  }
  if (!o.dataDir || !existsSync(join(o.dataDir, 'dataset.json'))) {
    throw new PreprocessError(`images must be preprocessed like the training data (docs/paper.md §5: prepared size, centre crop, mean image), so the dataset's mean is needed${o.dataDir ? ` but ${o.dataDir} is gone` : ''}: pass --data <prepared dataset the network was trained on>${o.runDir ? '' : ', or --run <dir> of a run that recorded it'}`);
  }
  const info = readDatasetInfo(o.dataDir);
  if (o.runDir) storeRunMean(o.runDir, info);
  return preprocessingFromDataset(info, o.cropSize, o.mean, o.input);
}

/** An image → the preprocessing's S×S HWC RGB square, resized with sharp as the preprocessing says. */
export function imageSquare(input: ImageInput, p: Preprocessing): Promise<Uint8Array> {
  return p.resize === 'shorter' ? toCentreCropRgb(input, p.resizeTo ?? p.size, p.cropSize) : toSquareRgb(input, p.size, p.resize === 'warp' ? 'fill' : 'cover');
}

/** One image file's bytes → the network's centre-crop input, CHW float32 minus the mean. */
export async function preprocessImage(bytes: Uint8Array, p: Preprocessing): Promise<Float32Array> {
  return squareToInput(await imageSquare({ kind: 'encoded', bytes }, p), p);
}
