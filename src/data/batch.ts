// Building one batch: fetch each image's CHW bytes (from the shared in-memory
// cache or by reading and decoding its shard member) and write its view(s).
// The same code runs in the loader's worker threads and, with 0 workers, on
// the calling thread, so the bytes of a batch never depend on which.
import { closeSync, openSync, readSync } from 'node:fs';
import { meanSource, type MeanSource } from './augment.js';
import { renderViewRow } from '../backend/reference/render-view.js';
import { batchViews } from './views.js';
import { decodeSquare } from './image.js';
import type { AugmentConfig, DatasetStats, ImageEncoding, ViewMode } from './types.js';

/** Everything a builder needs; structured-cloneable (sent to workers as workerData). */
export interface BuilderSpec {
  readonly size: number;
  readonly crop: number;
  readonly encoding: ImageEncoding;
  readonly mode: ViewMode;
  readonly augment: AugmentConfig;
  readonly seed: number;
  readonly stats: DatasetStats;
  readonly files: readonly string[];
  readonly shardOf: Int32Array;
  readonly offsets: Float64Array;
  readonly sizes: Int32Array;
  /** Decoded images, CHW bytes, one S·S·3 slot each (SharedArrayBuffer), or null when streaming from shards. */
  readonly cache: Uint8Array | null;
  /** Cache slot of each split index, -1 if not cached. */
  readonly slotOf: Int32Array | null;
}

export const viewsPerImage = (mode: ViewMode) => (mode === 'tenViews' ? 10 : 1);

export class BatchBuilder {
  private readonly fds = new Map<number, number>();
  private readonly mean: MeanSource;

  constructor(private readonly spec: BuilderSpec) {
    this.mean = meanSource(spec.augment.mean, spec.augment.input, spec.stats.meanImage, spec.stats.meanChannel);
  }

  private readMember(i: number): Uint8Array {
    const s = this.spec.shardOf[i];
    let fd = this.fds.get(s);
    if (fd === undefined) {
      fd = openSync(this.spec.files[s], 'r');
      this.fds.set(s, fd);
    }
    const buf = Buffer.allocUnsafe(this.spec.sizes[i]);
    const n = readSync(fd, buf, 0, buf.length, this.spec.offsets[i]);
    if (n !== buf.length) throw new Error(`${this.spec.files[s]}: cut short (image ${i} at byte ${this.spec.offsets[i]}); prepare the dataset again`);
    return buf;
  }

  /** CHW bytes of split image `i`. */
  async pixels(i: number): Promise<Uint8Array> {
    const plane3 = 3 * this.spec.size * this.spec.size;
    const slot = this.spec.slotOf ? this.spec.slotOf[i] : -1;
    if (slot >= 0 && this.spec.cache) return this.spec.cache.subarray(slot * plane3, (slot + 1) * plane3);
    const out = new Uint8Array(plane3);
    await decodeSquare(this.readMember(i), this.spec.size, this.spec.encoding, out);
    return out;
  }

  /** The batch's input, [B·views, 3, crop, crop], for split images `indices` in epoch `epoch`. */
  async build(epoch: number, indices: Int32Array): Promise<Float32Array> {
    const { size, crop, mode } = this.spec;
    const per = 3 * crop * crop;
    const nv = viewsPerImage(mode);
    const out = new Float32Array(indices.length * nv * per);
    const images = await Promise.all(Array.from(indices, (i) => this.pixels(i)));
    const views = batchViews(this.spec, epoch, indices);
    images.forEach((src, b) => {
      for (let k = 0; k < nv; k++) renderViewRow(src, size, crop, views, b * nv + k, this.mean, out, (b * nv + k) * per);
    });
    return out;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}
