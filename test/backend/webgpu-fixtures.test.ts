// The WebGPU kernels against the PyTorch fixtures (every AlexNet layer shape
// at batch 2 and the edge cases), on SwiftShader in CI. A second pass caps
// the binding size at 8 KiB so that every chunked path (images, weight rows,
// elements) runs on the same cases.
import '../../src/backend/reference/index.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { linear } from '../../src/ops/linear.js';
import { fixtureSuite, type OpRun } from '../helpers/optest.js';
import { input, labels, setFixtureDevice } from '../helpers/fixtures.js';
import { hostDevice, readTensor, toDevice } from '../../src/tensor/device.js';
import { runConv2d, runDropout, runLinear, runLrn, runMaxPool2d, runRelu, runSoftmax, runTanh } from '../helpers/runs.js';
import { webgpuOrSkip } from '../helpers/webgpu.js';
import { crossEntropyBackward, crossEntropyRows } from '../../src/ops/crossentropy.js';
import { WebGpuDevice } from '../../src/backend/webgpu/device.js';
import type { FixtureCase } from '../helpers/fixtures.js';
import { topkFixtureSuite } from '../helpers/topk.js';
import { topk } from '../../src/ops/topk.js';
import { unlessFull } from '../helpers/full.js';

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

// On a CPU Vulkan driver most layer-size cases take seconds to a minute each (conv1's input
// gradient alone is ~1 G multiply-adds of a strided transposed convolution), so the fast checks
// keep the grouped 3×3 layers (paper conv4, conv5) and fc7/fc8 at layer size beside the edge
// cases, which cover stride 4, overhang, padding and groups; the rest run with ALEXNET_TEST_FULL=1,
// and always on a real GPU. The chunked pass runs the small cases.
const SLOW_ON_CPU = new Set(['paper_conv1', 'caffe_conv1', 'torchvision_conv1', 'paper_conv2', 'paper_conv3', 'torchvision_conv2', 'torchvision_conv3', 'torchvision_conv4', 'torchvision_conv5', 'fc6']);
const layerSizeOnCpu = (c: FixtureCase) => (SLOW_ON_CPU.has(c.name) ? unlessFull('layer-size case on a CPU driver') || null : null);
const smallOnly = (c: FixtureCase) => (c.name.startsWith('edge') ? null : unlessFull('layer-size case in the chunked pass') || null);

for (const [label, options] of [['webgpu', {}], ['webgpu chunked', { maxBindingBytes: 8192 }]] as const) {
  const dev = await webgpuOrSkip(options);
  if (dev) {
    describe(label, () => {
      before(() => setFixtureDevice(dev));
      after(async () => {
        setFixtureDevice(hostDevice);
        await dev.destroy();
      });
      const keep = () => setFixtureDevice(dev);
      const cpuDriver = WebGpuDevice.isCpuAdapter(dev.adapterInfo);
      const skip = (c: FixtureCase) => (!cpuDriver ? null : options.maxBindingBytes ? smallOnly(c) : layerSizeOnCpu(c));
      fixtureSuite('conv2d', runConv2d, label, keep, skip);
      fixtureSuite('linear', runLinear, label, keep, skip);
      fixtureSuite('relu', runRelu, label, keep, skip);
      fixtureSuite('tanh', runTanh, label, keep, skip);
      fixtureSuite('lrn', runLrn, label, keep, skip);
      fixtureSuite('maxpool2d', runMaxPool2d, label, keep, skip);
      fixtureSuite('dropout', runDropout, label, keep, skip);
      fixtureSuite('softmax', runSoftmax, label, keep, skip);
      fixtureSuite('crossEntropy', runCrossEntropyOn(dev), label, keep, skip);
      // One image of 10 views × 1000 classes is 40 KB: it cannot be cut to fit an 8 KiB binding.
      topkFixtureSuite(label, dev, keep, (c) => (options.maxBindingBytes && c.name === 'fc8_tenviews_k5' ? 'one image exceeds the 8 KiB binding' : null));
    });
  }
}

describe('webgpu chunking under a small binding limit', () => {
  it('a fully connected layer whose weight exceeds the limit runs in row chunks and matches the host', async (t) => {
    const dev = await webgpuOrSkip({ maxBindingBytes: 8192 });
    if (!dev) return t.skip('no WebGPU adapter');
    try {
      const x = new Tensor(Float32Array.from({ length: 2 * 300 }, (_, i) => Math.sin(i)), [2, 300]);
      const w = new Tensor(Float32Array.from({ length: 50 * 300 }, (_, i) => Math.cos(i * 0.7)), [50, 300]);
      const before = dev.dispatches;
      const y = linear(toDevice(x, dev), toDevice(w, dev), null);
      // (8192 − 512) / 4 / 300 = 6 rows of w per window: 9 dispatches.
      assert.equal(dev.dispatches - before, 9);
      const ref = linear(x, w, null).data;
      const got = (await readTensor(y)).data;
      ref.forEach((v, i) => assert.ok(Math.abs(v - got[i]) <= 1e-4 * Math.max(1, Math.abs(v)), `y[${i}] ${got[i]} vs ${v}`));
    } finally {
      await dev.destroy();
    }
  });
});

describe('webgpu top-k', () => {
  it('matches the reference kernels on 10-view ties at K = 1000, and chunks by images under a small binding limit', async (t) => {
    const dev = await webgpuOrSkip({ maxBindingBytes: 8192 });
    if (!dev) return t.skip('no WebGPU adapter');
    try {
      // 10 views × 40 classes: (8192 − 512) / 4 / 400 = 4 images per window, so 9 images are 3 dispatches.
      const x = new Tensor(Float32Array.from({ length: 90 * 40 }, (_, i) => Math.floor(Math.abs(Math.sin(i * 1.3)) * 4) / 4), [90, 40]);
      const labels = Int32Array.from({ length: 9 }, (_, i) => (i * 13) % 40);
      const dl = dev.indices(9);
      dev.writeIndices(dl, labels);
      const before = dev.dispatches;
      const got = topk(toDevice(x, dev), 5, { views: 10, labels: dl });
      assert.equal(dev.dispatches - before, 3);
      const ref = topk(x, 5, { views: 10, labels });
      assert.deepEqual(Array.from(await dev.readIndices(got.indices)), Array.from(ref.indices as Int32Array));
      const s = (await readTensor(got.labelScores!)).data;
      ref.labelScores!.data.forEach((v, i) => assert.ok(Math.abs(v - s[i]) <= 1e-6 * Math.abs(v), `label score ${i}: ${s[i]} vs ${v}`));
    } finally {
      await dev.destroy();
    }
  });
});
