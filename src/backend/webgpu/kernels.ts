// The WebGPU kernel set: one WGSL kernel family per op, under the same op
// names as the reference kernels they are tested against.
import type { WebGpuDevice } from './device.js';
import { webgpuConv2d } from './kernels/conv2d.js';
import { webgpuLinear } from './kernels/linear.js';
import { webgpuDropout, webgpuRelu, webgpuSgd, webgpuTanh } from './kernels/elementwise.js';
import { webgpuLrn } from './kernels/lrn.js';
import { webgpuMaxPool2d } from './kernels/maxpool2d.js';
import { webgpuCrossEntropy, webgpuSoftmax } from './kernels/softmax.js';
import { webgpuTopK } from './kernels/topk.js';
import { webgpuRenderViews } from './kernels/render-views.js';

export function attachKernels(dev: WebGpuDevice): void {
  dev.kernels = {
    conv2d: webgpuConv2d(dev),
    linear: webgpuLinear(dev),
    relu: webgpuRelu(dev),
    tanh: webgpuTanh(dev),
    lrn: webgpuLrn(dev),
    maxpool2d: webgpuMaxPool2d(dev),
    dropout: webgpuDropout(dev),
    softmax: webgpuSoftmax(dev),
    crossEntropy: webgpuCrossEntropy(dev),
    sgd: webgpuSgd(dev),
    topk: webgpuTopK(dev),
    renderViews: webgpuRenderViews(dev),
  };
}
