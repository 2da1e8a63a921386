// GPU timestamps per label (the bench's per-layer times): every compute pass
// begun under a label is timed under it, passes never mix two labels, and a
// device without 'timestamp-query' says so instead of timing.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { toDevice } from '../../src/tensor/device.js';
import { relu } from '../../src/ops/relu.js';
import { linear } from '../../src/ops/linear.js';
import { webgpuOrSkip } from '../helpers/webgpu.js';

describe('webgpu pass timestamps', () => {
  it('times the passes of each label, and only while timing is on', async (t) => {
    const dev = await webgpuOrSkip();
    if (!dev) return t.skip('no WebGPU adapter');
    try {
      if (!dev.hasTimestamps) {
        assert.equal(dev.timeAs('x'), false);
        return t.skip("the adapter has no 'timestamp-query'");
      }
      const x = toDevice(new Tensor(Float32Array.from({ length: 64 * 256 }, (_, i) => Math.sin(i)), [64, 256]), dev);
      const w = toDevice(new Tensor(Float32Array.from({ length: 256 * 256 }, (_, i) => Math.cos(i)), [256, 256]), dev);
      relu(x); // untimed
      assert.equal(dev.timeAs('a'), true);
      relu(x);
      dev.timeAs('b');
      linear(x, w, null);
      linear(x, w, null);
      dev.timeAs(null);
      relu(x); // untimed again
      const ns = await dev.readTimes();
      console.log(`# timestamps: ${[...ns].map(([k, v]) => `${k} ${(v / 1e3).toFixed(1)} µs`).join(', ')}`);
      assert.deepEqual([...ns.keys()].sort(), ['a', 'b']);
      assert.ok(ns.get('b')! > 0, 'two 64×256×256 GEMMs take time');
      assert.deepEqual((await dev.readTimes()).size, 0, 'a reading starts over');
    } finally {
      await dev.destroy();
    }
  });
});
