// Reference tanh: Math.tanh in float64, rounded once to float32.
import type { TanhKernels } from '../../ops/tanh.js';

export const tanh: TanhKernels = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
  },
  backward(n, y, dy, dx) {
    for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
  },
};
