// The layer stack: preset sizes against docs/paper.md, gradients of a whole small
// network (every layer type, in-place ReLU, the shared gradient buffers)
// against finite differences, and one training step on both backends.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { setBackend, REFERENCE_BACKEND } from '../../src/ops/registry.js';
import { crossEntropy, crossEntropyBackward } from '../../src/ops/crossentropy.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Conv2dLayer } from '../../src/nn/conv.js';
import { LrnLayer } from '../../src/nn/lrn.js';
import { MaxPoolLayer } from '../../src/nn/pool.js';
import { LinearLayer } from '../../src/nn/linear.js';
import { DropoutLayer } from '../../src/nn/dropout.js';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { PRESETS } from '../../src/models/presets.js';
import { networkMacs } from '../../src/models/cost.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep } from '../../src/train/step.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';
import { relativeError } from '../helpers/fixtures.js';
import { nativeOrSkip } from '../helpers/native.js';
import { checkFiniteDifferences } from '../helpers/finite-diff.js';

/** Every layer type at toy size: two columns, overhang, per-column LRN, overlapping pooling, dropout. */
export function tinyNet(): Sequential {
  return new Sequential([
    new Conv2dLayer('conv1', 'conv1', 3, 8, 3, { stride: 2, outputRule: 'overhang' }, true),
    new LrnLayer('norm1', { size: 5, alpha: 1e-2, beta: 0.75, k: 2, alphaConvention: 'perSum', groups: 2 }),
    new MaxPoolLayer('pool1', { kernel: 3, stride: 2 }),
    new Conv2dLayer('conv2', 'conv2', 8, 12, 3, { padding: 1, groups: 2 }, true),
    new LinearLayer('fc6', 'fc6', 12 * 3 * 3, 20, true),
    new DropoutLayer('drop6', { dropProbability: 0.5, scaling: 'paper' }),
    new LinearLayer('fc8', 'fc8', 20, 5, false),
  ]);
}

function initRandom(net: Sequential, seed: number): void {
  const rng = new Rng(seed);
  for (const p of net.params()) rng.fillUniform(p.value.data, -0.3, 0.3);
}

describe('network', () => {
  it('presets have the paper\'s parameter counts and shapes', () => {
    const count = (name: string) => buildAlexNet(PRESETS[name]).net.params().reduce((a, p) => a + p.value.size, 0);
    assert.equal(count('paper'), 60_965_224); // docs/paper.md §1
    assert.equal(count('caffe'), 60_965_224);
    assert.equal(count('torchvision'), 61_100_840);
    const shapes = buildAlexNet(PRESETS.paper).net.shapes([2, 3, 224, 224]).map((s) => s.join('x'));
    assert.deepEqual(shapes.slice(0, 3), ['2x96x55x55', '2x96x55x55', '2x96x27x27']);
    assert.equal(shapes[9], '2x256x6x6');
    assert.equal(shapes.at(-1), '2x1000');
    assert.equal(buildAlexNet(PRESETS.caffe).net.shapes([1, 3, 227, 227])[0].join('x'), '1x96x55x55');
    assert.equal(networkMacs(buildAlexNet(PRESETS.paper).net.layers, [1, 3, 224, 224]), 724_406_816); // docs/paper.md §1
  });

  it('back-propagates through every layer type (finite differences)', () => {
    setBackend(REFERENCE_BACKEND);
    const net = tinyNet();
    initRandom(net, 1);
    const x = new Tensor(new Rng(2).fillUniform(new Float32Array(2 * 3 * 15 * 15), -3, 3), [2, 3, 15, 15]);
    const labels = Int32Array.of(1, 4);
    // Fixed dropout masks: the same generator state for every evaluation.
    const loss = () => crossEntropy(net.forward(x, { training: true, rng: new Rng(9) }), labels).loss;
    const { probs } = crossEntropy(net.forward(x, { training: true, rng: new Rng(9) }), labels);
    net.backward(crossEntropyBackward(probs, labels));
    const grads = new Map(net.params().map((p) => [p.name, p.grad.data.slice()]));
    // h small enough not to cross a ReLU or pooling kink at these weights.
    const worst = checkFiniteDifferences(net, loss, grads, { h: 3e-3, samples: 4, rng: new Rng(3) });
    console.log(`# tiny network finite differences: worst ${worst.toExponential(2)}`);
  });

  it('one SGD step gives the same weights on the native and reference backends', (t) => {
    if (!nativeOrSkip()) return t.skip('no native addon');
    const after = (backend: string) => {
      setBackend(backend);
      const net = tinyNet();
      initRandom(net, 5);
      const sgd = new Sgd(net.params(), { momentum: 0.9, weightDecay: 5e-4, form: 'paper' });
      const x = new Tensor(new Rng(6).fillUniform(new Float32Array(4 * 3 * 15 * 15), -3, 3), [4, 3, 15, 15]);
      const rng = new Rng(7);
      const losses = [0, 1, 2].map(() => trainStep(net, sgd, x, Int32Array.of(0, 1, 2, 3), 0.05, rng));
      return { losses, params: net.params() };
    };
    const n = after(NATIVE_BACKEND);
    const r = after(REFERENCE_BACKEND);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(n.losses[i] - r.losses[i]) <= 1e-4 * Math.abs(r.losses[i]), `loss ${i}: ${n.losses[i]} vs ${r.losses[i]}`);
    for (let i = 0; i < r.params.length; i++) {
      const e = relativeError(n.params[i].value.data, r.params[i].value.data);
      assert.ok(e <= 1e-4, `${r.params[i].name}: relative error ${e}`);
    }
  });
});
