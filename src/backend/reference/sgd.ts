// Reference SGD update (float32 arithmetic per element, as stored).
import type { SgdKernels } from '../../ops/sgd.js';

export const sgd: SgdKernels = {
  update(n, w, v, g, { learningRate: lr, momentum: mu, weightDecay: decay, form }) {
    if (form === 'pytorch') {
      for (let i = 0; i < n; i++) {
        v[i] = mu * v[i] + g[i] + decay * w[i];
        w[i] -= lr * v[i];
      }
    } else {
      for (let i = 0; i < n; i++) {
        v[i] = mu * v[i] - decay * lr * w[i] - lr * g[i];
        w[i] += v[i];
      }
    }
  },
};
