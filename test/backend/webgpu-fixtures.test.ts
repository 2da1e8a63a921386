// The WebGPU kernels against the PyTorch fixtures (every AlexNet layer shape
// at batch 2 and the edge cases), on SwiftShader in CI. A second pass caps
// the binding size at 64 KiB so that every chunked path (images, weight rows,
// elements) runs on the same cases.
import { after, before, describe } from 'node:test';
import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input, labels, setFixtureDevice } from '../helpers/fixtures.js';
import { hostDevice, readTensor } from '../../src/tensor/device.js';
import { runConv2d, runDropout, runLinear, runLrn, runMaxPool2d, runRelu, runSoftmax, runTanh } from '../helpers/runs.js';
import { webgpuOrSkip } from '../helpers/webgpu.js';
import { crossEntropyBackward, crossEntropyRows } from '../../src/ops/crossentropy.js';
import type { WebGpuDevice } from '../../src/backend/webgpu/device.js';

/** Cross-entropy on a device: the mean of the per-row losses the kernel writes. */
function runCrossEntropyOn(dev: WebGpuDevice): OpRun {
  return async (c) => {
    const x = input(c, 'x');
    const l = dev.indices(x.shape[0]);
    dev.writeIndices(l, labels(c, 'labels'));
    const probs = dev.zeros(x.shape);
    const rows = dev.zeros([x.shape[0], 2]);
    crossEntropyRows(x, l, probs, rows);
    const r = (await readTensor(rows)).data;
    let loss = 0;
    for (let n = 0; n < x.shape[0]; n++) loss += r[2 * n];
    return { loss: loss / x.shape[0], dx: crossEntropyBackward(probs, l) };
  };
}

for (const [label, options] of [['webgpu', {}], ['webgpu chunked', { maxBindingBytes: 65536 }]] as const) {
  const dev = await webgpuOrSkip(options);
  if (dev) {
    describe(label, () => {
      before(() => setFixtureDevice(dev));
      after(async () => {
        setFixtureDevice(hostDevice);
        await dev.destroy();
      });
      const keep = () => setFixtureDevice(dev);
      fixtureSuite('conv2d', runConv2d, label, keep);
      fixtureSuite('linear', runLinear, label, keep);
      fixtureSuite('relu', runRelu, label, keep);
      fixtureSuite('tanh', runTanh, label, keep);
      fixtureSuite('lrn', runLrn, label, keep);
      fixtureSuite('maxpool2d', runMaxPool2d, label, keep);
      fixtureSuite('dropout', runDropout, label, keep);
      fixtureSuite('softmax', runSoftmax, label, keep);
      fixtureSuite('crossEntropy', runCrossEntropyOn(dev), label, keep);
    });
  }
}
