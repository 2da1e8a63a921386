// Evaluation of a network on a data split: the centre crop, or the paper's
// 10 views with their softmax outputs averaged (docs/paper.md §5).
import type { AlexNet } from '../models/alexnet.js';
import type { DataLoader } from '../data/types.js';
import { averageViews, softmaxRows, Tally } from './metrics.js';

export interface EvalResult {
  readonly images: number;
  readonly loss: number;
  readonly top1Error: number;
  readonly top5Error: number;
  readonly tally: Tally;
}

/**
 * Runs `models` (one, or an ensemble whose softmax outputs are averaged, §6)
 * in evaluation mode over every batch of `loader`. `views` is how many rows
 * of each batch belong to one image (10 for the loader's tenViews mode).
 */
export async function evaluate(models: readonly AlexNet[], loader: DataLoader, views = 1, onBatch?: (done: number) => void): Promise<EvalResult> {
  const k = models[0].preset.classes;
  const tally = new Tally(k);
  const wasTraining = models.map((m) => m.training);
  models.forEach((m) => m.eval());
  try {
    for await (const batch of loader.epoch(0)) {
      const n = batch.labels.length;
      if (n === 0) continue; // a data-parallel process's share of a short last batch
      const rows = batch.x.shape[0];
      if (rows !== n * views) throw new Error(`evaluate: batch of ${rows} rows for ${n} images and ${views} views`);
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
