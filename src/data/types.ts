// The contract between the data pipeline (prepare, shards, loader) and its
// users (trainer, evaluation). PAPER.md §5.
import type { Tensor } from '../tensor/tensor.js';

/** How the mean is subtracted (PAPER.md §7: per-pixel vs per-channel mean). */
export type MeanMode = 'pixel' | 'channel' | 'none';

/**
 * Units of PCA lighting (PAPER.md §5, §7). Pixels are always 0–255 floats here.
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
}

/** Which crops an evaluation batch holds. */
export type ViewMode = 'train' | 'center' | 'tenViews';

export interface Batch {
  /** [B, C, S, S] float32, mean subtracted (tenViews: [B·10, C, S, S], the 10 views of image i at 10i…10i+9). */
  readonly x: Tensor;
  readonly labels: Int32Array;
  /** Index of each image in its split. */
  readonly indices: Int32Array;
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
 * Statistics of the training split, computed while preparing (PAPER.md §5).
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
