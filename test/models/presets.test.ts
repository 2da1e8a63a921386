// The presets against the tables of docs/paper.md: the paper network's
// layers (§1), its LRN, pooling and dropout settings (§2), its
// initialisation (§3), and conv1's geometry under each input rule (§1).
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlexNet } from '../../src/models/alexnet.js';
import {
  CAFFE_LRN, CONV1_GEOMETRY, getPreset, INVERTED_DROPOUT, PAPER_DROPOUT, PAPER_LRN, PAPER_POOL, PRESET_NAMES, PRESETS, paper,
  type LayerSpec, type Preset,
} from '../../src/models/presets.js';

/** One row per layer: what docs/paper.md §1's table shows of it. */
function rows(p: Preset): string[] {
  return p.layers.map((l: LayerSpec) => {
    switch (l.kind) {
      case 'conv': return `${l.name} ${l.out} ${l.kernel}×${l.kernel}/${l.stride} pad ${l.padding} groups ${l.groups}`;
      case 'lrn': return `${l.name} lrn`;
      case 'maxpool': return `${l.name} max ${l.kernel}×${l.kernel}/${l.stride}`;
      case 'dropout': return `${l.name} dropout ${l.dropProbability}`;
      case 'linear': return `${l.name} fc ${l.out}${l.relu ? ' relu' : ''}`;
    }
  });
}

describe('presets', () => {
  it('paper is docs/paper.md §1\'s table', () => {
    assert.deepEqual(rows(paper), [
      'conv1 96 11×11/4 pad 0 groups 1', 'norm1 lrn', 'pool1 max 3×3/2',
      'conv2 256 5×5/1 pad 2 groups 2', 'norm2 lrn', 'pool2 max 3×3/2',
      'conv3 384 3×3/1 pad 1 groups 1', 'conv4 384 3×3/1 pad 1 groups 2', 'conv5 256 3×3/1 pad 1 groups 2', 'pool5 max 3×3/2',
      'fc6 fc 4096 relu', 'drop6 dropout 0.5', 'fc7 fc 4096 relu', 'drop7 dropout 0.5', 'fc8 fc 1000',
    ]);
    assert.equal(buildAlexNet(paper).size, 60_965_224);
  });

  it('the paper\'s LRN, pooling and dropout constants are docs/paper.md §2\'s, and every paper layer uses them', () => {
    assert.deepEqual(PAPER_LRN, { size: 5, alpha: 1e-4, beta: 0.75, k: 2, alphaConvention: 'perSum', groups: 2 });
    assert.deepEqual(PAPER_POOL, { kernel: 3, stride: 2, rounding: 'floor' });
    assert.deepEqual(PAPER_DROPOUT, { dropProbability: 0.5, scaling: 'paper' });
    for (const l of paper.layers) {
      const { kind, name, ...settings } = l;
      if (kind === 'lrn') assert.deepEqual(settings, PAPER_LRN, name);
      if (kind === 'maxpool') assert.deepEqual(settings, PAPER_POOL, name);
      if (kind === 'dropout') assert.deepEqual(settings, PAPER_DROPOUT, name);
    }
    // Caffe: k = 1, α/n, across both columns; inverted dropout; the paper's pooling.
    for (const l of PRESETS.caffe.layers) {
      const { kind, name, ...settings } = l;
      if (kind === 'lrn') assert.deepEqual(settings, CAFFE_LRN, name);
      if (kind === 'maxpool') assert.deepEqual(settings, PAPER_POOL, name);
      if (kind === 'dropout') assert.deepEqual(settings, INVERTED_DROPOUT, name);
    }
  });

  it('paper initialisation is docs/paper.md §3\'s: N(0, 0.01²), biases 1 in conv2, conv4, conv5, fc6, fc7', () => {
    const inits = paper.layers.flatMap((l) => (l.kind === 'conv' || l.kind === 'linear' ? [[l.name, l.init.weightStd, l.init.bias]] : []));
    assert.deepEqual(inits, [['conv1', 0.01, 0], ['conv2', 0.01, 1], ['conv3', 0.01, 0], ['conv4', 0.01, 1], ['conv5', 0.01, 1], ['fc6', 0.01, 1], ['fc7', 0.01, 1], ['fc8', 0.01, 0]]);
  });

  it('the 224-input presets\' conv1 is the geometry of their input rule (docs/paper.md §1)', () => {
    for (const name of ['paper', 'caffe', 'torchvision']) {
      const p = getPreset(name);
      const conv1 = p.layers[0];
      assert.ok(conv1.kind === 'conv' && p.inputRule !== 'preset', name);
      assert.deepEqual({ inputSize: p.inputSize, padding: conv1.padding, outputRule: conv1.outputRule }, CONV1_GEOMETRY[p.inputRule], name);
      assert.equal(buildAlexNet(p).net.shapes([1, 3, p.inputSize, p.inputSize])[0].join('×'), `1×${conv1.out}×55×55`, name);
    }
  });

  it('every preset name has its preset, in the order of PRESET_NAMES', () => {
    assert.deepEqual(Object.keys(PRESETS), [...PRESET_NAMES]);
    for (const name of PRESET_NAMES) assert.equal(getPreset(name).name, name);
    assert.throws(() => getPreset('toString'), /unknown preset 'toString'/);
    assert.throws(() => getPreset('papr'), /did you mean 'paper'/);
  });
});
