// Top-k of the view-averaged scores on the GPU (src/ops/topk.ts), one thread
// per image: k passes over the K classes, each picking the best class that
// comes strictly after the previous pick in the order (score descending,
// class ascending) — the order of the reference's stable sort, with no
// per-thread arrays. Evaluation then reads k indices per image instead of
// N×K probabilities. The average is summed in view order and divided by the
// view count, as averageViews does (in float32 here, float64 there: with one
// view the ranking is of the same float32 values and identical).
import type { TopKKernels } from '../../../ops/topk.js';
import type { DeviceMemory } from '../../../ops/memory.js';
import type { WebGpuDevice } from '../device.js';
import { chunkItems, grid, linearId, runKernel } from '../shader.js';

const SCORE = `
fn score(n: u32, c: u32) -> f32 {
  var s = 0.0;
  for (var v = 0u; v < p.views; v++) { s += x[p.o_x + (n * p.views + v) * p.K + c]; }
  return s / f32(p.views);
}`;

export function webgpuTopK(dev: WebGpuDevice): TopKKernels<DeviceMemory> {
  return {
    forward({ N, views, K, k }, scores, indices, labels, labelScores) {
      const withLabels = labels !== null && labelScores !== null;
      // Chunks of whole images, so each image's rows sit in one window.
      const per = chunkItems(dev, N, [views * K, k, 1]);
      for (let n0 = 0; n0 < N; n0 += per) {
        const c = Math.min(per, N - n0);
        runKernel(dev, {
          key: `topk${withLabels ? '-labels' : ''}`,
          params: { N: [c, 'u32'], views: [views, 'u32'], K: [K, 'u32'], k: [k, 'u32'] },
          operands: [
            { name: 'x', array: scores, start: n0 * views * K, count: c * views * K },
            { name: 'idx', array: indices, start: n0 * k, count: c * k, write: true },
            ...(withLabels ? [
              { name: 'labels', array: labels, start: n0, count: c },
              { name: 'ls', array: labelScores, start: n0, count: c, write: true },
            ] : []),
          ],
          prelude: SCORE,
          main: `
  let n = ${linearId(64)};
  if (n >= p.N) { return; }
  var prevS = 0.0;
  var prevC = 0u;
  for (var j = 0u; j < p.k; j++) {
    var bestS = 0.0;
    var bestC = 0xffffffffu;
    for (var c = 0u; c < p.K; c++) {
      let s = score(n, c);
      if (j > 0u && !(s < prevS || (s == prevS && c > prevC))) { continue; }
      // Classes ascend, so a tie keeps the earlier class.
      if (bestC == 0xffffffffu || s > bestS) { bestS = s; bestC = c; }
    }
    idx[p.o_idx + n * p.k + j] = i32(bestC);
    prevS = bestS;
    prevC = bestC;
  }${withLabels ? `
  ls[p.o_ls + n] = score(n, u32(labels[p.o_labels + n]));` : ''}`,
          workgroupSize: [64, 1, 1],
          workgroups: grid(c, 64),
        });
      }
    },
  };
}
