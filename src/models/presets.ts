// Paper constants as typed data (STYLE.md §5): every number of docs/paper.md §1–§3
// lives here, none in the layers. A preset is the network's whole recipe.
import type { ConvOutputRule } from '../ops/conv2d.js';
import type { LrnAlphaConvention } from '../ops/lrn.js';
import type { DropoutScaling } from '../ops/dropout.js';
import type { MomentumForm } from '../ops/sgd.js';
import { PLAIN_INPUT, type AugmentConfig, type InputSpec } from '../data/types.js';
import { suggest } from '../util/suggest.js';

export interface Init {
  /** Weights ~ N(0, weightStd²) (docs/paper.md §3: 0.01). */
  readonly weightStd: number;
  /** Constant bias (paper: 1 in conv2, conv4, conv5, fc6, fc7; 0 elsewhere). */
  readonly bias: number;
}

export interface ConvSpec {
  readonly kind: 'conv';
  readonly name: string;
  /** Name prefix in the state dict (torchvision: `features.0`). */
  readonly stateName: string;
  readonly out: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly groups: number;
  readonly outputRule: ConvOutputRule;
  readonly relu: boolean;
  readonly init: Init;
}

export interface LrnSpec {
  readonly kind: 'lrn';
  readonly name: string;
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  readonly alphaConvention: LrnAlphaConvention;
  /** 2: within each column (paper); 1: across all channels. */
  readonly groups: number;
}

export interface PoolSpec {
  readonly kind: 'maxpool';
  readonly name: string;
  readonly kernel: number;
  readonly stride: number;
  readonly rounding: 'floor' | 'ceil';
}

export interface DropoutSpec {
  readonly kind: 'dropout';
  readonly name: string;
  readonly dropProbability: number;
  readonly scaling: DropoutScaling;
}

export interface LinearSpec {
  readonly kind: 'linear';
  readonly name: string;
  readonly stateName: string;
  readonly out: number;
  readonly relu: boolean;
  readonly init: Init;
}

export type LayerSpec = ConvSpec | LrnSpec | PoolSpec | DropoutSpec | LinearSpec;

/**
 * How conv1 meets the 224/55 mismatch (docs/paper.md §1): cuda-convnet's overhang
 * rule on 224, padding 2 on 224 (torchvision), or a 227 input (Caffe).
 * 'preset' for networks without the 11×11/4 conv1 (mini).
 */
export type InputRule = 'overhang' | 'pad' | 'valid' | 'preset';

/** Learning-rate schedule (docs/paper.md §4). */
export type ScheduleConfig =
  | { readonly kind: 'constant' }
  /** Divide by 1/factor when validation top-1 error has not improved by `threshold` (absolute) for `patience` epochs, at most `maxDrops` times. */
  | { readonly kind: 'plateau'; readonly factor: number; readonly patience: number; readonly threshold: number; readonly maxDrops: number }
  /** Multiply by `factor` every `every` epochs (Caffe: 0.1 every 100,000 iterations ≈ 20 epochs). */
  | { readonly kind: 'step'; readonly factor: number; readonly every: number };

/** The training recipe a preset comes with (docs/paper.md §4, §5); every field can be overridden. */
export interface Recipe {
  readonly batchSize: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly momentumForm: MomentumForm;
  /** Caffe and cuda-convnet: 2 (and no bias decay); the paper's text: 1. */
  readonly biasLrMultiplier: number;
  readonly biasDecay: boolean;
  readonly schedule: ScheduleConfig;
  /** Side of the prepared square images (§5: 256). */
  readonly imageSize: number;
  readonly augment: AugmentConfig;
}

/** The nonlinearity after every conv and hidden fc layer whose spec has `relu` (§3.1). */
export type Activation = 'relu' | 'tanh';

export interface Preset {
  readonly name: string;
  readonly description: string;
  /** Square input side after cropping (224 or 227). */
  readonly inputSize: number;
  readonly inputRule: InputRule;
  readonly inputChannels: number;
  readonly classes: number;
  /** Channel order, mean and std of the input, and how one image file is resized (the published weights' own preprocessing). */
  readonly input: InputSpec;
  readonly layers: readonly LayerSpec[];
  readonly recipe: Recipe;
  /** §3.1: ReLU (the paper's; absent means relu) or tanh (Figure 1's saturating baseline). */
  readonly activation?: Activation;
}

const std = (weightStd: number, bias: number): Init => ({ weightStd, bias });

