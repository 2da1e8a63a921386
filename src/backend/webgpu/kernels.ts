// The WebGPU kernel set: one WGSL kernel family per op, registered under the
// same op names as the reference kernels they are tested against. Each
// device builds its own (pipelines and buffers are per device) on first use.
import { registerDeviceKernels } from '../../ops/registry.js';
import { WEBGPU_BACKEND, type WebGpuDevice } from './device.js';
import { webgpuConv2d } from './kernels/conv2d.js';
import { webgpuLinear } from './kernels/linear.js';
import { webgpuDropout, webgpuRelu, webgpuSgd, webgpuTanh } from './kernels/elementwise.js';
import { webgpuLrn } from './kernels/lrn.js';
import { webgpuMaxPool2d } from './kernels/maxpool2d.js';
import { webgpuCrossEntropy, webgpuSoftmax } from './kernels/softmax.js';
import { webgpuTopK } from './kernels/topk.js';
import { webgpuRenderViews } from './kernels/render-views.js';

let registered = false;

/** Registers the WebGPU kernels (once; opening a device does it). */
export function registerWebGpuKernels(): void {
  if (registered) return;
  registered = true;
  registerDeviceKernels(WEBGPU_BACKEND, 'conv2d', webgpuConv2d);
  registerDeviceKernels(WEBGPU_BACKEND, 'linear', webgpuLinear);
  registerDeviceKernels(WEBGPU_BACKEND, 'relu', webgpuRelu);
  registerDeviceKernels(WEBGPU_BACKEND, 'tanh', webgpuTanh);
  registerDeviceKernels(WEBGPU_BACKEND, 'lrn', webgpuLrn);
  registerDeviceKernels(WEBGPU_BACKEND, 'maxpool2d', webgpuMaxPool2d);
  registerDeviceKernels(WEBGPU_BACKEND, 'dropout', webgpuDropout);
  registerDeviceKernels(WEBGPU_BACKEND, 'softmax', webgpuSoftmax);
  registerDeviceKernels(WEBGPU_BACKEND, 'crossEntropy', webgpuCrossEntropy);
  registerDeviceKernels(WEBGPU_BACKEND, 'sgd', webgpuSgd);
  registerDeviceKernels(WEBGPU_BACKEND, 'topk', webgpuTopK);
  registerDeviceKernels(WEBGPU_BACKEND, 'renderViews', webgpuRenderViews);
}
