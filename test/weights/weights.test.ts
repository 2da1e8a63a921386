// Weight files: round trip, strict all-at-once errors by name, preset
// check, float16/bfloat16/float64 widening, non-float rejection, atomic write.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { stateDict } from '../../src/nn/state.js';
import { StateDictError } from '../../src/nn/state.js';
import { encodeSafetensors, type TensorToWrite } from '../../src/io/safetensors.js';
import { readSafetensors } from '../../src/io/safetensors-file.js';
import { WeightsError } from '../../src/weights/weights.js';
import { loadWeights, saveWeights } from '../../src/weights/weights-file.js';
import { bf16ToF32, f16ToF32 } from '../../src/io/halffloat.js';
import { scratchDir } from '../helpers/interop.js';
import { tinyCaffe, tinyPaper } from '../helpers/tiny-presets.js';

const dir = scratchDir();

function filled(preset = tinyPaper) {
  const model = buildAlexNet(preset);
  let v = 0;
  for (const p of model.net.params()) for (let i = 0; i < p.value.size; i++) p.value.data[i] = ((v++ * 7919) % 1000) / 1000 - 0.5;
  return model;
}

function tensorsOf(model: ReturnType<typeof filled>): [string, TensorToWrite][] {
  return [...stateDict(model.net)].map(([n, t]) => [n, { shape: t.shape, data: t.data }]);
}

