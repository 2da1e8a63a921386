// Reference ReLU.
import type { ReluKernels } from '../../ops/relu.js';

export const relu: ReluKernels = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
  },
  backward(n, y, dy, dx) {
    for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  },
};
