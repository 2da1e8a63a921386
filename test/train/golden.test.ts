// Golden regression: the first 10 training losses of the mini
// network under the paper's update equal PyTorch's (float64, same weights,
// batches and dropout masks; tools/gen_fixtures_train.py) within 1e-4 relative.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateFloat, generateLabels, type InputSpec } from '../helpers/hashfill.js';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { getPreset } from '../../src/models/presets.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep, trainStepOn } from '../../src/train/step.js';
import { hostDevice, type Device } from '../../src/tensor/device.js';
import { webgpuOrSkip } from '../helpers/webgpu.js';
import { RNG_STREAMS } from '../../src/train/trainer.js';
import { REFERENCE_BACKEND, setBackend } from '../../src/ops/registry.js';
import { nativeOrSkip } from '../helpers/native.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';

interface Golden {
  learningRate: number;
  momentum: number;
  weightDecay: number;
  dropout: { seed: number; stream: number };
  params: { name: string; spec: InputSpec }[];
  steps: { x: InputSpec; labels: InputSpec }[];
  losses: number[];
  finalWeightNorms: Record<string, number>;
}

const golden = JSON.parse(readFileSync(new URL('../../../test/fixtures/train/golden-mini.json', import.meta.url), 'utf8')) as Golden;

async function run(device: Device = hostDevice): Promise<{ losses: number[]; norms: Map<string, number> }> {
  const model = buildAlexNet(getPreset('mini'), device);
  model.loadStateDict(new Map(golden.params.map((p) => [p.name, { shape: p.spec.shape, data: generateFloat(p.spec) }])));
  const sgd = new Sgd(model.params(), { momentum: golden.momentum, weightDecay: golden.weightDecay, form: 'paper' });
  const rng = new Rng(golden.dropout.seed, golden.dropout.stream);
  const losses: number[] = [];
  for (const s of golden.steps) {
    losses.push(device === hostDevice
      ? trainStep(model.net, sgd, new Tensor(generateFloat(s.x), s.x.shape), generateLabels(s.labels), golden.learningRate, rng)
      : (await trainStepOn(model.net, sgd, new Tensor(generateFloat(s.x), s.x.shape), generateLabels(s.labels), golden.learningRate, rng)).loss);
  }
  const norms = new Map([...await model.hostStateDict()].map(([k, t]) => [k, Math.sqrt(t.data.reduce((a, v) => a + v * v, 0))]));
  return { losses, norms };
}

function check(label: string, { losses, norms }: { losses: number[]; norms: Map<string, number> }): void {
  let worst = 0;
  losses.forEach((l, i) => {
    const rel = Math.abs(l - golden.losses[i]) / Math.abs(golden.losses[i]);
    worst = Math.max(worst, rel);
    assert.ok(rel < 1e-4, `step ${i + 1}: loss ${l} vs PyTorch ${golden.losses[i]} (relative ${rel.toExponential(2)})`);
  });
  for (const [k, n] of norms) {
    const rel = Math.abs(n - golden.finalWeightNorms[k]) / golden.finalWeightNorms[k];
    worst = Math.max(worst, rel);
    assert.ok(rel < 1e-4, `${k}: norm ${n} vs ${golden.finalWeightNorms[k]}`);
  }
  console.log(`# golden ${label}: worst relative error ${worst.toExponential(2)}`);
}

describe('golden training losses vs PyTorch (webgpu)', () => {
  it('first 10 losses and the final weight norms match within 1e-4 relative', async (t) => {
    const dev = await webgpuOrSkip();
    if (!dev) return t.skip('no WebGPU adapter');
    try {
      check('webgpu', await run(dev));
    } finally {
      await dev.destroy();
    }
  });
});

for (const backend of ['reference', 'native'] as const) {
  describe(`golden training losses vs PyTorch (${backend})`, () => {
    it('the trainer draws dropout masks from the stream the fixture used', () => {
      assert.equal(golden.dropout.stream, RNG_STREAMS.dropout);
    });
    it('first 10 losses and the final weight norms match within 1e-4 relative', async (t) => {
      if (backend === 'native' && !nativeOrSkip()) return t.skip('no native addon');
      setBackend(backend === 'native' ? NATIVE_BACKEND : REFERENCE_BACKEND);
      try {
        check(backend, await run());
      } finally {
        setBackend(REFERENCE_BACKEND);
      }
    });
  });
}
