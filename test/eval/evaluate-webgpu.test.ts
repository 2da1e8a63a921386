// Evaluation on a GPU ranks on the device (softmax + top-k) and reads only the
// ranked classes and the label probabilities: its figures must be the host's
// (float64 softmax and 10-view average) to float32 rounding, on one view and
// on ten.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlexNet, initAlexNet, type AlexNet } from '../../src/models/alexnet.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { Batch, DataLoader } from '../../src/data/types.js';
import { tinyPaper } from '../helpers/tiny-presets.js';
import { webgpuOrSkip } from '../helpers/webgpu.js';

/** A loader of fixed batches of `views` rows per image. */
function fixedLoader(images: number, views: number, batch: number): DataLoader {
  const s = tinyPaper.inputSize;
  const per = 3 * s * s;
  const x = Float32Array.from({ length: images * views * per }, (_, i) => Math.sin(i * 0.61) * 40);
  const labels = Int32Array.from({ length: images }, (_, i) => (i * 3) % tinyPaper.classes);
  return {
    size: images, batchesPerEpoch: Math.ceil(images / batch), classes: [], viewShape: [3, s, s],
    async *epoch(): AsyncIterableIterator<Batch> {
      for (let b = 0; b < images; b += batch) {
        const e = Math.min(images, b + batch);
        yield {
          x: new Tensor(x.slice(b * views * per, e * views * per), [(e - b) * views, 3, s, s]),
          labels: labels.slice(b, e), indices: Int32Array.from({ length: e - b }, (_, i) => b + i),
        };
      }
    },
    async close() {},
  };
}

async function sameWeights(host: AlexNet, dev: AlexNet): Promise<void> {
  const sd = host.stateDict();
  for (const [k, t] of dev.stateDict()) dev.device.write(t, sd.get(k)!.data);
}

describe('evaluate on webgpu', () => {
  for (const views of [1, 10]) {
    it(`${views} view(s): top-1/top-5 errors, confusions and loss as on the host`, async (t) => {
      const dev = await webgpuOrSkip();
      if (!dev) return t.skip('no WebGPU adapter');
      try {
        const host = buildAlexNet(tinyPaper);
        initAlexNet(host, new Rng(3, 1));
        const gpu = buildAlexNet(tinyPaper, dev);
        await sameWeights(host, gpu);
        const reads = dev.submissions;
        const a = await evaluate([host], fixedLoader(23, views, 8), views);
        const b = await evaluate([gpu], fixedLoader(23, views, 8), views);
        // Two small reads per batch (ranked classes, label probabilities); 3 batches.
        assert.equal(dev.submissions - reads, 6);
        assert.equal(b.images, 23);
        assert.deepEqual([b.top1Error, b.top5Error], [a.top1Error, a.top5Error]);
        assert.deepEqual(Array.from(b.tally.confusion), Array.from(a.tally.confusion));
        const rel = Math.abs(b.loss - a.loss) / a.loss;
        console.log(`# evaluate ${views} view(s): loss ${b.loss} (webgpu) vs ${a.loss} (host), relative ${rel.toExponential(2)}`);
        assert.ok(rel <= 1e-5, `loss ${b.loss} vs ${a.loss}`);
      } finally {
        await dev.destroy();
      }
    });
  }
});