function conv(name: string, stateName: string, out: number, kernel: number, stride: number, padding: number, groups: number, init: Init, outputRule: ConvOutputRule = 'floor'): ConvSpec {
  return { kind: 'conv', name, stateName, out, kernel, stride, padding, groups, outputRule, relu: true, init };
}
function lrn(name: string, alphaConvention: LrnAlphaConvention, k: number, groups: number): LrnSpec {
  return { kind: 'lrn', name, size: 5, alpha: 1e-4, beta: 0.75, k, alphaConvention, groups };
}
const pool = (name: string): PoolSpec => ({ kind: 'maxpool', name, kernel: 3, stride: 2, rounding: 'floor' });
const drop = (name: string, scaling: DropoutScaling): DropoutSpec => ({ kind: 'dropout', name, dropProbability: 0.5, scaling });
function fc(name: string, stateName: string, out: number, relu: boolean, init: Init): LinearSpec {
  return { kind: 'linear', name, stateName, out, relu, init };
}

/** docs/paper.md §1: two columns, LRN within each column, 224 input with cuda-convnet's overhang rule. */
export const paper: Preset = {
  name: 'paper',
  description: 'Krizhevsky et al. 2012: two columns (groups=2), per-column LRN (k=2, α=1e-4 per sum), 224 input with the overhang rule',
  inputSize: 224,
  inputRule: 'overhang',
  inputChannels: 3,
  classes: 1000,
  input: PLAIN_INPUT,
  recipe: {
    batchSize: 128, epochs: 90, learningRate: 0.01, momentum: 0.9, weightDecay: 0.0005, momentumForm: 'paper',
    biasLrMultiplier: 1, biasDecay: true,
    // "divided by 10 when the validation error rate stopped improving … reduced three times".
    schedule: { kind: 'plateau', factor: 0.1, patience: 3, threshold: 0.001, maxDrops: 3 },
    imageSize: 256,
    augment: { randomCrop: true, flip: true, pcaStd: 0.1, pcaUnits: 'paper', mean: 'pixel' },
  },
  layers: [
    conv('conv1', 'conv1', 96, 11, 4, 0, 1, std(0.01, 0), 'overhang'),
    lrn('norm1', 'perSum', 2, 2),
    pool('pool1'),
    conv('conv2', 'conv2', 256, 5, 1, 2, 2, std(0.01, 1)),
    lrn('norm2', 'perSum', 2, 2),
    pool('pool2'),
    conv('conv3', 'conv3', 384, 3, 1, 1, 1, std(0.01, 0)),
    conv('conv4', 'conv4', 384, 3, 1, 1, 2, std(0.01, 1)),
    conv('conv5', 'conv5', 256, 3, 1, 1, 2, std(0.01, 1)),
    pool('pool5'),
    fc('fc6', 'fc6', 4096, true, std(0.01, 1)),
    drop('drop6', 'paper'),
    fc('fc7', 'fc7', 4096, true, std(0.01, 1)),
    drop('drop7', 'paper'),
    fc('fc8', 'fc8', 1000, false, std(0.01, 0)),
  ],
};

/** Caffe's bvlc_alexnet: 227 input, LRN over all channels with α/n and k=1, biases 0.1, fc σ=0.005. */
export const caffe: Preset = {
  name: 'caffe',
  description: "Caffe's bvlc_alexnet: 227 input, groups=2, LRN across all channels (k=1, α/n), biases 0.1",
  inputSize: 227,
  inputRule: 'valid',
  inputChannels: 3,
  classes: 1000,
  // BVLC's weights: BGR (OpenCV) 0–255 minus the mean image, or its mean pixel (104, 117, 123) where no dataset gives one;
  // images warped to 256×256 (convert_imageset, caffe.Classifier), centre 227.
  input: { order: 'bgr', mean: [123, 117, 104], std: [1, 1, 1], resize: 'warp', resizeTo: 256 },
  recipe: {
    // solver.prototxt of bvlc_alexnet: base_lr 0.01, step ×0.1 every 100,000 iterations of 256 (≈ 20 epochs), 450,000 iterations.
    batchSize: 256, epochs: 90, learningRate: 0.01, momentum: 0.9, weightDecay: 0.0005, momentumForm: 'pytorch',
    biasLrMultiplier: 2, biasDecay: false,
    schedule: { kind: 'step', factor: 0.1, every: 20 },
    imageSize: 256,
    augment: { randomCrop: true, flip: true, pcaStd: 0, pcaUnits: 'paper', mean: 'pixel' },
  },
  layers: [
    conv('conv1', 'conv1', 96, 11, 4, 0, 1, std(0.01, 0)),
    lrn('norm1', 'dividedByN', 1, 1),
    pool('pool1'),
    conv('conv2', 'conv2', 256, 5, 1, 2, 2, std(0.01, 0.1)),
    lrn('norm2', 'dividedByN', 1, 1),
    pool('pool2'),
    conv('conv3', 'conv3', 384, 3, 1, 1, 1, std(0.01, 0)),
    conv('conv4', 'conv4', 384, 3, 1, 1, 2, std(0.01, 0.1)),
    conv('conv5', 'conv5', 256, 3, 1, 1, 2, std(0.01, 0.1)),
    pool('pool5'),
    fc('fc6', 'fc6', 4096, true, std(0.005, 0.1)),
    drop('drop6', 'inverted'),
    fc('fc7', 'fc7', 4096, true, std(0.005, 0.1)),
    drop('drop7', 'inverted'),
    fc('fc8', 'fc8', 1000, false, std(0.01, 0)),
  ],
};

