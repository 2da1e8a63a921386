// Reference fully connected layer: plain dot products with float64 accumulation.
import type { LinearKernels } from '../../ops/linear.js';

export const linear: LinearKernels = {
  forward({ N, I, O }, x, w, b, y, relu) {
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        let acc = b ? b[o] : 0;
        for (let i = 0; i < I; i++) acc += x[n * I + i] * w[o * I + i];
        y[n * O + o] = relu && !(acc > 0) ? 0 : acc;
      }
    }
  },

  backwardData({ N, I, O }, dy, w, dx) {
    const acc = new Float64Array(I);
    for (let n = 0; n < N; n++) {
      acc.fill(0);
      for (let o = 0; o < O; o++) {
        const d = dy[n * O + o];
        for (let i = 0; i < I; i++) acc[i] += d * w[o * I + i];
      }
      dx.set(acc, n * I);
    }
  },

  backwardWeights({ N, I, O }, x, dy, dw, db) {
    const acc = new Float64Array(I);
    for (let o = 0; o < O; o++) {
      acc.fill(0);
      let bias = 0;
      for (let n = 0; n < N; n++) {
        const d = dy[n * O + o];
        bias += d;
        for (let i = 0; i < I; i++) acc[i] += d * x[n * I + i];
      }
      dw.set(acc, o * I);
      if (db) db[o] = bias;
    }
  },
};
