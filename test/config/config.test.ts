import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, CONFIG_KEYS, configuredPreset, ConfigError, defaultConfig, parseAssignment, parseConfigJson, resolveConfig } from '../../src/config/config.js';
import { PRESET_NAMES } from '../../src/models/presets.js';
import { buildAlexNet } from '../../src/models/alexnet.js';
import { networkMacs } from '../../src/models/cost.js';

describe('config resolution', () => {
  it('starts from the preset recipe (docs/paper.md §4) and applies file then flag overrides', () => {
    const c = resolveConfig('paper', [{ train: { learningRate: 0.02, batchSize: 64 } }, ['train.learningRate', 0.03]]);
    assert.equal(c.train.learningRate, 0.03);
    assert.equal(c.train.batchSize, 64);
    assert.equal(c.train.momentum, 0.9);
    assert.equal(c.train.weightDecay, 0.0005);
    assert.equal(c.train.momentumForm, 'paper');
    assert.equal(c.data.imageSize, 256);
    assert.equal(c.data.pcaStd, 0.1);
  });
  it('a preset named in a file applies before the other keys land on its recipe', () => {
    const c = resolveConfig('mini', [{ preset: 'caffe', train: { epochs: 3 } }]);
    assert.equal(c.preset, 'caffe');
    assert.equal(c.train.biasLrMultiplier, 2);
    assert.equal(c.train.epochs, 3);
  });
  it('rejects unknown keys and bad values with a suggestion', () => {
    assert.throws(() => resolveConfig('paper', [['train.lerningRate', 1]]), /unknown config key 'train.lerningRate' \(did you mean 'train.learningRate'\?\)/);
    assert.throws(() => resolveConfig('paper', [['train.momentumForm', 'papr']]), /did you mean 'paper'/);
    assert.throws(() => resolveConfig('paper', [['train.batchSize', 0]]), ConfigError);
    assert.throws(() => resolveConfig('paper', [['train.schedule', { kind: 'step', factor: 0.1 }]]), /train.schedule.every is missing/);
    assert.throws(() => resolveConfig('mini', [['model.inputRule', 'valid']]), /has its own input geometry/);
    assert.throws(() => parseConfigJson('[1]', 'x.json'), /x.json: a config file must hold a JSON object/);
    assert.throws(() => parseConfigJson('{', 'x.json'), /x.json: not valid JSON/);
    assert.throws(() => applyOverrides(resolveConfig('mini', []), [['preset', 'paper']]), /cannot be changed/);
  });
  it('the schema checks every field of a config, and each choice list is the one its type comes from', () => {
    // Leaves of a default config by dotted key; the schedule and the input spec are one value each.
    const leaves = (o: object, prefix = ''): string[] => Object.entries(o).flatMap(([k, v]) => {
      const key = prefix ? `${prefix}.${k}` : k;
      return typeof v === 'object' && v !== null && !Array.isArray(v) && key !== 'train.schedule' && key !== 'data.input' ? leaves(v, key) : [key];
    });
    for (const name of PRESET_NAMES) assert.deepEqual([...leaves(defaultConfig(name))].sort(), [...CONFIG_KEYS].sort());
    assert.throws(() => resolveConfig('paper', [['preset', 'alex']]), new RegExp(`preset must be one of ${PRESET_NAMES.join(', ')}, got "alex"`));
    assert.throws(() => resolveConfig('paper', [['model.lrnScope', 'both']]), /model.lrnScope must be one of column, all or null, got "both"/);
    assert.throws(() => resolveConfig('paper', [['model.inputRule', 'same']]), /model.inputRule must be one of overhang, pad, valid, preset or null/);
    assert.throws(() => resolveConfig('paper', [['data.valViews', 5]]), /data.valViews must be 1 or 10, got 5/);
    assert.throws(() => resolveConfig('paper', [['train.schedule', { kind: 'cosine' }]]), /train.schedule.kind must be one of constant, plateau, step/);
    assert.throws(() => resolveConfig('paper', [['train.schedule', { kind: 'constant', every: 3 }]]), /'every' is not a field of a constant schedule \(fields: none\)/);
  });
  it('--set values parse as JSON when they can', () => {
    assert.deepEqual(parseAssignment('train.schedule={"kind":"constant"}'), ['train.schedule', { kind: 'constant' }]);
    assert.deepEqual(parseAssignment('data.mean=channel'), ['data.mean', 'channel']);
    assert.deepEqual(parseAssignment('seed=3'), ['seed', 3]);
  });
  it('model options reshape the network (docs/paper.md §7)', () => {
    const paper = resolveConfig('paper', []);
    const valid = configuredPreset(applyOverrides(paper, [['model.inputRule', 'valid']]));
    assert.equal(valid.inputSize, 227);
    const pad = configuredPreset(applyOverrides(paper, [['model.inputRule', 'pad']]));
    // Same 55×55 conv1 output, same multiply-adds, whichever rule.
    for (const p of [valid, pad]) assert.equal(networkMacs(buildAlexNet(p).net.layers, [1, 3, p.inputSize, p.inputSize]), 724_406_816);
    const lrn = configuredPreset(applyOverrides(paper, [['model.lrnScope', 'all'], ['model.lrnAlphaConvention', 'dividedByN'], ['model.lrnK', 1]]));
    const norm1 = lrn.layers.find((l) => l.name === 'norm1');
    assert.deepEqual(norm1 && norm1.kind === 'lrn' ? [norm1.groups, norm1.alphaConvention, norm1.k] : null, [1, 'dividedByN', 1]);
    const caffeBias = configuredPreset(applyOverrides(paper, [['model.positiveBias', 0.1]]));
    const biases = caffeBias.layers.flatMap((l) => (l.kind === 'conv' || l.kind === 'linear' ? [l.init.bias] : []));
    assert.deepEqual(biases, [0, 0.1, 0, 0.1, 0.1, 0.1, 0.1, 0]);
    const ten = configuredPreset(paper, 10);
    assert.equal(ten.classes, 10);
    assert.equal(buildAlexNet(ten).net.shapes([1, 3, 224, 224]).pop()!.join('x'), '1x10');
  });
});

