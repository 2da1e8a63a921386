// Toy presets with every layer kind of the real ones (groups, overhang,
// per-column and all-channel LRN, both dropout scalings), small enough for
// unit tests of weight files and export.
import '../../src/backend/reference/index.js';
import { paper, type Init, type Preset } from '../../src/models/presets.js';

const init: Init = { weightStd: 0.1, bias: 0.1 };

// Spread from a real preset so fields the toy ignores (recipes, input rules) stay valid.
export const tinyPaper: Preset = {
  ...paper,
  name: 'tiny-paper',
  description: 'toy two-column network: overhang conv1, per-column LRN, paper dropout',
  inputSize: 14, // overhang: 7×7 after conv1 where floor would give 6×6
  inputChannels: 3,
  classes: 5,
  layers: [
    { kind: 'conv', name: 'conv1', stateName: 'conv1', out: 8, kernel: 3, stride: 2, padding: 0, groups: 1, outputRule: 'overhang', relu: true, init },
    { kind: 'lrn', name: 'norm1', size: 5, alpha: 1e-2, beta: 0.75, k: 2, alphaConvention: 'perSum', groups: 2 },
    { kind: 'maxpool', name: 'pool1', kernel: 3, stride: 2, rounding: 'floor' },
    { kind: 'conv', name: 'conv2', stateName: 'conv2', out: 12, kernel: 3, stride: 1, padding: 1, groups: 2, outputRule: 'floor', relu: true, init },
    { kind: 'linear', name: 'fc6', stateName: 'fc6', out: 20, relu: true, init },
    { kind: 'dropout', name: 'drop6', dropProbability: 0.5, scaling: 'paper' },
    { kind: 'linear', name: 'fc8', stateName: 'fc8', out: 5, relu: false, init },
  ],
};

export const tinyCaffe: Preset = {
  ...tinyPaper,
  name: 'tiny-caffe',
  inputSize: 15, // conv1 7×7 with the floor rule, so every shape equals tiny-paper's
  description: 'toy network: LRN across all channels with α/n, inverted dropout, ceil pooling',
  layers: tinyPaper.layers.map((l) => {
    if (l.kind === 'lrn') return { ...l, alphaConvention: 'dividedByN', k: 1, groups: 1 };
    if (l.kind === 'dropout') return { ...l, scaling: 'inverted' };
    if (l.kind === 'conv' && l.name === 'conv1') return { ...l, outputRule: 'floor' };
    if (l.kind === 'maxpool') return { ...l, rounding: 'ceil' };
    return l;
  }),
};
