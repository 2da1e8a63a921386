// A training step from a raw batch (Batch.raw: uint8 images + view table):
// on the host it is the step on the loader's rendering, exactly; on a GPU the
// views rendered there give the same step as the host-rendered input uploaded
// as float32 (to float32 rounding of the rendering).
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlexNet, initAlexNet, type AlexNet } from '../../src/models/alexnet.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { readTensor } from '../../src/tensor/device.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStepOn } from '../../src/train/step.js';
import { renderRaw } from '../../src/data/raw-batch.js';
import type { RawViews } from '../../src/data/types.js';
import { relativeError } from '../helpers/fixtures.js';
import { tinyPaper } from '../helpers/tiny-presets.js';
import { webgpuOrSkip } from '../helpers/webgpu.js';

const S = 17;
const CROP = tinyPaper.inputSize;

function rawBatch(images: number): RawViews {
  const meanImage = Float32Array.from({ length: 3 * S * S }, (_, i) => 110 + 30 * Math.cos(i * 0.2));
  const views = new Float64Array(images * 6);
  for (let b = 0; b < images; b++) views.set([b % (S - CROP + 1), (2 * b) % (S - CROP + 1), b % 2, 4 * Math.sin(b), -3 * Math.cos(b), 0.5 * b], b * 6);
  return {
    pixels: Uint8Array.from({ length: Math.ceil((images * 3 * S * S) / 4) * 4 }, (_, i) => (i * 53 + (i >> 4)) & 255),
    images, size: S, crop: CROP, viewsPerImage: 1, views,
    mean: { mode: 'pixel', meanImage, meanChannel: [0, 0, 0], gain: [1 / 60, 1 / 61, 1 / 62] },
  };
}

async function step(model: AlexNet, input: Tensor | RawViews, labels: Int32Array): Promise<{ loss: number; fc8: Float32Array }> {
  const sgd = new Sgd(model.params(), { momentum: 0.9, weightDecay: 5e-4, form: 'paper' });
  const r = await trainStepOn(model.net, sgd, input, labels, 0.01, new Rng(5, 5));
  return { loss: r.loss, fc8: (await readTensor(model.stateDict().get('fc8.weight')!)).data.slice() };
}

function fresh(device?: Parameters<typeof buildAlexNet>[1]): AlexNet {
  const m = buildAlexNet(tinyPaper, device);
  initAlexNet(m, new Rng(9, 1));
  return m;
}

describe('training step from a raw batch', () => {
  const raw = rawBatch(6);
  const labels = Int32Array.from({ length: 6 }, (_, i) => i % tinyPaper.classes);
  const x = new Tensor(renderRaw(raw), [6, 3, CROP, CROP]);

  it('on the host: the same step as on the rendered input, bit for bit', async () => {
    const a = await step(fresh(), x, labels);
    const b = await step(fresh(), raw, labels);
    assert.equal(b.loss, a.loss);
    assert.deepEqual(b.fc8, a.fc8);
  });

  it('on webgpu: views rendered on the device give the step of the uploaded float32 input', async (t) => {
    const dev = await webgpuOrSkip();
    if (!dev) return t.skip('no WebGPU adapter');
    try {
      const a = await step(fresh(dev), x, labels);
      const b = await step(fresh(dev), raw, labels);
      const rel = relativeError(b.fc8, a.fc8);
      console.log(`# raw step on webgpu: loss ${b.loss} vs ${a.loss}, fc8 weights relative ${rel.toExponential(2)}`);
      assert.ok(Math.abs(b.loss - a.loss) <= 1e-6 * Math.abs(a.loss), `loss ${b.loss} vs ${a.loss}`);
      assert.ok(rel <= 1e-6, `fc8 weights differ by ${rel}`);
    } finally {
      await dev.destroy();
    }
  });
});
