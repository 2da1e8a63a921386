// The contract between the data pipeline (prepare, shards, loader) and its
// users (trainer, evaluation). docs/paper.md §5.
import type { Tensor } from '../tensor/tensor.js';
import type { Part } from './part.js';
import type { MeanSource } from '../ops/render-views.js';

/**
 * How the mean is subtracted (docs/paper.md §7: per-pixel vs per-channel mean):
 * the dataset's mean image or per-channel mean, nothing, or the fixed
 * per-channel mean of the network's `InputSpec` (torchvision's ImageNet
 * constants; Caffe's mean pixel), which needs no dataset.
 */
export type MeanMode = 'pixel' | 'channel' | 'none' | 'fixed';

/**
 * What a network expects of its input pixels beyond the crop (part of a
 * preset, recorded in weight files and run configs): value =
 * (pixel − mean + lighting) / std, written in `order`. Pixels are RGB 0–255;
 * mean and std are given in RGB order and 0–255 units, so torchvision's
 * (x/255 − m)/s is mean 255·m, std 255·s, and Caffe's 0–255 BGR minus
 * (104, 117, 123) is order 'bgr', mean (123, 117, 104), std 1.
 */
export interface InputSpec {
  /** Channel order the network reads: Caffe's models were trained on OpenCV's BGR. */
  readonly order: 'rgb' | 'bgr';
  /** The per-channel mean of mean mode 'fixed' (RGB, 0–255), or null where the preset has none (a dataset's mean is needed). */
  readonly mean: readonly [number, number, number] | null;
  /** Per-channel divisor after the mean (RGB, 0–255 units); 1 leaves 0–255 units. */
  readonly std: readonly [number, number, number];
  /**
   * How one image file (predict, features) becomes a resizeTo square before the centre crop:
   * 'square': shorter side to resizeTo, central square (what `alexnet prepare` does);
   * 'shorter': torchvision's Resize(resizeTo) + CenterCrop(crop), aspect kept, PIL's bilinear with antialias;
   * 'warp': both sides to resizeTo, aspect not kept (Caffe's classifier and convert_imageset).
   */
  readonly resize: 'square' | 'shorter' | 'warp';
  readonly resizeTo: number;
}

/** RGB 0–255 input, nothing beyond the mean (paper, mini). */
export const PLAIN_INPUT: InputSpec = { order: 'rgb', mean: null, std: [1, 1, 1], resize: 'square', resizeTo: 256 };

/**
 * Units of PCA lighting (docs/paper.md §5, §7). Pixels are always 0–255 floats here.
 * - 'paper': α_i ~ N(0, σ²), noise Σ α_i λ_i p_i with λ the eigenvalues of the
 *   covariance of [0,1] pixels, scaled by 255 into our units (the paper's text).
 * - 'cuda-convnet': noise Σ α_i √λ_i p_i with λ from 0–255 pixels (Krizhevsky's code).
 */
export type PcaUnits = 'paper' | 'cuda-convnet';

export interface AugmentConfig {
  /** Random crop of the network's input size from the prepared square (§5); false: centre crop. */
  readonly randomCrop: boolean;
  /** Horizontal flip with probability 1/2 (§5). */
  readonly flip: boolean;
  /** σ of the PCA-lighting coefficients α (paper 0.1); 0 disables it. */
  readonly pcaStd: number;
  readonly pcaUnits: PcaUnits;
  readonly mean: MeanMode;
  /** Channel order, std and fixed mean (absent: RGB, std 1 and no fixed mean, the paper's and mini's input). */
  readonly input?: InputSpec;
}

/** Which crops an evaluation batch holds. */
export type ViewMode = 'train' | 'center' | 'tenViews';

export interface Batch {
  /** [B, C, S, S] float32, mean subtracted (tenViews: [B·10, C, S, S], the 10 views of image i at 10i…10i+9). */
  readonly x: Tensor;
  readonly labels: Int32Array;
  /** Index of each image in its split. */
  readonly indices: Int32Array;
  /**
   * With LoaderOptions.deviceViews: the images' bytes and their view table, for
   * rendering on the network's device (the renderViews op); `x` is then
   * rendered on the host only when it is read.
   */
  readonly raw?: RawViews;
}

/** A batch before its views are rendered: what a GPU uploads instead of float32 input. */
export interface RawViews {
  /** The batch's images, CHW uint8 squares of side `size`, back to back (zero-padded to whole 4-byte words). */
  readonly pixels: Uint8Array;
  readonly images: number;
  readonly size: number;
  readonly crop: number;
  readonly viewsPerImage: number;
  /** [images · viewsPerImage, VIEW_FIELDS]: crop y, x, flip, RGB lighting (src/data/views.ts). */
  readonly views: Float64Array;
  readonly mean: MeanSource;
}

