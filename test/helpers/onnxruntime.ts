// Runs an exported ONNX model with onnxruntime-node (a devDependency). The
// import is static: if the runtime is missing, every test that uses it fails
// at load time instead of skipping.
import * as ort from 'onnxruntime-node';
import { Tensor } from '../../src/tensor/tensor.js';

/** Runs the model on `x` (NCHW float32) on the CPU and returns the single output. */
export async function runOnnx(model: Uint8Array, x: Tensor, inputName = 'input'): Promise<Tensor> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  try {
    const out = await session.run({ [inputName]: new ort.Tensor('float32', x.data, [...x.shape]) });
    const y = out[session.outputNames[0]];
    if (y.type !== 'float32') throw new Error(`onnxruntime: output is ${y.type}, expected float32`);
    return new Tensor(Float32Array.from(y.data as Float32Array), y.dims.map(Number));
  } finally {
    await session.release();
  }
}