/**
 * torchvision's AlexNet ("one weird trick" widths 64-192-384-256-256, no LRN,
 * no groups, conv1 pad 2, dropout before fc6 and fc7), with torchvision's
 * state-dict names. Its adaptive 6×6 average pool is the identity for 224
 * inputs, the only size this preset accepts.
 */
export const torchvision: Preset = {
  name: 'torchvision',
  description: 'torchvision.models.alexnet: 64-192-384-256-256, no LRN, no groups, conv1 pad 2, torchvision tensor names',
  inputSize: 224,
  inputRule: 'pad',
  inputChannels: 3,
  classes: 1000,
  // torchvision's weights: ToTensor ([0,1]) then Normalize(mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225)),
  // after Resize(256) (shorter side, PIL bilinear with antialias) and CenterCrop(224).
  input: { order: 'rgb', mean: [0.485 * 255, 0.456 * 255, 0.406 * 255], std: [0.229 * 255, 0.224 * 255, 0.225 * 255], resize: 'shorter', resizeTo: 256 },
  recipe: {
    // torchvision's reference recipe: lr 0.01, ×0.1 every 30 epochs, 90 epochs, per-channel normalisation.
    batchSize: 128, epochs: 90, learningRate: 0.01, momentum: 0.9, weightDecay: 0.0001, momentumForm: 'pytorch',
    biasLrMultiplier: 1, biasDecay: true,
    schedule: { kind: 'step', factor: 0.1, every: 30 },
    imageSize: 256,
    // The ImageNet constants of `input`, not the dataset's: fine-tuning torchvision's weights needs the normalisation they were trained with.
    augment: { randomCrop: true, flip: true, pcaStd: 0, pcaUnits: 'paper', mean: 'fixed' },
  },
  layers: [
    conv('conv1', 'features.0', 64, 11, 4, 2, 1, std(0.01, 0)),
    pool('pool1'),
    conv('conv2', 'features.3', 192, 5, 1, 2, 1, std(0.01, 0)),
    pool('pool2'),
    conv('conv3', 'features.6', 384, 3, 1, 1, 1, std(0.01, 0)),
    conv('conv4', 'features.8', 256, 3, 1, 1, 1, std(0.01, 0)),
    conv('conv5', 'features.10', 256, 3, 1, 1, 1, std(0.01, 0)),
    pool('pool5'),
    drop('drop6', 'inverted'),
    fc('fc6', 'classifier.1', 4096, true, std(0.01, 0)),
    drop('drop7', 'inverted'),
    fc('fc7', 'classifier.4', 4096, true, std(0.01, 0)),
    fc('fc8', 'classifier.6', 1000, false, std(0.01, 0)),
  ],
};

/**
 * The paper's network scaled down for 28×28 images and CPU demo training
 * (Fashion-MNIST): every layer type is kept — two columns (groups 2 in conv2,
 * conv4, conv5), LRN within each column, overlapping 3×3/2 pooling, dropout
 * 0.5 on fc6 and fc7 — with widths 32-64-96-96-128 and 1024-unit hidden
 * layers (as in the paper, the fully connected layers hold most weights).
 * Choices measured on Fashion-MNIST (README, Results):
 * - images are used at their own 28×28 (prepared size 28, no random crop,
 *   flips kept): upscaling to 32 and cropping 28 as 256 → 224 cut off the
 *   garments' edges and cost ~5 points of accuracy after one epoch;
 * - initialisation keeps the paper's N(0, σ²) with positive biases in the
 *   same layers, with σ set per layer from the fan-in (√(2/fan-in)), since
 *   σ = 0.01 leaves so small a network's activations vanishing;
 * - a fixed step schedule (÷10 every 6 epochs), so a 13-epoch run gets two
 *   drops without the validation (= test) set steering the schedule.
 */
