// A DataLoader over tensors already in memory: for tests, the golden
// regression and programmatic use. No augmentation: the images are used as
// given; the order is shuffled per epoch from (seed, epoch) alone, so a resume
// from any batch sees the same batches as an uninterrupted run.
import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import type { Batch, ClassInfo, DataLoader } from './types.js';

export interface MemoryLoaderOptions {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
}

export class MemoryLoader implements DataLoader {
  readonly size: number;
  readonly viewShape: readonly [number, number, number];
  readonly batchesPerEpoch: number;

  constructor(
    private readonly images: Tensor,
    private readonly labels: Int32Array,
    readonly classes: readonly ClassInfo[],
    private readonly options: MemoryLoaderOptions,
  ) {
    if (images.shape.length !== 4 || images.shape[0] !== labels.length) {
      throw new RangeError(`MemoryLoader: images [N, C, H, W] and N labels expected, got [${images.shape.join(', ')}] and ${labels.length}`);
    }
    this.size = labels.length;
    this.viewShape = [images.shape[1], images.shape[2], images.shape[3]];
    this.batchesPerEpoch = options.dropLast ? Math.floor(this.size / options.batchSize) : Math.ceil(this.size / options.batchSize);
  }

  /** The epoch's order: identity, or a Fisher-Yates shuffle seeded by (seed, epoch). */
  order(epoch: number): Int32Array {
    const idx = Int32Array.from({ length: this.size }, (_, i) => i);
    if (this.options.shuffle) {
      const rng = new Rng(this.options.seed, 0x5000_0000 + epoch);
      for (let i = idx.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
    }
    return idx;
  }

  async *epoch(epoch: number, start = 0): AsyncIterableIterator<Batch> {
    const order = this.order(epoch);
    const per = this.viewShape[0] * this.viewShape[1] * this.viewShape[2];
    for (let b = start; b < this.batchesPerEpoch; b++) {
      const indices = order.subarray(b * this.options.batchSize, Math.min(this.size, (b + 1) * this.options.batchSize));
      const x = Tensor.zeros([indices.length, ...this.viewShape]);
      const labels = new Int32Array(indices.length);
      indices.forEach((src, i) => {
        x.data.set(this.images.data.subarray(src * per, (src + 1) * per), i * per);
        labels[i] = this.labels[src];
      });
      yield { x, labels, indices: Int32Array.from(indices) };
    }
  }

  async close(): Promise<void> {}
}
