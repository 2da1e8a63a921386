// The model options against the networks docs/paper.md describes: the
// paper's ablations (one column, no LRN, non-overlapping pooling, tanh) and
// its ambiguities settled another way, with the shapes, parameter counts and
// multiply-adds they give.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyModelOptions, columnsConflict, inputRuleConflict, PRESET_AS_IS, type ModelOptions } from '../../src/models/ablations.js';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { networkMacs } from '../../src/models/cost.js';
import { PRESETS, paper, type Preset } from '../../src/models/presets.js';

const withOptions = (preset: Preset, options: Partial<ModelOptions>, classes?: number) => applyModelOptions(preset, { ...PRESET_AS_IS, ...options }, classes);

function counts(p: Preset): { params: number; macs: number; shapes: string[] } {
  const net = buildAlexNet(p);
  const input = [1, p.inputChannels, p.inputSize, p.inputSize];
  return {
    params: net.size,
    macs: networkMacs(net.net.layers, input),
    shapes: net.net.shapes(input).map((s) => s.slice(1).join('×')),
  };
}

/** docs/paper.md §1: the paper network's outputs, layer by layer. */
const PAPER_SHAPES = ['96×55×55', '96×55×55', '96×27×27', '256×27×27', '256×27×27', '256×13×13', '384×13×13', '384×13×13', '256×13×13', '256×6×6', '4096', '4096', '4096', '4096', '1000'];
const PAPER_PARAMS = 60_965_224;
const PAPER_MACS = 724_406_816;

