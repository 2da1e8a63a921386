// Resident memory does not grow over 100 training steps (buffers are
// reused; native scratch is allocated once and grown only on demand).
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { setBackend } from '../../src/ops/registry.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Conv2dLayer } from '../../src/nn/conv.js';
import { LrnLayer } from '../../src/nn/lrn.js';
import { MaxPoolLayer } from '../../src/nn/pool.js';
import { LinearLayer } from '../../src/nn/linear.js';
import { DropoutLayer } from '../../src/nn/dropout.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep } from '../../src/train/step.js';
import { nativeOrSkip } from '../helpers/native.js';

describe('memory', () => {
  it('RSS does not grow over 100 training steps', (t) => {
    if (!nativeOrSkip()) return t.skip('no native addon');
    setBackend(NATIVE_BACKEND);
    // Activations of ~6 MB a step: a leak of any per-step buffer would show as hundreds of MB.
    const net = new Sequential([
      new Conv2dLayer('conv1', 'conv1', 3, 32, 5, { stride: 2, outputRule: 'overhang' }, true),
      new LrnLayer('norm1', { size: 5, alpha: 1e-4, beta: 0.75, k: 2, alphaConvention: 'perSum', groups: 2 }),
      new MaxPoolLayer('pool1', { kernel: 3, stride: 2 }),
      new Conv2dLayer('conv2', 'conv2', 32, 64, 3, { padding: 1, groups: 2 }, true),
      new MaxPoolLayer('pool2', { kernel: 3, stride: 2 }),
      new LinearLayer('fc6', 'fc6', 64 * 3 * 3, 256, true),
      new DropoutLayer('drop6', { dropProbability: 0.5, scaling: 'inverted' }),
      new LinearLayer('fc8', 'fc8', 256, 10, false),
    ]);
    const rng = new Rng(1);
    for (const p of net.params()) rng.fillNormal(p.value.data, 0, 0.05);
    const sgd = new Sgd(net.params(), { momentum: 0.9, weightDecay: 5e-4, form: 'paper' });
    const x = new Tensor(rng.fillNormal(new Float32Array(32 * 3 * 32 * 32)), [32, 3, 32, 32]);
    const labels = Int32Array.from({ length: 32 }, (_, i) => i % 10);
    const rss: number[] = [];
    for (let step = 0; step < 100; step++) {
      const loss = trainStep(net, sgd, x, labels, 0.01, rng);
      assert.ok(Number.isFinite(loss));
      if (step === 19 || step === 99) rss.push(process.memoryUsage().rss / 2 ** 20);
    }
    const growth = rss[1] - rss[0];
    console.log(`# RSS after 20 steps ${rss[0].toFixed(0)} MB, after 100 steps ${rss[1].toFixed(0)} MB (growth ${growth.toFixed(1)} MB)`);
    assert.ok(growth < 48, `RSS grew by ${growth.toFixed(1)} MB over 80 steps`);
  });
});
