// Evaluation on a GPU ranks on the device (softmax + top-k) and reads only the
// ranked classes and the label probabilities: its figures must be the host's
// (float64 softmax and 10-view average) to float32 rounding, on one view and
// on ten.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlexNet, initAlexNet } from '../../src/models/alexnet.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { Batch, DataLoader, RawViews } from '../../src/data/types.js';
import { renderRaw } from '../../src/data/raw-batch.js';
import { tenViews } from '../../src/data/augment.js';
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

/** Raw batches (uint8 images + the 10 test views), as a loader with deviceViews yields them; `x` rendered on the host. */
function rawLoader(images: number, batch: number): DataLoader {
  const S = 17;
  const crop = tinyPaper.inputSize;
  const meanImage = Float32Array.from({ length: 3 * S * S }, (_, i) => 120 + 20 * Math.sin(i * 0.05));
  const labels = Int32Array.from({ length: images }, (_, i) => (i * 2) % tinyPaper.classes);
  const ten = tenViews(S, crop);
  return {
    size: images, batchesPerEpoch: Math.ceil(images / batch), classes: [], viewShape: [3, crop, crop],
    async *epoch(): AsyncIterableIterator<Batch> {
      for (let b = 0; b < images; b += batch) {
        const n = Math.min(images, b + batch) - b;
        const raw: RawViews = {
          pixels: Uint8Array.from({ length: Math.ceil((n * 3 * S * S) / 4) * 4 }, (_, i) => ((b * 3 * S * S + i) * 29) & 255),
          images: n, size: S, crop, viewsPerImage: 10,
          views: Float64Array.from({ length: n * 10 * 6 }, (_, i) => { const v = ten[Math.floor(i / 6) % 10]; return [v.y, v.x, v.flip ? 1 : 0, 0, 0, 0][i % 6]; }),
          mean: { mode: 'pixel', meanImage, meanChannel: [0, 0, 0] },
        };
        yield { raw, get x() { return new Tensor(renderRaw(raw), [n * 10, 3, crop, crop]); }, labels: labels.slice(b, b + n), indices: Int32Array.from({ length: n }, (_, i) => b + i) };
      }
    },
    async close() {},
  };
}

/** A host network and a GPU copy of its weights, both evaluated on `loader()`; the figures must agree. */
async function compareOnGpu(t: { skip(m: string): void }, label: string, seed: number, views: number, loader: () => DataLoader, submissions?: number): Promise<void> {
  const dev = await webgpuOrSkip();
  if (!dev) return t.skip('no WebGPU adapter');
  try {
    const host = buildAlexNet(tinyPaper);
    initAlexNet(host, new Rng(seed, 1));
    const gpu = buildAlexNet(tinyPaper, dev);
    const sd = host.stateDict();
    for (const [k, w] of gpu.stateDict()) dev.write(w, sd.get(k)!.data);
    const a = await evaluate([host], loader(), views);
    const before = dev.submissions;
    const b = await evaluate([gpu], loader(), views);
    if (submissions !== undefined) assert.equal(dev.submissions - before, submissions);
    assert.deepEqual([b.images, b.top1Error, b.top5Error], [a.images, a.top1Error, a.top5Error]);
    assert.deepEqual(Array.from(b.tally.confusion), Array.from(a.tally.confusion));
    const rel = Math.abs(b.loss - a.loss) / a.loss;
    console.log(`# evaluate ${label}: loss ${b.loss} (webgpu) vs ${a.loss} (host), relative ${rel.toExponential(2)}`);
    assert.ok(rel <= 1e-5, `loss ${b.loss} vs ${a.loss}`);
  } finally {
    await dev.destroy();
  }
}

describe('evaluate on webgpu', () => {
  it('raw batches: the views rendered on the device give the host\'s figures', (t) => compareOnGpu(t, 'raw batches, 10 views', 4, 10, () => rawLoader(13, 5)));

  for (const views of [1, 10]) {
    // Two small reads per batch (ranked classes, label probabilities); 3 batches.
    it(`${views} view(s): top-1/top-5 errors, confusions and loss as on the host, two reads a batch`, (t) => compareOnGpu(t, `${views} view(s)`, 3, views, () => fixedLoader(23, views, 8), 6));
  }
});
