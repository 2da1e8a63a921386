// Data-parallel SGD over MPI (docs/cluster.md): every rank holds the whole network,
// takes its fixed share of each global batch (src/data/part.ts), and the
// gradients are summed by all-reduce, so every rank applies the same update
// and the weights stay identical. The result does not depend on the number
// of ranks beyond float rounding: augmentation is a function of the image
// index, dropout masks are drawn for the whole global batch from a generator
// every rank keeps in step (src/nn/dropout.ts), and the loss is the mean over
// the global batch (src/train/step.ts).
import type { Layer, Param, RowRange } from '../nn/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import type { EvalResult } from '../eval/evaluate.js';
import type { Position } from '../train/checkpoint.js';
import type { DistributedTraining } from '../train/distributed.js';
import { partRange, type Part } from '../data/part.js';
import { DEFAULT_BUCKET_BYTES, GradientBuckets } from './buckets.js';
import type { MpiAddon } from './mpi.js';

export interface Job {
  readonly mpi: MpiAddon;
  readonly rank: number;
  readonly size: number;
}

/** A 64-bit FNV-1a fingerprint of float bits, as two exact doubles (for broadcast). */
export function fingerprint(arrays: readonly (Float32Array | Uint32Array)[]): Float64Array {
  let lo = 0x811c9dc5;
  let hi = 0x01000193;
  for (const a of arrays) {
    const u = a instanceof Uint32Array ? a : new Uint32Array(a.buffer, a.byteOffset, a.length);
    for (let i = 0; i < u.length; i++) {
      lo = Math.imul(lo ^ u[i], 0x01000193) >>> 0;
      hi = Math.imul(hi ^ lo, 0x00000193) >>> 0;
    }
  }
  return Float64Array.of(lo, hi);
}

/** ALEXNET_MPI_BUCKET_MB, or the default. */
function bucketBytesFromEnv(): number {
  const mb = Number(process.env.ALEXNET_MPI_BUCKET_MB);
  return process.env.ALEXNET_MPI_BUCKET_MB && mb > 0 ? mb * 2 ** 20 : DEFAULT_BUCKET_BYTES;
}

export class DataParallel implements DistributedTraining {
  readonly rank: number;
  readonly size: number;
  readonly rows: RowRange;
  readonly part: Part;
  private buckets: GradientBuckets | null = null;
  private readonly stats = new Float64Array(3);

  /** `globalBatch`: images per step over all ranks (the preset's 128). */
  constructor(private readonly job: Job, readonly globalBatch: number) {
    if (globalBatch < job.size) throw new Error(`a batch of ${globalBatch} images cannot be split across ${job.size} processes (each needs at least one image); use at most ${globalBatch} processes or a larger --batch-size`);
    this.rank = job.rank;
    this.size = job.size;
    this.part = { index: job.rank, count: job.size };
    this.rows = { start: partRange(globalBatch, this.part)[0], total: globalBatch };
  }

  /** The gradients of `params` will be summed in buckets as `layers` finish their backward. */
  attach(layers: readonly Layer[], params: readonly Param[], bucketBytes = bucketBytesFromEnv()): GradientBuckets {
    this.buckets = new GradientBuckets(this.job.mpi, layers, params, bucketBytes);
    return this.buckets;
  }

  get gradientBuckets(): GradientBuckets | null {
    return this.buckets;
  }

  reduceStats(lossSum: number, correct: number, images: number): { lossSum: number; correct: number; images: number } {
    const s = this.stats;
    s[0] = lossSum;
    s[1] = correct;
    s[2] = images;
    this.job.mpi.allreduceSum(s);
    return { lossSum: s[0], correct: s[1], images: s[2] };
  }

  layerDone(index: number): void {
    this.requireBuckets().layerDone(index);
  }

  finish(): void {
    this.requireBuckets().finish();
  }

  syncState(params: readonly Param[], velocity: ReadonlyMap<string, Tensor>, rng: Rng, position: Position): void {
    const mpi = this.job.mpi;
    const here = Float64Array.of(position.epoch, position.stepInEpoch, position.globalStep);
    const root = Float64Array.from(here);
    mpi.broadcast(root, 0);
    if (root.some((v, i) => v !== here[i])) {
      throw new Error(`rank ${this.rank} stands at epoch ${here[0] + 1}, step ${here[1]} but rank 0 at epoch ${root[0] + 1}, step ${root[1]}: every rank must resume from the same checkpoint (put the run folder on storage all nodes share)`);
    }
    for (const p of params) {
      mpi.broadcast(p.value.data, 0);
      mpi.broadcast(velocity.get(p.name)!.data, 0);
    }
    const st = rng.getState();
    const b = Float64Array.of(...st.s, st.spare === null ? 0 : 1, st.spare ?? 0);
    mpi.broadcast(b, 0);
    rng.setState({ s: [b[0], b[1], b[2], b[3]], spare: b[4] ? b[5] : null });
  }

  reduceEval(local: EvalResult): EvalResult {
    const t = local.tally;
    const sums = new Float64Array(4 + t.confusion.length);
    sums.set([t.images, t.lossSum, t.top1, t.top5]);
    sums.set(t.confusion, 4);
    this.job.mpi.allreduceSum(sums);
    [t.images, t.lossSum, t.top1, t.top5] = sums;
    t.confusion.set(sums.subarray(4));
    return { images: t.images, loss: t.loss, top1Error: t.top1Error, top5Error: t.top5Error, tally: t };
  }

  anyRank(flag: boolean): boolean {
    const f = Float64Array.of(flag ? 1 : 0);
    this.job.mpi.allreduceSum(f);
    return f[0] > 0;
  }

  checkInSync(params: readonly Param[]): void {
    this.checkSame(params.map((p) => p.value.data), `rank ${this.rank}'s weights differ from rank 0's (the all-reduce gave different sums on different ranks)`);
  }

  /** Throws `message` on every rank whose text (e.g. its resolved config) differs from rank 0's. */
  checkText(text: string, message: string): void {
    const bytes = new TextEncoder().encode(text);
    const words = new Uint32Array(Math.ceil(bytes.length / 4) + 1);
    new Uint8Array(words.buffer).set(bytes);
    words[words.length - 1] = bytes.length;
    this.checkSame([words], message);
  }

  private checkSame(arrays: readonly (Float32Array | Uint32Array)[], message: string): void {
    const here = fingerprint(arrays);
    const root = Float64Array.from(here);
    this.job.mpi.broadcast(root, 0);
    if (root[0] !== here[0] || root[1] !== here[1]) throw new Error(message);
  }

  private requireBuckets(): GradientBuckets {
    if (!this.buckets) throw new Error('DataParallel: attach() the network before training');
    return this.buckets;
  }
}
