// Evaluation of a network on a data split: the centre crop, or the paper's
// 10 views with their softmax outputs averaged (docs/paper.md §5).
import type { AlexNet } from '../models/alexnet.js';
import type { DataLoader } from '../data/types.js';
import { hostDevice } from '../tensor/device.js';
import type { Tensor } from '../tensor/tensor.js';
import type { IndexArray } from '../tensor/tensor.js';
import { Buffer } from '../nn/layer.js';
import { softmax } from '../ops/softmax.js';
import { topk } from '../ops/topk.js';
import { averageViews, softmaxRows, Tally } from './metrics.js';
import { DeviceInput } from '../data/device-input.js';
import type { Batch } from '../data/types.js';

export interface EvalResult {
  readonly images: number;
  readonly loss: number;
  readonly top1Error: number;
  readonly top5Error: number;
  readonly tally: Tally;
}

/** Ranked classes the tally needs per image (top-1 and top-5). */
const RANKED = 5;

/** Device buffers of one evaluation, reused across batches (allocated again only when the batch size changes). */
interface DeviceEval {
  readonly probs: Buffer;
  readonly labelScores: Buffer;
  labels: IndexArray;
  indices: IndexArray;
  /** Renders a raw batch's views on the device (Batch.raw). */
  readonly input: DeviceInput;
}

/**
 * One batch of a single network on a GPU: softmax and the view-averaged top-k
 * run on the device, and the host reads only the ranked classes and each
 * label's averaged probability (N·(k + 1) values instead of N·views·K).
 */
async function addOnDevice(m: AlexNet, batch: Batch, views: number, tally: Tally, b: DeviceEval): Promise<void> {
  const dev = m.device;
  const { labels } = batch;
  const n = labels.length;
  const k = Math.min(RANKED, tally.classes);
  // A raw batch (uint8 images + view table) is rendered on the device; x would be rendered on the host.
  const x: Tensor = batch.raw ? b.input.render(batch.raw) : batch.x;
  const logits = m.forward(x);
  const probs = softmax(logits, b.probs.get(logits.shape));
  if (b.labels.length !== n) {
    b.labels = dev.indices(n);
    b.indices = dev.indices(n * k);
  }
  dev.writeIndices(b.labels, labels);
  const r = topk(probs, k, { views, labels: b.labels, out: { indices: b.indices, labelScores: b.labelScores.get([n]) } });
  const indices = await dev.readIndices(r.indices);
  const scores = await dev.read(r.labelScores!);
  tally.addRanked(indices, r.k, labels, scores);
}

/** Whether `evaluate` runs these networks' softmax, top-k and input views on their device (a single network on a GPU). */
export function rendersOnDevice(models: readonly AlexNet[]): boolean {
  return models.length === 1 && models[0].device !== hostDevice;
}

/**
 * Runs `models` (one, or an ensemble whose softmax outputs are averaged, §6)
 * in evaluation mode over every batch of `loader`. `views` is how many rows
 * of each batch belong to one image (10 for the loader's tenViews mode).
 *
 * Host networks (and ensembles) rank float64 probabilities on the host. A
 * single network on a GPU ranks on the device (float32 softmax and average:
 * the figures agree with the host's to float32 rounding, and an exact tie on
 * the host may rank differently when float32 rounding breaks it).
 */
export async function evaluate(models: readonly AlexNet[], loader: DataLoader, views = 1, onBatch?: (done: number) => void): Promise<EvalResult> {
  const k = models[0].preset.classes;
  const tally = new Tally(k);
  const wasTraining = models.map((m) => m.training);
  models.forEach((m) => m.eval());
  const onDevice = rendersOnDevice(models);
  const dev = models[0].device;
  const bufs: DeviceEval = { probs: new Buffer(dev), labelScores: new Buffer(dev), labels: dev.indices(0), indices: dev.indices(0), input: new DeviceInput(dev) };
  try {
    for await (const batch of loader.epoch(0)) {
      const n = batch.labels.length;
      if (n === 0) continue; // a data-parallel process's share of a short last batch
      const rows = batch.raw ? batch.raw.images * batch.raw.viewsPerImage : batch.x.shape[0];
      if (rows !== n * views) throw new Error(`evaluate: batch of ${rows} rows for ${n} images and ${views} views`);
      if (onDevice) {
        await addOnDevice(models[0], batch, views, tally, bufs);
        onBatch?.(tally.images);
        continue;
      }
      let mean: Float64Array | null = null;
      for (const m of models) {
        const p = averageViews(softmaxRows(await m.forwardToHost(batch.x), rows, k), n, views, k);
        if (!mean) mean = p;
        else for (let i = 0; i < p.length; i++) mean[i] += p[i];
      }
      if (models.length > 1) for (let i = 0; i < mean!.length; i++) mean![i] /= models.length;
      tally.add(mean!, batch.labels);
      onBatch?.(tally.images);
    }
  } finally {
    models.forEach((m, i) => (wasTraining[i] ? m.train() : m.eval()));
  }
  return { images: tally.images, loss: tally.loss, top1Error: tally.top1Error, top5Error: tally.top5Error, tally };
}
