/// <reference types="@webgpu/types" />
// GPU timestamps around compute passes (the adapter's 'timestamp-query'
// feature), for the bench's per-layer times: every pass begun while timing is
// on writes its start and end into a query set, under the label that was
// current (a layer's forward or backward); the device ends the open pass when
// the label changes, so a pass never mixes two labels. The times are the
// GPU's own, without the submissions and queue drains a host clock needs.

const QUERY_RESOLVE = 0x0200; // GPUBufferUsage.QUERY_RESOLVE
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;

export class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolveBuffer: GPUBuffer;
  private readonly readBuffer: GPUBuffer;
  /** Label of each timed pass, in query order (pass i wrote queries 2i and 2i + 1). */
  private readonly labels: string[] = [];
  private resolved = 0;
  label = '';

  /** `passes`: how many passes one reading can hold (2 queries each). */
  constructor(private readonly gpu: GPUDevice, readonly passes = 2048) {
    this.querySet = gpu.createQuerySet({ type: 'timestamp', count: 2 * passes });
    this.resolveBuffer = gpu.createBuffer({ size: 16 * passes, usage: QUERY_RESOLVE | COPY_SRC });
    this.readBuffer = gpu.createBuffer({ size: 16 * passes, usage: MAP_READ | COPY_DST });
  }

  /** The timestampWrites of the next pass, or undefined once the query set is full (the pass then runs untimed). */
  writes(): GPUComputePassTimestampWrites | undefined {
    const i = this.labels.length;
    if (i >= this.passes) return undefined;
    this.labels.push(this.label);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Records the resolve of the passes timed since the last one into `encoder` (before it is finished). */
  resolve(encoder: GPUCommandEncoder): void {
    const from = this.resolved;
    const to = this.labels.length;
    if (to === from) return;
    encoder.resolveQuerySet(this.querySet, 2 * from, 2 * (to - from), this.resolveBuffer, 16 * from);
    this.resolved = to;
  }

  /**
   * Nanoseconds per label, summed over its passes, for everything timed so far
   * (the caller submits the work first); then starts over. `encoder` records the copy out.
   */
  async read(submit: (encoder: GPUCommandEncoder) => void): Promise<Map<string, number>> {
    const n = this.labels.length;
    const out = new Map<string, number>();
    if (n === 0) return out;
    const enc = this.gpu.createCommandEncoder();
    enc.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 0, 16 * n);
    submit(enc);
    await this.readBuffer.mapAsync(MAP_READ, 0, 16 * n);
    const t = new BigUint64Array(this.readBuffer.getMappedRange(0, 16 * n).slice(0));
    this.readBuffer.unmap();
    for (let i = 0; i < n; i++) {
      // A driver may report an end before its start across a counter reset: such a pass counts 0.
      const d = t[2 * i + 1] > t[2 * i] ? Number(t[2 * i + 1] - t[2 * i]) : 0;
      out.set(this.labels[i], (out.get(this.labels[i]) ?? 0) + d);
    }
    this.labels.length = 0;
    this.resolved = 0;
    return out;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolveBuffer.destroy();
    this.readBuffer.destroy();
  }
}
