// Reference LRN across channels (§3.3), window clipped at channel-group edges.
import type { LrnGeometry, LrnKernels } from '../../ops/lrn.js';

/** Channels [lo, hi] reached by a window reaching `before` channels back and `after` forward from c, inside c's group. */
function clippedWindow(g: LrnGeometry, c: number, before: number, after: number): [number, number] {
  const Cg = g.C / g.groups;
  const first = Math.floor(c / Cg) * Cg;
  return [Math.max(first, c - before), Math.min(first + Cg - 1, c + after)];
}

export const lrn: LrnKernels = {
  forward(g, x, y, scale) {
    const { N, C, HW, size, alphaEff, beta, k } = g;
    // window(c) = [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋]
    const before = Math.floor(size / 2);
    const after = Math.floor((size - 1) / 2);
    for (let n = 0; n < N; n++) {
      const base = n * C * HW;
      for (let c = 0; c < C; c++) {
        const [lo, hi] = clippedWindow(g, c, before, after);
        for (let p = 0; p < HW; p++) {
          let sum = 0;
          for (let j = lo; j <= hi; j++) {
            const v = x[base + j * HW + p];
            sum += v * v;
          }
          const s = k + alphaEff * sum;
          const i = base + c * HW + p;
          scale[i] = s;
          y[i] = x[i] * Math.pow(s, -beta);
        }
      }
    }
  },

  backward(g, x, y, scale, dy, dx) {
    const { N, C, HW, size, alphaEff, beta } = g;
    // m ∈ window(i) ⇔ i ∈ [m − ⌊(n−1)/2⌋, m + ⌊n/2⌋]: the transposed window.
    const before = Math.floor((size - 1) / 2);
    const after = Math.floor(size / 2);
    for (let n = 0; n < N; n++) {
      const base = n * C * HW;
      for (let m = 0; m < C; m++) {
        const [lo, hi] = clippedWindow(g, m, before, after);
        for (let p = 0; p < HW; p++) {
          let sum = 0;
          for (let i = lo; i <= hi; i++) {
            const q = base + i * HW + p;
            sum += (dy[q] * y[q]) / scale[q];
          }
          const q = base + m * HW + p;
          dx[q] = dy[q] * Math.pow(scale[q], -beta) - 2 * alphaEff * beta * x[q] * sum;
        }
      }
    }
  },
};
