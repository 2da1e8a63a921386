// Predictions of one network or an ensemble (softmax averaged, §6) on
// preprocessed images, and the shape of a scored class (docs/paper.md §6.1,
// Figure 4 left).
import type { ClassInfo } from '../data/types.js';
import type { AlexNet } from '../models/alexnet.js';
import { Tensor } from '../tensor/tensor.js';
import { softmaxRows } from './metrics.js';

export interface ClassScore extends ClassInfo {
  /** Output index. */
  readonly index: number;
  readonly probability: number;
}

/** Mean softmax of the models over x [N, C, S, S] → [N, K] (evaluation mode). */
export async function ensembleProbabilities(models: readonly AlexNet[], x: Tensor, batch = 64): Promise<Float64Array> {
  const n = x.shape[0];
  const k = models[0].preset.classes;
  const per = n ? x.size / n : 0;
  const out = new Float64Array(n * k);
  for (const m of models) {
    m.eval();
    for (let i = 0; i < n; i += batch) {
      const b = Math.min(batch, n - i);
      const view = new Tensor(x.data.subarray(i * per, (i + b) * per), [b, ...x.shape.slice(1)]);
      const p = softmaxRows(await m.forwardToHost(view), b, k);
      for (let j = 0; j < p.length; j++) out[i * k + j] += p[j] / models.length;
    }
  }
  return out;
}
