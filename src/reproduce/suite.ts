// The experiments of `alexnet reproduce`: each variant is a preset plus
// config overrides (exactly what `alexnet train --preset P --set k=v …`
// takes), trained once per seed in its own run folder. Claims compare
// variants; the baseline's networks also serve the 10-view and ensemble
// claims (§5, §6), so they cost no training of their own.
import type { Json } from '../config/config.js';

export type SuiteMode = 'quick' | 'full';

export interface VariantSpec {
  readonly id: string;
  /** What the variant changes, in words. */
  readonly label: string;
  readonly preset: 'mini' | 'convnet4';
  /** The ablation itself, on top of the suite's schedule overrides. */
  readonly overrides: readonly [string, Json][];
  readonly seeds: readonly number[];
}

export interface Experiment {
  /** Run folder name under the suite folder: `<variant>-s<seed>`. */
  readonly id: string;
  readonly variant: string;
  readonly preset: 'mini' | 'convnet4';
  readonly seed: number;
  /** Every override, schedule included: `alexnet train --set` arguments. */
  readonly overrides: readonly [string, Json][];
  readonly epochs: number;
  /** Training images it uses (data.limit); null: the whole training split. */
  readonly trainLimit: number | null;
}

export interface SuiteSizing {
  readonly mode: SuiteMode;
  /** Epochs of the mini variants and their step schedule (÷10 every `dropEvery`). */
  readonly miniEpochs: number;
  readonly dropEvery: number;
  /** Epochs of the convnet4 pair (constant rate, as Figure 1). */
  readonly convnetEpochs: number;
  readonly baselineSeeds: readonly number[];
  readonly seeds: readonly number[];
  /** Training images (null: all) and validation images used while training. */
  readonly trainLimit: number | null;
  /** Training images of the mini variants (the suite's bulk) when fewer than trainLimit. */
  readonly miniTrainLimit: number | null;
  readonly valLimit: number | null;
  /** Test images read at the end (null: all) and training images evaluated for the overfitting gap. */
  readonly testLimit: number | null;
  readonly trainEvalLimit: number;
  /** Figure 1: training top-1 error to reach (the paper: 25% on CIFAR-10). */
  readonly speedThreshold: number;
  /** §4.2 "iterations to converge": training top-1 error to reach with and without dropout. */
  readonly convergeThreshold: number;
  /** Ensemble sizes of §6 built from the baseline seeds. */
  readonly ensembleSizes: readonly number[];
}

/**
 * Full: sized for ≈ 30 min on one loaded core (docs/reproduce.md): the mini
 * recipe shortened to 3 epochs (÷10 after 2) on 4,000 of the 7,000 training
 * images (class-balanced), five baseline seeds (the 5-network ensemble),
 * three for every other variant; the convnet4 pair on all 7,000. Quick: the same suite
 * on 640 images for one epoch and two seeds: it checks the machinery, its
 * figures are not evidence.
 */
export function sizing(mode: SuiteMode): SuiteSizing {
  // Fashion-MNIST is easier than CIFAR-10: 25% training error is reached in
  // the second epoch by the ReLU net, so the threshold separates the curves
  // where they are steep, as 25% does in Figure 1.
  if (mode === 'full') {
    return {
      mode, miniEpochs: 3, dropEvery: 2, convnetEpochs: 5, baselineSeeds: [1, 2, 3, 4, 5], seeds: [1, 2, 3],
      trainLimit: null, miniTrainLimit: 4000, valLimit: null, testLimit: null, trainEvalLimit: 2000,
      speedThreshold: 0.25, convergeThreshold: 0.25, ensembleSizes: [1, 2, 5],
    };
  }
  return {
    mode, miniEpochs: 1, dropEvery: 1, convnetEpochs: 1, baselineSeeds: [1, 2], seeds: [1, 2],
    trainLimit: 640, miniTrainLimit: null, valLimit: 200, testLimit: 400, trainEvalLimit: 400,
    speedThreshold: 0.85, convergeThreshold: 0.85, ensembleSizes: [1, 2],
  };
}

export function variants(s: SuiteSizing): VariantSpec[] {
  const mini = (id: string, label: string, overrides: [string, Json][], seeds = s.seeds): VariantSpec => ({ id, label, preset: 'mini', overrides, seeds });
  return [
    mini('baseline', 'mini as it is: LRN, overlapping 3×3/2 pooling, two columns, dropout 0.5, flips', [], s.baselineSeeds),
    mini('no-lrn', 'without local response normalisation (§3.3)', [['model.lrn', false]]),
    mini('pool-2x2', 'non-overlapping 2×2/2 pooling instead of 3×3/2 (§3.4)', [['model.poolKernel', 2]]),
    mini('one-column', 'one column, half the kernels in conv1–conv4, no groups (§3.2)', [['model.columns', 1]]),
    mini('no-dropout', 'without dropout (§4.2)', [['model.dropProbability', 0]]),
    mini('no-flip', 'without training-time flips, i.e. no augmentation (§4.1)', [['data.flip', false]]),
    mini('pca', 'with PCA lighting, σ = 0.1 (§4.1)', [['data.pcaStd', 0.1]]),
    { id: 'relu4', label: 'four-layer convnet with ReLUs, rate 0.005 (§3.1)', preset: 'convnet4', overrides: [], seeds: s.seeds },
    { id: 'tanh4', label: 'the same convnet with tanh, rate 0.01 (§3.1)', preset: 'convnet4', overrides: [['model.activation', 'tanh'], ['train.learningRate', 0.01]], seeds: s.seeds },
  ];
}

/** Every training run of the suite, in the order they run (the Figure 1 pair first: it is the cheapest). */
export function experiments(s: SuiteSizing): Experiment[] {
  const vs = variants(s);
  const ordered = [...vs.filter((v) => v.preset === 'convnet4'), ...vs.filter((v) => v.preset === 'mini')];
  return ordered.flatMap((v) => v.seeds.map((seed): Experiment => {
    const epochs = v.preset === 'mini' ? s.miniEpochs : s.convnetEpochs;
    const schedule: [string, Json][] = v.preset === 'mini' ? [['train.schedule', { kind: 'step', factor: 0.1, every: s.dropEvery }]] : [];
    const trainLimit = v.preset === 'mini' && s.miniTrainLimit !== null ? s.miniTrainLimit : s.trainLimit;
    const limits: [string, Json][] = [
      ...(trainLimit !== null ? [['data.limit', trainLimit] as [string, Json]] : []),
      ...(s.valLimit !== null ? [['data.valLimit', s.valLimit] as [string, Json]] : []),
    ];
    return {
      id: `${v.id}-s${seed}`, variant: v.id, preset: v.preset, seed, epochs, trainLimit,
      overrides: [['train.epochs', epochs], ...schedule, ...limits, ...v.overrides],
    };
  }));
}

/** `alexnet train` arguments of an experiment (also printed in the report: anyone can rerun one). */
export function trainArgs(e: Experiment, dataDir: string, runDir: string): string[] {
  return ['train', '--preset', e.preset, '--data', dataDir, '--run', runDir, '--seed', String(e.seed),
    ...e.overrides.flatMap(([k, v]) => ['--set', `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`])];
}
