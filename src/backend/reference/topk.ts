// Reference top-k: the float64 view average and the stable-sort ranking that
// host evaluation uses (src/ops/topk.ts), one image at a time.
import { averageViews, topK, type TopKKernels } from '../../ops/topk.js';

export const topk: TopKKernels = {
  forward({ N, views, K, k }, scores, indices, labels, labelScores) {
    for (let n = 0; n < N; n++) {
      const mean = averageViews(scores.subarray(n * views * K, (n + 1) * views * K), 1, views, K);
      indices.set(topK(mean, 0, K, k), n * k);
      if (labels && labelScores) labelScores[n] = mean[labels[n]];
    }
  },
};