export interface LoaderOptions {
  readonly batchSize: number;
  readonly mode: ViewMode;
  /** Crop side: the network's input size (224, 227, or the preset's). */
  readonly cropSize: number;
  readonly augment: AugmentConfig;
  /** Shuffle order and augmentation are functions of (seed, epoch, image index) only. */
  readonly seed: number;
  readonly shuffle: boolean;
  /** Drop a last partial batch (training); evaluation keeps it. */
  readonly dropLast: boolean;
  /** Worker threads building batches (0: build on the calling thread). */
  readonly workers?: number;
  /** Batches built ahead of the consumer. */
  readonly prefetch?: number;
  /** Use only the first n images of the split (after the fixed class-balanced order); for quick runs. */
  readonly limit?: number;
  /**
   * Decode the split once and keep it in memory (shared with the workers)
   * when its decoded bytes (n·3·S·S) are at most this (default 1 GiB, or
   * ALEXNET_DATA_CACHE_MB); 0 always streams from the shards.
   */
  readonly cacheBytes?: number;
  /**
   * Batches carry their uint8 images and view table (Batch.raw) for a GPU to
   * render, and `x` is rendered on the host only if read (default false).
   */
  readonly deviceViews?: boolean;
  /**
   * Data-parallel training: each batch holds only this process's share of the
   * global batch (src/data/part.ts); batchesPerEpoch stays the global one.
   */
  readonly part?: Part;
}

export interface ClassInfo {
  /** The folder name or WordNet id, e.g. `n01440764`. */
  readonly id: string;
  /** Human-readable name, e.g. `tench`. */
  readonly name: string;
}

export interface DataLoader {
  /** Images in this split (after `limit`). */
  readonly size: number;
  readonly batchesPerEpoch: number;
  readonly classes: readonly ClassInfo[];
  /** [C, S, S] of one view. */
  readonly viewShape: readonly [number, number, number];
  /**
   * The batches of one epoch starting at batch `start` (for exact resume): the
   * same (seed, epoch, start) gives the same batches, byte for byte, whatever
   * the number of workers.
   */
  epoch(epoch: number, start?: number): AsyncIterableIterator<Batch>;
  close(): Promise<void>;
}

// ---- The prepared dataset on disk (written by `alexnet prepare`, read by the loader). ----

/**
 * 'test' exists only when `prepare --val-split` carved the validation split
 * out of the training images: the source's own validation images are then
 * the test split, read once at the end (never for selection).
 */
export type SplitName = 'train' | 'val' | 'test';

/**
 * How each prepared image is stored inside a shard: 'jpeg' (decoded by
 * sharp when loaded; about 10× smaller than raw) or 'raw' (S·S·3 bytes,
 * HWC, no decode cost; for tiny images such as 32×32 Fashion-MNIST).
 */
export type ImageEncoding = 'jpeg' | 'raw';

export interface SplitInfo {
  /** Images in the split, in shard order (an image's index in its split counts from 0 across shards). */
  readonly count: number;
  /** Shard base names relative to the dataset folder, e.g. `train/00000` (`.tar` and `.json` beside each other). */
  readonly shards: readonly string[];
}

/**
 * Statistics of the training split, computed while preparing (docs/paper.md §5).
 * Pixel units are 0–255 throughout.
 */
export interface DatasetStats {
  /** Training images they were computed over. */
  readonly images: number;
  /** Per-pixel mean image, [3, S, S] (CHW), 0–255. */
  readonly meanImage: Float32Array;
  /** Per-channel mean (R, G, B), 0–255. */
  readonly meanChannel: readonly [number, number, number];
  /** 3×3 covariance of all training RGB values, row-major, in (0–255)² units. */
  readonly covariance: readonly number[];
  /** Its eigenvalues λ_i, descending, in (0–255)² units (divide by 255² for the [0,1] units of the paper's text). */
  readonly eigenvalues: readonly [number, number, number];
  /** Unit eigenvectors p_i as rows (eigenvectors[i] belongs to eigenvalues[i]), each with a non-negative sum of components. */
  readonly eigenvectors: readonly (readonly [number, number, number])[];
}

export interface DatasetInfo {
  readonly dir: string;
  /** Side S of the prepared square images. */
  readonly size: number;
  /** Always 3: greyscale is replicated, CMYK and alpha converted, so every preset sees RGB. */
  readonly channels: 3;
  readonly encoding: ImageEncoding;
  /** Class i is output i; sorted ids (§5). */
  readonly classes: readonly ClassInfo[];
  readonly splits: Partial<Record<SplitName, SplitInfo>>;
  readonly stats: DatasetStats;
}
