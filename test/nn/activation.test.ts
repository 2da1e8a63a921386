// model.activation (§3.1): tanh layers replace the fused ReLUs, with correct
// gradients, and the four-layer convnet of Figure 1 has the expected size.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { setBackend, REFERENCE_BACKEND } from '../../src/ops/registry.js';
import { crossEntropy, crossEntropyBackward } from '../../src/ops/crossentropy.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Conv2dLayer } from '../../src/nn/conv.js';
import { LinearLayer } from '../../src/nn/linear.js';
import { TanhLayer } from '../../src/nn/tanh.js';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { configuredPreset, resolveConfig } from '../../src/config/config.js';
import { tanh } from '../../src/ops/tanh.js';
import { toOnnxModel } from '../../src/export/onnx.js';
import { checkFiniteDifferences } from '../helpers/finite-diff.js';

describe('activation', () => {
  it('convnet4: 81,898 parameters, 28 → 13 → 6 → 2, ten outputs', () => {
    const net = buildAlexNet(configuredPreset(resolveConfig('convnet4', []))).net;
    assert.equal(net.params().reduce((a, p) => a + p.value.size, 0), 2432 + 25632 + 51264 + 2570);
    assert.deepEqual(net.shapes([2, 3, 28, 28]).map((s) => s.join('x')), ['2x32x28x28', '2x32x13x13', '2x32x13x13', '2x32x13x13', '2x32x13x13', '2x32x6x6', '2x64x6x6', '2x64x2x2', '2x10']);
  });

  it('model.activation=tanh puts a tanh layer after every layer the preset gives a ReLU, none after fc8', () => {
    const relu = buildAlexNet(configuredPreset(resolveConfig('mini', [])));
    const t = buildAlexNet(configuredPreset(resolveConfig('mini', [['model.activation', 'tanh']])));
    const names = t.net.layers.map((l) => l.name);
    assert.deepEqual(names.filter((n) => n.endsWith('.tanh')), ['conv1.tanh', 'conv2.tanh', 'conv3.tanh', 'conv4.tanh', 'conv5.tanh', 'fc6.tanh', 'fc7.tanh']);
    assert.equal(names.at(-1), 'fc8');
    assert.equal(t.size, relu.size);
    assert.deepEqual(relu.net.layers.map((l) => l.name).filter((n) => n.endsWith('.tanh')), []);
    // conv1's output through the tanh layer is tanh of the bare convolution.
    setBackend(REFERENCE_BACKEND);
    const x = new Tensor(new Rng(4).fillUniform(new Float32Array(2 * 3 * 28 * 28), -100, 100), [2, 3, 28, 28]);
    for (const p of t.params()) new Rng(5).fillUniform(p.value.data, -0.05, 0.05);
    const conv = t.net.layers[0].forward(x, { training: false, rng: new Rng(1) });
    const expected = tanh(conv);
    const got = t.net.layers[1].forward(conv, { training: false, rng: new Rng(1) });
    assert.deepEqual(Array.from(got.data), Array.from(expected.data));
    assert.ok(expected.data.some((v) => v < -0.1), 'tanh keeps negative values (a ReLU would not)');
    assert.throws(() => toOnnxModel(t), /tanh networks .* are not exported/);
    assert.throws(() => resolveConfig('mini', [['model.activation', 'sigmoid']]), /model.activation must be one of relu, tanh or null, got "sigmoid"/);
  });

  it('back-propagates through tanh layers (finite differences)', () => {
    setBackend(REFERENCE_BACKEND);
    const net = new Sequential([
      new Conv2dLayer('conv1', 'conv1', 3, 6, 3, { padding: 1 }, false),
      new TanhLayer('conv1.tanh'),
      new LinearLayer('fc1', 'fc1', 6 * 5 * 5, 8, false),
      new TanhLayer('fc1.tanh'),
      new LinearLayer('fc2', 'fc2', 8, 4, false),
    ]);
    const rng = new Rng(11);
    for (const p of net.params()) rng.fillUniform(p.value.data, -0.5, 0.5);
    const x = new Tensor(new Rng(12).fillUniform(new Float32Array(2 * 3 * 5 * 5), -2, 2), [2, 3, 5, 5]);
    const labels = Int32Array.of(1, 3);
    const ctx = { training: true, rng: new Rng(1) };
    const loss = () => crossEntropy(net.forward(x, ctx), labels).loss;
    net.backward(crossEntropyBackward(crossEntropy(net.forward(x, ctx), labels).probs, labels));
    const grads = new Map(net.params().map((p) => [p.name, p.grad.data.slice()]));
    // tanh is smooth: a larger step keeps float32 rounding below the tolerance.
    const worst = checkFiniteDifferences(net, loss, grads, { h: 1e-2, samples: 5, rng });
    console.log(`# tanh network finite differences: worst ${worst.toExponential(2)}`);
  });
});

describe('ablation keys', () => {
  const build = (pairs: [string, import('../../src/config/config.js').Json][]) => buildAlexNet(configuredPreset(resolveConfig('mini', pairs)));
  const names = (m: ReturnType<typeof build>) => m.net.layers.map((l) => l.name);

  it('model.lrn=false drops norm1 and norm2 (§3.3), nothing else', () => {
    const base = build([]);
    const none = build([['model.lrn', false]]);
    assert.deepEqual(names(none), names(base).filter((n) => !n.startsWith('norm')));
    assert.equal(none.size, base.size);
  });

  it('model.poolKernel=2: non-overlapping 2×2/2 pooling (§3.4): 28 → 14 → 7 → 3', () => {
    const m = build([['model.poolKernel', 2]]);
    const shapes = m.net.shapes([1, 3, 28, 28]);
    const at = (n: string) => shapes[names(m).indexOf(n)].join('x');
    assert.equal(at('pool1'), '1x32x14x14');
    assert.equal(at('pool2'), '1x64x7x7');
    assert.equal(at('pool5'), '1x128x3x3');
  });

  it('model.columns=1: the one-GPU net of §3.2, half the kernels except conv5, no groups', () => {
    const m = configuredPreset(resolveConfig('mini', [['model.columns', 1]]));
    const convs = m.layers.filter((l) => l.kind === 'conv');
    assert.deepEqual(convs.map((l) => [l.name, l.out, l.groups]), [['conv1', 16, 1], ['conv2', 32, 1], ['conv3', 48, 1], ['conv4', 48, 1], ['conv5', 128, 1]]);
    assert.deepEqual(m.layers.filter((l) => l.kind === 'lrn').map((l) => l.groups), [1, 1]);
    // Built: conv1 16·3·25+16, conv2 32·16·25+32, conv3 48·32·9+48, conv4 48·48·9+48, conv5 128·48·9+128, then the unchanged fc layers.
    const fc = (128 * 2 * 2 + 1) * 1024 + 1025 * 1024 + 1025 * 10;
    assert.equal(buildAlexNet(m).size, 1216 + 12832 + 13872 + 20784 + 55424 + fc);
    assert.throws(() => resolveConfig('mini', [['model.columns', 3]]), /model.columns must be 1, 2 or null, got 3/);
    assert.throws(() => configuredPreset(resolveConfig('torchvision', [['model.columns', 1]])), /two-column presets .* torchvision has one column/);
  });
});