describe('model options (docs/paper.md §7)', () => {
  it('all null: every preset as it is', () => {
    for (const p of Object.values(PRESETS)) assert.deepEqual(applyModelOptions(p, PRESET_AS_IS), p);
    const c = counts(applyModelOptions(paper, PRESET_AS_IS));
    assert.deepEqual(c, { params: PAPER_PARAMS, macs: PAPER_MACS, shapes: PAPER_SHAPES });
  });

  it('columns: 1 is paper §3.2\'s one-GPU net: half the kernels in conv1–conv4, conv5 and the fc layers kept, no groups', () => {
    const one = withOptions(paper, { columns: 1 });
    assert.deepEqual(one.layers.flatMap((l) => (l.kind === 'conv' ? [[l.name, l.out, l.groups]] : [])),
      [['conv1', 48, 1], ['conv2', 128, 1], ['conv3', 192, 1], ['conv4', 192, 1], ['conv5', 256, 1]]);
    assert.deepEqual(one.layers.flatMap((l) => (l.kind === 'lrn' ? [l.groups] : [])), [1, 1]);
    const c = counts(one);
    assert.deepEqual(c.shapes, ['48×55×55', '48×55×55', '48×27×27', '128×27×27', '128×27×27', '128×13×13', '192×13×13', '192×13×13', '256×13×13', '256×6×6', '4096', '4096', '4096', '4096', '1000']);
    // conv1 48·11·11·3+48, conv2 128·5·5·48+128, conv3 192·3·3·128+192, conv4 192·3·3·192+192, conv5 256·3·3·192+256; fc6–fc8 as the paper's.
    const convs = 17_472 + 153_728 + 221_376 + 331_968 + 442_624;
    assert.equal(c.params, convs + 37_752_832 + 16_781_312 + 4_097_000);
    assert.equal(c.params, 59_798_312); // about as many weights as the two-column net's 60,965,224
    // Per output value: conv1 363, conv2 1200, conv3 1152, conv4 1728, conv5 1728 taps.
    assert.equal(c.macs, 48 * 55 * 55 * 363 + 128 * 27 * 27 * 1200 + 192 * 13 * 13 * 1152 + 192 * 13 * 13 * 1728 + 256 * 13 * 13 * 1728 + 37_748_736 + 16_777_216 + 4_096_000);
    assert.equal(c.macs, 391_514_384);
    // Caffe's network has the paper's widths: the same one-column net.
    const caffeOne = withOptions(PRESETS.caffe, { columns: 1 });
    assert.equal(counts(caffeOne).params, 59_798_312);
    // columns: 2 keeps the two columns as they are.
    assert.deepEqual(withOptions(paper, { columns: 2 }), paper);
  });

  it('columns applies only to two-column presets', () => {
    for (const name of ['torchvision', 'convnet4']) {
      const options = { ...PRESET_AS_IS, columns: 1 as const };
      assert.match(columnsConflict(PRESETS[name], options) ?? '', new RegExp(`${name} has one column`));
      assert.throws(() => applyModelOptions(PRESETS[name], options), RangeError);
    }
    for (const name of ['paper', 'caffe', 'mini']) assert.equal(columnsConflict(PRESETS[name], { ...PRESET_AS_IS, columns: 1 }), null);
  });

  it('lrn: false is paper §3.3\'s ablation: no LRN layers, the same shapes and weights', () => {
    const c = counts(withOptions(paper, { lrn: false }));
    assert.deepEqual(c.shapes, PAPER_SHAPES.filter((_, i) => i !== 1 && i !== 4));
    assert.equal(c.params, PAPER_PARAMS);
    assert.equal(c.macs, PAPER_MACS);
  });

  it('poolKernel: 2 is paper §3.4\'s non-overlapping pooling (z = s = 2): outputs of the same dimensions', () => {
    const p = withOptions(paper, { poolKernel: 2 });
    assert.deepEqual(p.layers.flatMap((l) => (l.kind === 'maxpool' ? [[l.kernel, l.stride]] : [])), [[2, 2], [2, 2], [2, 2]]);
    assert.deepEqual(counts(p), { params: PAPER_PARAMS, macs: PAPER_MACS, shapes: PAPER_SHAPES });
    // Rounding up only matters where the windows do not tile: 55 → 28 with ceil for z = s = 2.
    const ceil = counts(withOptions(paper, { poolKernel: 2, poolRounding: 'ceil' }));
    assert.equal(ceil.shapes[2], '96×28×28');
  });

  it('activation: tanh is paper §3.1\'s saturating baseline: a tanh after every conv and hidden fc layer, none after fc8', () => {
    const t = buildAlexNet(withOptions(paper, { activation: 'tanh' }));
    assert.deepEqual(t.net.layers.filter((l) => l.name.endsWith('.tanh')).map((l) => l.name),
      ['conv1.tanh', 'conv2.tanh', 'conv3.tanh', 'conv4.tanh', 'conv5.tanh', 'fc6.tanh', 'fc7.tanh']);
    assert.equal(t.size, PAPER_PARAMS);
  });

  it('inputRule: each of docs/paper.md §1\'s three rules gives the 55×55 conv1 output and the paper\'s counts', () => {
    for (const [rule, size, padding] of [['overhang', 224, 0], ['pad', 224, 2], ['valid', 227, 0]] as const) {
      const p = withOptions(paper, { inputRule: rule });
      const conv1 = p.layers[0];
      assert.equal(p.inputSize, size);
      assert.equal(p.inputRule, rule);
      assert.deepEqual(conv1.kind === 'conv' ? [conv1.padding, conv1.outputRule] : null, [padding, rule === 'overhang' ? 'overhang' : 'floor']);
      assert.deepEqual(counts(p), { params: PAPER_PARAMS, macs: PAPER_MACS, shapes: PAPER_SHAPES });
    }
    assert.match(inputRuleConflict(PRESETS.mini, { ...PRESET_AS_IS, inputRule: 'valid' }) ?? '', /mini has its own input geometry/);
    assert.equal(inputRuleConflict(PRESETS.mini, { ...PRESET_AS_IS, inputRule: 'preset' }), null);
    assert.equal(inputRuleConflict(paper, { ...PRESET_AS_IS, inputRule: 'valid' }), null);
  });

  it('LRN, dropout and bias options change those settings only', () => {
    const p = withOptions(paper, { lrnScope: 'all', lrnAlphaConvention: 'dividedByN', lrnK: 1, dropoutScaling: 'inverted', dropProbability: 0.3, positiveBias: 0.1 });
    assert.deepEqual(p.layers.flatMap((l) => (l.kind === 'lrn' ? [[l.size, l.alpha, l.beta, l.k, l.alphaConvention, l.groups]] : [])),
      [[5, 1e-4, 0.75, 1, 'dividedByN', 1], [5, 1e-4, 0.75, 1, 'dividedByN', 1]]);
    assert.deepEqual(p.layers.flatMap((l) => (l.kind === 'dropout' ? [[l.dropProbability, l.scaling]] : [])), [[0.3, 'inverted'], [0.3, 'inverted']]);
    // docs/paper.md §3: the biases that start at 1 (conv2, conv4, conv5, fc6, fc7) take the new value; the zero ones stay.
    assert.deepEqual(p.layers.flatMap((l) => (l.kind === 'conv' || l.kind === 'linear' ? [[l.name, l.init.bias]] : [])),
      [['conv1', 0], ['conv2', 0.1], ['conv3', 0], ['conv4', 0.1], ['conv5', 0.1], ['fc6', 0.1], ['fc7', 0.1], ['fc8', 0]]);
    assert.deepEqual(counts(p), { params: PAPER_PARAMS, macs: PAPER_MACS, shapes: PAPER_SHAPES });
    // lrnScope: 'column' on Caffe's all-channel LRN confines it to the columns.
    assert.deepEqual(withOptions(PRESETS.caffe, { lrnScope: 'column' }).layers.flatMap((l) => (l.kind === 'lrn' ? [l.groups] : [])), [2, 2]);
  });

  it('classes: fc8\'s width, from the option, else the argument, else the preset', () => {
    const ten = withOptions(paper, {}, 10);
    assert.equal(ten.classes, 10);
    // fc8 4096·10+10 in place of 4096·1000+1000.
    assert.equal(counts(ten).params, PAPER_PARAMS - 4_097_000 + 40_970);
    assert.equal(withOptions(paper, { classes: 7 }, 10).classes, 7);
    assert.equal(withOptions(paper, {}).classes, 1000);
  });
});
