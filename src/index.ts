// Public API of alexnet-ts.
export { Tensor } from './tensor/tensor.js';
export { type Shape, shapeSize, formatShape } from './tensor/shape.js';
export { Rng, type RngState } from './tensor/random.js';
export { OpError } from './ops/errors.js';
export { registerKernels, setBackend, activeBackend, kernelsFor, registeredBackends, backendOps, OP_NAMES, type OpName, type KernelSets } from './ops/registry.js';
export * from './ops/conv2d.js';
export * from './ops/linear.js';
export * from './ops/relu.js';
export * from './ops/lrn.js';
export * from './ops/maxpool2d.js';
export * from './ops/dropout.js';
export * from './ops/softmax.js';
export * from './ops/crossentropy.js';
export * from './ops/sgd.js';
export * from './io/safetensors.js';
export * from './io/npy.js';
export * from './io/weights.js';
export { encodeOnnx, toOnnxModel, OnnxExportError, ONNX_OPSET, ONNX_INPUT, ONNX_OUTPUT, type OnnxExportOptions } from './export/onnx.js';
export { VERSION } from './version.js';
export { selectDefaultBackend, registerNative } from './backend/select.js';
export { loadAddon, type NativeAddon } from './backend/native/addon.js';
export * from './data/index.js';
export * from './eval/index.js';
export * from './viz/index.js';

import { selectDefaultBackend } from './backend/select.js';

// The library's users get the fastest backend that loads.
selectDefaultBackend();