describe('command-line overrides', () => {
  it('--set keeps JSON values whole (commas included); list options split on commas', async () => {
    const { parseArgs } = await import('../../src/cli/args.js');
    const { trainCommand, finetuneCommand } = await import('../../src/cli/commands/train.js');
    const p = parseArgs(trainCommand.spec, ['--set', 'train.schedule={"kind":"step","factor":0.1,"every":3}', '--set', 'data.mean=channel', '--epochs', '2']);
    assert.deepEqual(p.options.set, ['train.schedule={"kind":"step","factor":0.1,"every":3}', 'data.mean=channel']);
    assert.equal(p.options.epochs, 2);
    const f = parseArgs(finetuneCommand.spec, ['--freeze', 'conv1,conv2', '--freeze', 'conv3', '--weights', 'w.safetensors']);
    assert.deepEqual(f.options.freeze, ['conv1', 'conv2', 'conv3']);
    // A list option takes one word per occurrence: a stray word is an argument, and the error says how to give several.
    assert.throws(() => parseArgs(finetuneCommand.spec, ['--freeze', 'conv1', 'conv2']), /unexpected argument 'conv2'; to give --freeze several values, repeat it \(--freeze a --freeze b\) or separate them with commas \(--freeze a,b\)/);
    assert.throws(() => parseArgs(trainCommand.spec, ['--epochs', 'two']), /--epochs expects a number, got 'two'/);
    assert.throws(() => parseArgs(trainCommand.spec, ['--bach-size', '3']), /unknown option '--bach-size' \(did you mean '--batch-size'\?\)/);
    assert.throws(() => parseArgs(trainCommand.spec, ['--momentum-form', 'torch']), /not one of paper, pytorch/);
  });
});