describe('loadWeights / saveWeights', () => {
  it('round-trips every parameter and records the preset', () => {
    const a = filled();
    const file = path.join(dir, 'tiny.safetensors');
    saveWeights(a, file, { epoch: '3' });
    const f = readSafetensors(file);
    assert.deepEqual(f.metadata, { epoch: '3', preset: 'tiny-paper', input: JSON.stringify(tinyPaper.input) });
    assert.deepEqual([...f.tensors.keys()], a.net.params().map((p) => p.name));
    const b = buildAlexNet(tinyPaper);
    const r = loadWeights(b, file);
    assert.equal(r.loaded.length, 8);
    assert.equal(r.converted.size, 0);
    for (const [n, t] of stateDict(b.net)) assert.deepEqual(t.data, stateDict(a.net).get(n)!.data, n);
  });

  it('writes atomically: no temporary left behind, an existing file replaced whole', () => {
    const file = path.join(dir, 'atomic.safetensors');
    writeFileSync(file, 'old contents');
    saveWeights(filled(), file);
    assert.ok(readFileSync(file).length > 1000);
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.tmp-')), []);
    assert.throws(() => saveWeights(filled(), path.join(dir, 'no-such-dir', 'w.safetensors')), /cannot write .*no-such-dir.*ENOENT/);
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.tmp-')), []);
  });

  it('reports missing, unexpected and mis-shaped tensors together, by name, and changes nothing', () => {
    const src = tensorsOf(filled());
    const kept = src.filter(([n]) => n !== 'fc8.bias' && n !== 'conv2.weight');
    kept.push(['fc9.weight', { shape: [1], data: new Float32Array(1) }]);
    const i = kept.findIndex(([n]) => n === 'fc6.weight');
    kept[i] = ['fc6.weight', { shape: [20, 10], data: new Float32Array(200) }];
    const file = path.join(dir, 'broken.safetensors');
    writeFileSync(file, encodeSafetensors(kept));
    const model = buildAlexNet(tinyPaper);
    assert.throws(() => loadWeights(model, file), (e: unknown) => {
      assert.ok(e instanceof StateDictError);
      assert.deepEqual(e.missing, ['conv2.weight', 'fc8.bias']);
      assert.deepEqual(e.unexpected, ['fc9.weight']);
      assert.deepEqual(e.misshaped.map((m) => m.name), ['fc6.weight']);
      assert.match(e.message, /^.*broken\.safetensors: the tensors do not fit the network \(missing: conv2\.weight, fc8\.bias; unexpected: fc9\.weight; wrong shape: fc6\.weight is \[20, 10\], expected \[20, 108\]\)$/);
      return true;
    });
    assert.ok(model.net.params().every((p) => p.value.data.every((v) => v === 0)), 'nothing loaded');
  });

  it('refuses weights saved from another preset unless asked (paper and caffe shapes are identical)', () => {
    const file = path.join(dir, 'paperish.safetensors');
    saveWeights(filled(tinyPaper), file);
    const caffe = buildAlexNet(tinyCaffe);
    assert.throws(() => loadWeights(caffe, file), (e: unknown) => e instanceof WeightsError && /paperish\.safetensors: saved from preset 'tiny-paper', but the network is 'tiny-caffe'/.test(e.message));
    assert.equal(loadWeights(caffe, file, { allowPresetMismatch: true }).loaded.length, 8);
  });

  it('widens F16, BF16 and F64 tensors to float32 and says which', () => {
    const src = tensorsOf(filled());
    const conv = src.map(([n, t]): [string, TensorToWrite] => {
      const d = t.data as Float32Array;
      if (n === 'conv1.weight') return [n, { shape: t.shape, data: Float64Array.from(d) }];
      if (n === 'conv1.bias') return [n, { shape: t.shape, dtype: 'BF16', data: Uint16Array.from(d, () => 0x3fc0) }]; // 1.5
      if (n === 'fc8.bias') return [n, { shape: t.shape, dtype: 'F16', data: Uint16Array.from(d, () => 0xbc00) }]; // -1
      return [n, t];
    });
    const file = path.join(dir, 'mixed.safetensors');
    writeFileSync(file, encodeSafetensors(conv));
    const model = buildAlexNet(tinyPaper);
    const r = loadWeights(model, file);
    assert.deepEqual([...r.converted].sort(), [['conv1.bias', 'BF16'], ['conv1.weight', 'F64'], ['fc8.bias', 'F16']]);
    const sd = stateDict(model.net);
    assert.deepEqual(sd.get('conv1.weight')!.data, conv[0][1].data instanceof Float64Array ? Float32Array.from(conv[0][1].data) : null);
    assert.ok(sd.get('conv1.bias')!.data.every((v) => v === 1.5));
    assert.ok(sd.get('fc8.bias')!.data.every((v) => v === -1));
  });

  it('rejects integer tensors, naming each', () => {
    const src = tensorsOf(filled());
    src[1] = ['conv1.bias', { shape: [8], data: new Int32Array(8) }];
    src.push(['num_batches', { shape: [], data: new BigInt64Array(1) }]);
    const file = path.join(dir, 'ints.safetensors');
    writeFileSync(file, encodeSafetensors(src));
    assert.throws(() => loadWeights(buildAlexNet(tinyPaper), file), /ints\.safetensors: weights must be F32, F16, BF16 or F64; not floating point: conv1\.bias \(I32\), num_batches \(I64\)/);
  });

  it('names an unreadable file', () => {
    assert.throws(() => loadWeights(buildAlexNet(tinyPaper), path.join(dir, 'absent.safetensors')), /absent\.safetensors: cannot read \(ENOENT\)/);
  });
});

describe('16-bit floats', () => {
  it('decodes binary16 exactly: normals, subnormals, signed zero, infinities, NaN', () => {
    const got = f16ToF32(Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x3555, 0x8000, 0x7c00, 0xfc00, 0x7e00));
    const want = [1, -2, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 65504, 0.333251953125, -0, Infinity, -Infinity, NaN];
    want.forEach((w, i) => assert.ok(Object.is(got[i], w), `${i}: ${got[i]} ≠ ${w}`));
  });
  it('decodes bfloat16 as the upper half of a float32', () => {
    const got = bf16ToF32(Uint16Array.of(0x3f80, 0xc040, 0x8000, 0x7f80, 0x0001));
    const want = [1, -3, -0, Infinity, 2 ** -133];
    want.forEach((w, i) => assert.ok(Object.is(got[i], w), `${i}: ${got[i]} ≠ ${w}`));
  });
});
