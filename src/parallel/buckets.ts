// Gradient all-reduce in buckets that start while the backward pass is still
// running (as PyTorch DDP and Horovod overlap communication with computation):
// layers finish their backward from the last to the first, so the buckets
// fill in that order; a full bucket is copied into one contiguous buffer and
// its MPI_Iallreduce starts at once, while the layers below compute. Open MPI
// advances a nonblocking collective only inside MPI calls, so every layer's
// end also tests the sums in flight. finish() waits for the rest and copies
// the sums back before the SGD update.
import type { Layer, Param } from '../nn/layer.js';
import type { MpiAddon } from './mpi.js';

interface Bucket {
  /** The layer whose backward completes the bucket (the lowest index in it). */
  readonly lastLayer: number;
  readonly params: readonly Param[];
  readonly staging: Float32Array;
  request: number | null;
}

/** Time spent, in milliseconds, summed since the last reset. */
export interface CommTimes {
  /** Starting, testing and packing during the backward pass. */
  inBackward: number;
  /** Of which inside MPI_Iallreduce (starting the sums). */
  starting: number;
  /** Waiting after the backward pass for sums still in flight (the exposed part). */
  exposedWait: number;
  steps: number;
}

/** Default bucket size: big enough that per-message latency is small, small enough to start early. */
export const DEFAULT_BUCKET_BYTES = 4 * 2 ** 20;

export class GradientBuckets {
  readonly buckets: readonly Bucket[];
  private readonly byLastLayer = new Map<number, Bucket>();
  private inFlight: Bucket[] = [];
  readonly times: CommTimes = { inBackward: 0, starting: 0, exposedWait: 0, steps: 0 };

  /** `params`: the gradients to sum (trainable ones; frozen layers are left out). */
  constructor(private readonly mpi: MpiAddon, layers: readonly Layer[], params: readonly Param[], bucketBytes = DEFAULT_BUCKET_BYTES) {
    const wanted = new Set(params);
    const buckets: Bucket[] = [];
    let open: Param[] = [];
    let size = 0;
    const close = (lastLayer: number) => {
      buckets.push({ lastLayer, params: open, staging: new Float32Array(size), request: null });
      open = [];
      size = 0;
    };
    for (let i = layers.length - 1; i >= 0; i--) {
      const mine = layers[i].params().filter((p) => wanted.has(p));
      open.push(...mine);
      size += mine.reduce((a, p) => a + p.grad.size, 0);
      // A bucket closes at a layer boundary once full, and at the first layer.
      if (open.length && (size * 4 >= bucketBytes || i === 0 || !layers.slice(0, i).some((l) => l.params().some((p) => wanted.has(p))))) close(i);
    }
    this.buckets = buckets;
    for (const b of buckets) this.byLastLayer.set(b.lastLayer, b);
  }

  /** Layer `index` finished its backward pass. */
  layerDone(index: number): void {
    const t0 = performance.now();
    const b = this.byLastLayer.get(index);
    if (b) {
      let at = 0;
      for (const p of b.params) {
        b.staging.set(p.grad.data, at);
        at += p.grad.size;
      }
      const t1 = performance.now();
      b.request = this.mpi.iallreduceSum(b.staging);
      this.times.starting += performance.now() - t1;
      this.inFlight.push(b);
    }
    this.inFlight = this.inFlight.filter((f) => !this.mpi.test(f.request!));
    this.times.inBackward += performance.now() - t0;
  }

  /** Waits for every bucket and writes the sums into the parameters' gradients. */
  finish(): void {
    const t0 = performance.now();
    for (const b of this.inFlight) this.mpi.wait(b.request!);
    this.inFlight = [];
    this.times.exposedWait += performance.now() - t0;
    for (const b of this.buckets) {
      let at = 0;
      for (const p of b.params) {
        p.grad.data.set(b.staging.subarray(at, at + p.grad.size));
        at += p.grad.size;
      }
      b.request = null;
    }
    this.times.steps++;
  }

  /** Gradient values summed per step. */
  get floats(): number {
    return this.buckets.reduce((a, b) => a + b.staging.length, 0);
  }
}
