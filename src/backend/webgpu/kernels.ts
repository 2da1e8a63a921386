// The WebGPU kernel set: one WGSL kernel family per op, registered under the
// same op names as the reference kernels they are tested against, when this
// module is imported (opening a device imports it). Each device builds its
// own (pipelines and buffers are per device) on first use.
import { registerDeviceKernels, type KernelSets, type OpName } from '../../ops/registry.js';
import type { DeviceMemory } from '../../ops/memory.js';
import { WEBGPU_BACKEND, type WebGpuDevice } from './device.js';
import { webgpuConv2d } from './kernels/conv2d.js';
import { webgpuLinear } from './kernels/linear.js';
import { webgpuDropout, webgpuRelu, webgpuSgd, webgpuTanh } from './kernels/elementwise.js';
import { webgpuLrn } from './kernels/lrn.js';
import { webgpuMaxPool2d } from './kernels/maxpool2d.js';
import { webgpuCrossEntropy, webgpuSoftmax } from './kernels/softmax.js';
import { webgpuTopK } from './kernels/topk.js';
import { webgpuRenderViews } from './kernels/render-views.js';

/** Every op's WGSL kernels, as a factory for one device (the compiler checks that none is missing). */
const webgpuKernels: { [K in OpName]: (device: WebGpuDevice) => KernelSets<DeviceMemory>[K] } = {
  conv2d: webgpuConv2d,
  linear: webgpuLinear,
  relu: webgpuRelu,
  tanh: webgpuTanh,
  lrn: webgpuLrn,
  maxpool2d: webgpuMaxPool2d,
  dropout: webgpuDropout,
  softmax: webgpuSoftmax,
  crossEntropy: webgpuCrossEntropy,
  sgd: webgpuSgd,
  topk: webgpuTopK,
  renderViews: webgpuRenderViews,
};

for (const op of Object.keys(webgpuKernels) as OpName[]) registerDeviceKernels(WEBGPU_BACKEND, op, webgpuKernels[op] as (device: WebGpuDevice) => KernelSets<DeviceMemory>[typeof op]);
