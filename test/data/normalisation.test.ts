// Input normalisation as part of a preset: torchvision's (x/255 − mean)/std,
// Caffe's BGR minus the mean pixel, in the loader's renderView (training and
// evaluation) and in the single-image path; and the weights-only defaults.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { centreView, meanSource, renderView } from '../../src/data/augment.js';
import { getPreset } from '../../src/models/presets.js';
import { defaultConfig } from '../../src/config/config.js';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { saveWeights } from '../../src/weights/weights-file.js';
import { loadModels } from '../../src/runs/model-source.js';
import { scratchDir } from '../helpers/interop.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';

const S = 4, C = 2;
const img = Uint8Array.from({ length: 3 * S * S }, (_, i) => (i * 37) % 256);

function render(mode: Parameters<typeof meanSource>[0], preset: string, flip = false): Float32Array {
  const out = new Float32Array(3 * C * C);
  const m = meanSource(mode, getPreset(preset).input, new Float32Array(3 * S * S).fill(10), [1, 2, 3]);
  renderView(img, S, C, { ...centreView(S, C), flip }, m, [0, 0, 0], out, 0);
  return out;
}

describe('input normalisation', () => {
  it("torchvision: (x/255 − (0.485, 0.456, 0.406)) / (0.229, 0.224, 0.225), RGB", () => {
    const out = render('fixed', 'torchvision');
    const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
    for (let c = 0; c < 3; c++) for (let y = 0; y < C; y++) for (let x = 0; x < C; x++) {
      const v = img[c * S * S + (1 + y) * S + 1 + x];
      assert.ok(Math.abs(out[(c * C + y) * C + x] - (v / 255 - mean[c]) / std[c]) < 1e-6);
    }
  });

  it('caffe: BGR order, 0–255 minus the mean pixel (104, 117, 123) or the mean image', () => {
    const out = render('fixed', 'caffe');
    const meanBgr = [104, 117, 123];
    for (let oc = 0; oc < 3; oc++) for (let y = 0; y < C; y++) for (let x = 0; x < C; x++) {
      const v = img[(2 - oc) * S * S + (1 + y) * S + 1 + x];
      assert.equal(out[(oc * C + y) * C + x], v - meanBgr[oc]);
    }
    const pixel = render('pixel', 'caffe', true);
    assert.equal(pixel[0], img[2 * S * S + S + 2] - 10); // B of the mirrored crop's first pixel minus the mean image
  });

  it('paper and mini subtract the dataset mean image, bit for bit', () => {
    const out = render('pixel', 'paper');
    assert.equal(out[0], img[S + 1] - 10);
    assert.throws(() => meanSource('fixed', getPreset('paper').input, new Float32Array(0), [0, 0, 0]), /mean 'fixed' needs an input spec with a mean/);
  });

  it("presets' configs record their input; torchvision trains and evaluates with its fixed normalisation", () => {
    assert.equal(defaultConfig('torchvision').data.mean, 'fixed');
    assert.deepEqual(defaultConfig('torchvision').data.input, getPreset('torchvision').input);
    assert.equal(defaultConfig('caffe').data.mean, 'pixel');
    assert.equal(defaultConfig('paper').data.input!.mean, null);
  });

  it('bare weights of caffe or torchvision need no dataset; caffe falls back to its mean pixel', () => {
    const dir = scratchDir();
    for (const name of ['caffe', 'torchvision']) {
      const f = path.join(dir, `${name}.safetensors`);
      saveWeights(buildAlexNet(getPreset(name)), f);
      const loaded = loadModels({ weights: [f] });
      assert.equal(loaded.preset.name, name);
      assert.equal(loaded.config.data.mean, 'fixed', name);
      assert.deepEqual(loaded.config.data.input, getPreset(name).input);
    }
    // Saved from PyTorch (no metadata): torchvision's names pick the preset and its normalisation.
    const plain = path.join(dir, 'plain.safetensors');
    writeFileSync(plain, encodeSafetensors([...buildAlexNet(getPreset('torchvision')).stateDict()].map(([n, t]) => [n, { shape: t.shape, data: t.data }])));
    const tv = loadModels({ weights: [plain] });
    assert.equal(tv.preset.name, 'torchvision');
    assert.equal(tv.config.data.mean, 'fixed');
    // A damaged input record is an error, not a silent default.
    const f = path.join(dir, 'bad.safetensors');
    saveWeights(buildAlexNet(getPreset('torchvision')), f, { input: '{"order": "rgb"}' });
    assert.throws(() => loadModels({ weights: [f] }), /metadata 'input' is not an input normalisation/);
  });
});

