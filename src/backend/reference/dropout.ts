// Reference dropout: an elementwise mask and scale.
import type { DropoutKernels } from '../../ops/dropout.js';

export const dropout: DropoutKernels = {
  apply(n, x, mask, scale, y) {
    if (mask) for (let i = 0; i < n; i++) y[i] = x[i] * mask[i] * scale;
    else for (let i = 0; i < n; i++) y[i] = x[i] * scale;
  },
};
