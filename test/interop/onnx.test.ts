// ONNX export, checked by running the exported graph in onnxruntime: its
// logits must match ours (and, for the full presets, PyTorch's) within 1e-4
// relative. Full presets use the PyTorch fixture's hash-recipe weights.
import '../../src/backend/reference/index.js';
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { getPreset, type Preset } from '../../src/models/presets.js';
import { loadWeights } from '../../src/weights/weights-file.js';
import { encodeOnnx, OnnxExportError, toOnnxModel } from '../../src/export/onnx.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { compare, formatComparison, relativeError, TOLERANCE } from '../helpers/fixtures.js';
import { caseInput, loadNetworkCases, scratchDir, useFastestBackend, writeCaseWeights } from '../helpers/interop.js';
import { runOnnx } from '../helpers/onnxruntime.js';
import { tinyCaffe, tinyPaper } from '../helpers/tiny-presets.js';

const eval_ = { training: false, rng: new Rng(1) };

function randomModel(preset: Preset, seed: number) {
  const model = buildAlexNet(preset);
  const rng = new Rng(seed);
  for (const p of model.net.params()) rng.fillUniform(p.value.data, -0.5, 0.5);
  return model;
}

function randomInput(preset: Preset, n: number, seed: number): Tensor {
  const x = Tensor.zeros([n, preset.inputChannels, preset.inputSize, preset.inputSize]);
  new Rng(seed).fillUniform(x.data, -3, 3); // large enough for LRN's α·Σa² to matter
  return x;
}

function bytes(chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}

describe('ONNX export: toy presets in onnxruntime', () => {
  before(useFastestBackend);
  for (const preset of [tinyPaper, tinyCaffe]) {
    it(`${preset.name}: dynamic and fixed batch agree with our forward`, async () => {
      const model = randomModel(preset, 11);
      const x = randomInput(preset, 3, 12);
      const ours = model.net.forward(x, eval_).clone();
      for (const batch of ['dynamic', 3] as const) {
        const y = await runOnnx(bytes(encodeOnnx(model, { batch })), x);
        assert.deepEqual(y.shape, [3, 5]);
        const r = relativeError(y.data, ours.data);
        console.log(`# onnx ${preset.name} batch ${batch}: ${r.toExponential(2)}`);
        assert.ok(r <= TOLERANCE, `${r}`);
      }
    });
  }

  it('a fixed batch is enforced by the runtime', async () => {
    const model = randomModel(tinyPaper, 3);
    await assert.rejects(runOnnx(bytes(encodeOnnx(model, { batch: 2 })), randomInput(tinyPaper, 3, 4)), /dimension|dims|Got: 3/i);
  });

  it('settles the conventions explicitly in the graph', () => {
    const m = toOnnxModel(randomModel(tinyPaper, 1));
    const ops = m.nodes.map((n) => n.opType);
    assert.deepEqual(ops, ['Conv', 'Relu', 'Split', 'LRN', 'LRN', 'Concat', 'MaxPool', 'Conv', 'Relu', 'Flatten', 'Gemm', 'Relu', 'Mul', 'Gemm']);
    const conv1 = m.nodes[0].attributes!;
    assert.deepEqual(conv1.pads, { ints: [0, 0, 1, 1] }, 'overhang: one extra zero row and column at the bottom/right');
    assert.deepEqual(m.nodes[7].attributes!.group, { int: 2 });
    assert.deepEqual(m.nodes[3].attributes!.alpha, { float: 1e-2 * 5 }, 'per-sum α · size');
    assert.deepEqual(m.initializers.find((t) => t.name === 'drop6.test_scale')?.data, Float32Array.of(0.5));
    assert.deepEqual(m.nodes.at(-1)!.outputs, ['logits']);
    const caffe = toOnnxModel(randomModel(tinyCaffe, 1)).nodes;
    assert.deepEqual(caffe.filter((n) => n.opType === 'LRN').map((n) => n.attributes!.alpha), [{ float: 1e-2 }], 'α/n as is');
    assert.ok(!caffe.some((n) => n.opType === 'Mul'), 'inverted dropout is the identity at test time');
    assert.deepEqual(caffe.find((n) => n.opType === 'MaxPool')!.attributes!.ceil_mode, { int: 1 });
  });

  it('refuses what ONNX cannot express, by layer', () => {
    const even: Preset = { ...tinyCaffe, layers: tinyCaffe.layers.map((l) => (l.kind === 'lrn' ? { ...l, size: 4 } : l)) };
    assert.throws(() => toOnnxModel(buildAlexNet(even)), (e: unknown) => e instanceof OnnxExportError && /norm1: LRN size 4 is even/.test(e.message));
    assert.throws(() => toOnnxModel(buildAlexNet(tinyPaper), { batch: 0 }), /batch must be a positive integer or 'dynamic', got 0/);
  });
});

describe('ONNX export: full presets in onnxruntime vs ours and PyTorch (batch 2)', () => {
  const cases = loadNetworkCases();
  const dir = scratchDir();
  before(useFastestBackend);
  for (const name of ['torchvision', 'paper', 'caffe']) {
    it(`${name}: onnxruntime matches our logits and PyTorch's within ${TOLERANCE}`, async () => {
      const c = cases.get(name)!;
      const file = path.join(dir, `${name}.safetensors`);
      writeCaseWeights(c, file);
      const model = buildAlexNet(getPreset(name));
      loadWeights(model, file);
      const x = caseInput(c);
      const ours = model.net.forward(x, eval_).clone();
      if (name === 'paper') {
        // docs/paper.md §1: 224 + 3 overhang rows/columns = 227, so 11×11 stride 4 gives 55.
        assert.deepEqual(toOnnxModel(model).nodes[0].attributes!.pads, { ints: [0, 0, 3, 3] });
      }
      const y = await runOnnx(bytes(encodeOnnx(model, { batch: 2 })), x);
      const vsOurs = relativeError(y.data, ours.data);
      const vsTorch = compare(c, 'logits', y);
      console.log(`# onnx ${name}: vs ours ${vsOurs.toExponential(2)}, vs PyTorch ${formatComparison(vsTorch)}`);
      assert.ok(vsOurs <= TOLERANCE, `vs ours ${vsOurs}`);
      assert.ok(vsTorch.relError <= TOLERANCE, formatComparison(vsTorch));
    });
  }
});
