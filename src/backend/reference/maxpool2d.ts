// Reference max pooling; ties go to the first maximum in row-major order.
import type { MaxPool2dKernels } from '../../ops/maxpool2d.js';

export const maxpool2d: MaxPool2dKernels = {
  forward({ N, C, H, W, OH, OW, kernel, stride, padding }, x, y, argmax) {
    for (let plane = 0; plane < N * C; plane++) {
      const xBase = plane * H * W;
      for (let oh = 0; oh < OH; oh++) {
        const h0 = Math.max(0, oh * stride - padding);
        const h1 = Math.min(H, oh * stride - padding + kernel);
        for (let ow = 0; ow < OW; ow++) {
          const w0 = Math.max(0, ow * stride - padding);
          const w1 = Math.min(W, ow * stride - padding + kernel);
          let best = -Infinity;
          let at = h0 * W + w0;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const v = x[xBase + h * W + w];
              // NaN propagates, as in PyTorch.
              if (v > best || Number.isNaN(v)) {
                best = v;
                at = h * W + w;
              }
            }
          }
          const o = (plane * OH + oh) * OW + ow;
          y[o] = best;
          if (argmax) argmax[o] = at;
        }
      }
    }
  },

  backward({ N, C, H, W, OH, OW }, dy, argmax, dx) {
    dx.fill(0);
    for (let plane = 0; plane < N * C; plane++) {
      for (let i = 0; i < OH * OW; i++) {
        const o = plane * OH * OW + i;
        dx[plane * H * W + argmax[o]] += dy[o];
      }
    }
  },
};
