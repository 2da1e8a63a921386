// The native backend: C++ kernels (packed AVX-512/AVX2 GEMM, implicit-GEMM
// convolution, one-pass LRN) registered under the reference ops' names.
// Softmax and cross-entropy (1000 values a row) stay on the reference kernels.
import type { KernelSets } from '../../ops/registry.js';
import type { Conv2dGeometry } from '../../ops/conv2d.js';
import type { LrnGeometry } from '../../ops/lrn.js';
import type { MaxPool2dGeometry } from '../../ops/maxpool2d.js';
import type { NativeAddon } from './addon.js';

export const NATIVE_BACKEND = 'native';

function convArgs(g: Conv2dGeometry): [number, number, number, number, number, number, number, number, number, number, number, number, number, number] {
  return [g.N, g.C, g.H, g.W, g.O, g.KH, g.KW, g.OH, g.OW, g.strideH, g.strideW, g.padTop, g.padLeft, g.groups];
}

function lrnArgs(g: LrnGeometry): [number, number, number, number, number, number, number, number] {
  return [g.N, g.C, g.HW, g.size, g.groups, g.alphaEff, g.beta, g.k];
}

function poolArgs(g: MaxPool2dGeometry): [number, number, number, number, number, number, number, number, number] {
  return [g.N, g.C, g.H, g.W, g.OH, g.OW, g.kernel, g.stride, g.padding];
}

export function nativeKernels(a: NativeAddon): Partial<KernelSets> {
  return {
    conv2d: {
      forward: (g, x, w, b, y, relu) => a.conv2dForward(...convArgs(g), x, w, b, y, relu),
      backwardData: (g, dy, w, dx) => a.conv2dBackwardData(...convArgs(g), dy, w, dx),
      backwardWeights: (g, x, dy, dw, db) => a.conv2dBackwardWeights(...convArgs(g), x, dy, dw, db),
    },
    linear: {
      forward: ({ N, I, O }, x, w, b, y, relu) => a.linearForward(N, I, O, x, w, b, y, relu),
      backwardData: ({ N, I, O }, dy, w, dx) => a.linearBackwardData(N, I, O, dy, w, dx),
      backwardWeights: ({ N, I, O }, x, dy, dw, db) => a.linearBackwardWeights(N, I, O, x, dy, dw, db),
    },
    relu: {
      forward: (n, x, y) => a.reluForward(n, x, y),
      backward: (n, y, dy, dx) => a.reluBackward(n, y, dy, dx),
    },
    tanh: {
      forward: (n, x, y) => a.tanhForward(n, x, y),
      backward: (n, y, dy, dx) => a.tanhBackward(n, y, dy, dx),
    },
    lrn: {
      forward: (g, x, y, scale) => a.lrnForward(...lrnArgs(g), x, y, scale),
      backward: (g, x, y, scale, dy, dx) => a.lrnBackward(...lrnArgs(g), x, y, scale, dy, dx),
    },
    maxpool2d: {
      forward: (g, x, y, argmax) => a.maxpoolForward(...poolArgs(g), x, y, argmax),
      backward: (g, dy, argmax, dx) => a.maxpoolBackward(...poolArgs(g), dy, argmax, dx),
    },
    dropout: {
      apply: (n, x, mask, scale, y) => a.maskScale(n, x, mask, scale, y),
    },
    sgd: {
      update: (n, w, v, g, s) => a.sgdUpdate(n, w, v, g, s.learningRate, s.momentum, s.weightDecay, s.form === 'pytorch'),
    },
  };
}