export const mini: Preset = {
  name: 'mini',
  description: 'the paper network scaled down for 28×28 images (Fashion-MNIST): 32-64-96-96-128 conv, 1024-1024 fc, two columns, LRN, overlapping pooling, dropout',
  inputSize: 28,
  inputRule: 'preset',
  inputChannels: 3,
  classes: 10,
  input: { ...PLAIN_INPUT, resizeTo: 28 },
  recipe: {
    batchSize: 128, epochs: 13, learningRate: 0.01, momentum: 0.9, weightDecay: 0.0005, momentumForm: 'paper',
    biasLrMultiplier: 1, biasDecay: true,
    schedule: { kind: 'step', factor: 0.1, every: 6 },
    imageSize: 28,
    augment: { randomCrop: false, flip: true, pcaStd: 0, pcaUnits: 'paper', mean: 'pixel' },
  },
  layers: [
    // Pixels are 0–255 after mean subtraction (σ ≈ 90 on Fashion-MNIST): conv1's σ absorbs that scale.
    conv('conv1', 'conv1', 32, 5, 1, 2, 1, std(0.002, 0)),
    lrn('norm1', 'perSum', 2, 2),
    pool('pool1'),
    conv('conv2', 'conv2', 64, 5, 1, 2, 2, std(0.07, 0.1)),
    lrn('norm2', 'perSum', 2, 2),
    pool('pool2'),
    conv('conv3', 'conv3', 96, 3, 1, 1, 1, std(0.06, 0)),
    conv('conv4', 'conv4', 96, 3, 1, 1, 2, std(0.07, 0.1)),
    conv('conv5', 'conv5', 128, 3, 1, 1, 2, std(0.07, 0.1)),
    pool('pool5'),
    fc('fc6', 'fc6', 1024, true, std(0.044, 0.1)),
    drop('drop6', 'paper'),
    fc('fc7', 'fc7', 1024, true, std(0.044, 0.1)),
    drop('drop7', 'paper'),
    fc('fc8', 'fc8', 10, false, std(0.01, 0)),
  ],
};

/**
 * Figure 1 of §3.1: "a four-layer convolutional neural network" on CIFAR-10,
 * trained with ReLUs and with tanh (model.activation=tanh). Three 5×5 conv
 * layers (32-32-64, pad 2) each followed by 3×3/2 max pooling, and one fc
 * layer, with response normalisation after pool1 and conv2: the layout of
 * cuda-convnet's CIFAR-10 example net (layers-18pct) the figure comes from,
 * here for 28×28 inputs (28 → 13 → 6 → 2), with our cross-map LRN (k=2, n=5,
 * α=1e-4) in place of its rnorm layers. Without it the ReLU net blows up at
 * the mini recipe's rate (measured: NaN within 10 steps at 0.01, dead units
 * at 0.002). No dropout: the figure isolates the nonlinearity. Initialisation σ = √(2/fan-in) as in
 * mini (conv1 also absorbs the 0–255 pixel scale); zero biases, since a
 * positive bias would push tanh units towards saturation.
 */
export const convnet4: Preset = {
  name: 'convnet4',
  description: "§3.1 Figure 1's four-layer convnet for 28×28 images: 5×5 conv 32-32-64 with 3×3/2 pooling, one fc layer; for relu vs tanh (model.activation)",
  inputSize: 28,
  inputRule: 'preset',
  inputChannels: 3,
  input: { ...PLAIN_INPUT, resizeTo: 28 },
  classes: 10,
  // Figure 1's rates were "chosen independently for each network to make
  // training as fast as possible". Of 0.01 and 0.005 (2 epochs, seed 1, the
  // embedded subset) the ReLU net trains only at 0.005 (0.01 kills its units),
  // tanh fastest at 0.01: `alexnet reproduce` gives each its own.
  recipe: { ...mini.recipe, learningRate: 0.005, schedule: { kind: 'constant' } },
  layers: [
    conv('conv1', 'conv1', 32, 5, 1, 2, 1, std(0.002, 0)),
    pool('pool1'),
    lrn('norm1', 'perSum', 2, 1),
    conv('conv2', 'conv2', 32, 5, 1, 2, 1, std(0.05, 0)),
    lrn('norm2', 'perSum', 2, 1),
    pool('pool2'),
    conv('conv3', 'conv3', 64, 5, 1, 2, 1, std(0.05, 0)),
    pool('pool3'),
    fc('fc4', 'fc4', 10, false, std(0.01, 0)),
  ],
};

export const PRESETS: Readonly<Record<string, Preset>> = { paper, caffe, torchvision, mini, convnet4 };

export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p) {
    const s = suggest(name, Object.keys(PRESETS));
    throw new Error(`unknown preset '${name}'${s ? ` (did you mean '${s}'?)` : ''}; presets: ${Object.keys(PRESETS).join(', ')}`);
  }
  return p;
}