describe('a mean image file (Caffe\'s ilsvrc_2012_mean.binaryproto)', () => {
  it('is read as a BlobProto in BGR order: a constant (104, 117, 123) image gives the mean pixel\'s inputs exactly', async () => {
    const { fixedPreprocessing, meanFilePreprocessing, preprocessImage } = await import('../../src/eval/preprocess.js');
    const { readFileSync } = await import('node:fs');
    const { FIXTURE_DIR } = await import('../helpers/fixtures.js');
    const S = 256, plane = S * S;
    const values = new Float32Array(3 * plane);
    [104, 117, 123].forEach((v, c) => values.fill(v, c * plane, (c + 1) * plane));
    // BlobProto: num 1, channels 3, height 256, width 256 (varints), data (field 5, packed floats).
    const head = Buffer.from([0x08, 1, 0x10, 3, 0x18, 0x80, 0x02, 0x20, 0x80, 0x02, 0x2a]);
    const len: number[] = [];
    for (let n = values.byteLength; ; n >>>= 7) { if (n < 0x80) { len.push(n); break; } len.push((n & 0x7f) | 0x80); }
    const file = path.join(scratchDir(), 'mean.binaryproto');
    writeFileSync(file, Buffer.concat([head, Buffer.from(len), Buffer.from(values.buffer)]));
    const caffe = getPreset('caffe').input;
    const fromFile = meanFilePreprocessing(file, caffe, 227);
    assert.equal(fromFile.size, 256);
    assert.equal(fromFile.mean.meanImage[0], 123); // stored BGR, kept RGB: R first
    const photo = readFileSync(path.join(FIXTURE_DIR, 'images', 'dog.jpg'));
    const a = await preprocessImage(photo, fromFile);
    const b = await preprocessImage(photo, fixedPreprocessing(caffe, 227));
    assert.deepEqual(a, b);
    writeFileSync(file, head);
    assert.throws(() => meanFilePreprocessing(file, caffe, 227), /protobuf byte 11: varint runs past the end; the file is truncated/);
  });
});

describe('finetune from converted weights', () => {
  it('takes the preset and input normalisation the weights record, unless --preset says otherwise', async () => {
    const { parseArgs } = await import('../../src/cli/args.js');
    const { finetuneCommand, initialWeightsOverrides } = await import('../../src/cli/commands/train.js');
    const { configFromArgs } = await import('../../src/cli/config-options.js');
    const file = path.join(scratchDir(), 'tv-meta.safetensors');
    const input = getPreset('torchvision').input;
    writeFileSync(file, encodeSafetensors([['x', { shape: [1], data: new Float32Array(1) }]], { preset: 'torchvision', input: JSON.stringify(input) }));
    const args = parseArgs(finetuneCommand.spec, ['--weights', file, '--data', 'd']);
    const config = configFromArgs(args, await initialWeightsOverrides(args));
    assert.equal(config.preset, 'torchvision');
    assert.equal(config.data.mean, 'fixed');
    assert.deepEqual(config.data.input, input);
    assert.equal(config.train.initFrom, file);
    const other = parseArgs(finetuneCommand.spec, ['--weights', file, '--preset', 'caffe']);
    assert.equal(configFromArgs(other, await initialWeightsOverrides(other)).preset, 'caffe');
    assert.deepEqual(configFromArgs(other, await initialWeightsOverrides(other)).data.input, getPreset('caffe').input);
  });
});
