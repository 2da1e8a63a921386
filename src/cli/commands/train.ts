import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, OptionSpec, Parsed } from '../args.js';
import { UsageError } from '../args.js';
import { CONFIG_OPTIONS, configFromArgs } from '../config-options.js';
import { fineTune, inspectWeights, train, type Config, type Json, type TrainOptions } from '../../index.js';

/** Flags that map onto config keys (the rest go through --set). */
const SHORTCUTS: readonly [flag: string, key: string][] = [
  ['epochs', 'train.epochs'], ['batch-size', 'train.batchSize'], ['seed', 'seed'],
  ['momentum-form', 'train.momentumForm'], ['schedule', 'train.schedule'], ['workers', 'data.workers'],
  ['limit', 'data.limit'], ['val-limit', 'data.valLimit'], ['val-views', 'data.valViews'],
];

const SCHEDULES: Record<string, Json> = {
  constant: { kind: 'constant' },
  plateau: { kind: 'plateau', factor: 0.1, patience: 3, threshold: 0.001, maxDrops: 3 },
  step: { kind: 'step', factor: 0.1, every: 30 },
};

/** UTC time for default run folder names, e.g. 20261127-105808. */
export function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function overridesFrom(args: Parsed): [string, Json][] {
  const out: [string, Json][] = [];
  for (const [flag, key] of SHORTCUTS) {
    if (!args.given.has(flag)) continue;
    const v = args.options[flag] as Json;
    out.push([key, key === 'train.schedule' ? SCHEDULES[v as string] : v]);
  }
  return out;
}

const TRAIN_OPTIONS: readonly OptionSpec[] = [
  { name: 'data', alias: 'd', type: 'string', value: '<dir>', help: 'prepared dataset (alexnet prepare); default for mini: the embedded Fashion-MNIST subset' },
  { name: 'run', alias: 'o', type: 'string', value: '<dir>', help: 'run folder [default: runs/<preset>-<time>]' },
  { name: 'epochs', alias: 'e', type: 'integer', value: '<n>', help: 'epochs (default: the preset\'s)' },
  { name: 'batch-size', alias: 'b', type: 'integer', value: '<n>', help: 'images per step (default: the preset\'s; paper 128)' },
  { name: 'lr', type: 'number', value: '<rate>', help: 'learning rate; with --resume a manual drop (default: the preset\'s; paper 0.01)' },
  { name: 'resume', alias: 'r', type: 'string', value: '<run-dir>', help: 'continue a run from its newest valid checkpoint (or a ckpt-*.json)' },
  ...CONFIG_OPTIONS,
  { name: 'seed', type: 'integer', value: '<n>', help: 'seed of initialisation, dropout, order and augmentation [default: 1]', advanced: true },
  { name: 'schedule', type: 'string', value: '<kind>', choices: Object.keys(SCHEDULES), help: 'learning-rate schedule (details via --set train.schedule=...)', advanced: true },
  { name: 'momentum-form', type: 'string', value: '<form>', choices: ['paper', 'pytorch'], help: 'SGD momentum form (docs/paper.md §4)', advanced: true },
  { name: 'val-views', type: 'integer', value: '<1|10>', help: 'validation crops per image: centre, or the paper\'s 10 views [default: 1]', advanced: true },
  { name: 'checkpoint-every', type: 'integer', value: '<steps>', default: 0, help: 'also checkpoint every n steps (0: at the end of each epoch)', advanced: true },
  { name: 'keep', type: 'integer', value: '<n>', default: 3, help: 'checkpoints kept', advanced: true },
  { name: 'workers', type: 'integer', value: '<n>', help: 'loader worker threads [default: 1]', advanced: true },
  { name: 'limit', type: 'integer', value: '<n>', help: 'train on the first n images only (class-balanced); for quick trials', advanced: true },
  { name: 'val-limit', type: 'integer', value: '<n>', help: 'validate on the first n images only', advanced: true },
  { name: 'progress', type: 'boolean', default: true, help: 'progress bar on stderr (--no-progress to hide)', advanced: true },
];

export const trainCommand: Command = {
  spec: {
    name: 'train',
    summary: 'Train a network (docs/paper.md §4), with validation, checkpoints and exact resume.',
    usage: ['[--preset <name>] [--data <dir>] [--run <dir>] [options]', '--resume <run-dir> [--lr <rate>] [--epochs <n>]'],
    description: `Without --data the mini preset trains on the Fashion-MNIST subset shipped in the repository.
Metrics go to <run>/metrics/{steps,epochs}.{jsonl,csv}; checkpoints to <run>/checkpoints/;
the final weights to <run>/model.safetensors. Ctrl-C saves a checkpoint and stops; --resume continues
exactly where the run stopped (also after a crash or kill).`,
    options: TRAIN_OPTIONS,
    examples: [
      'alexnet train                                   # mini on the embedded Fashion-MNIST subset',
      'alexnet train --data fmnist --epochs 12 --run runs/fmnist',
      'alexnet train --preset paper --data /data/ilsvrc-prepared --run runs/paper',
      'alexnet train --resume runs/paper --lr 0.001     # continue, dividing the rate by 10 by hand',
      'mpirun -np 4 alexnet train --preset paper --data /shared/ilsvrc --run /shared/runs/paper   # data-parallel (docs/cluster.md)',
    ],
  },
  run: (args) => runTraining('train', args, []),
};

export const finetuneCommand: Command = {
  spec: {
    name: 'finetune',
    summary: 'Fine-tune trained weights on a new dataset: new classifier, optionally frozen first layers.',
    usage: ['--weights <file> --data <dir> [--freeze <layers>] [train options]', '--resume <run-dir>'],
    description: `Starts from --weights (a model.safetensors, or published weights from 'alexnet convert'; the
preset is the file's unless --preset says otherwise), replaces fc8 when the new
dataset has another number of classes, and trains with the usual trainer, checkpoints and resume
(every 'alexnet train' option applies). --freeze keeps the listed layers' weights fixed.`,
    options: [
      { name: 'weights', alias: 'w', type: 'string', value: '<file>', help: 'trained weights to start from (safetensors)' },
      { name: 'freeze', type: 'list', value: '<layers>', help: 'layers to keep fixed: comma-separated or repeated, e.g. conv1,conv2,conv3' },
      ...TRAIN_OPTIONS,
    ],
    examples: [
      'alexnet finetune --weights runs/fmnist/model.safetensors --data flowers --freeze conv1,conv2 --epochs 5',
      'alexnet finetune --weights alexnet-torchvision.safetensors --data flowers --lr 0.001   # torchvision\'s normalisation kept',
      'alexnet finetune --resume runs/finetune-20261127-101500',
    ],
  },
  async run(args) {
    const extra: [string, Json][] = [];
    if (!args.options.resume) {
      if (!args.options.weights) throw new UsageError('finetune', 'missing --weights <file> (the trained weights to start from)');
      extra.push(...await initialWeightsOverrides(args));
    }
    if (args.given.has('freeze')) extra.push(['train.freeze', args.options.freeze as string[]]);
    return runTraining('finetune', args, extra);
  },
};

/**
 * Fine-tuning's start: train.initFrom, and, without --preset, the preset the
 * weights record (converted torchvision or Caffe weights do), with the input
 * normalisation they were trained with.
 */
export async function initialWeightsOverrides(args: Parsed): Promise<[string, Json][]> {
  const file = args.options.weights as string;
  const out: [string, Json][] = [['train.initFrom', file]];
  const meta = (await inspectWeights(file)).metadata;
  if (!args.given.has('preset') && meta.preset) out.push(['preset', meta.preset]);
  const samePreset = args.given.has('preset') ? args.options.preset === meta.preset : meta.preset !== undefined;
  if (meta.input && samePreset) out.push(['data.input', JSON.parse(meta.input) as Json]);
  return out;
}

async function runTraining(command: string, args: Parsed, extraOverrides: [string, Json][]): Promise<number> {
  const resumeTarget = args.options.resume as string | undefined;
  let config: Config | undefined;
  let runDir: string | undefined;
  if (resumeTarget) {
    const allowed = new Set(['resume', 'lr', 'epochs', 'workers', 'progress', 'data', 'checkpoint-every', 'keep']);
    const bad = [...args.given].filter((g) => !allowed.has(g));
    if (bad.length) throw new UsageError(command, `--${bad[0]} cannot change a run being resumed (its config is stored in the checkpoint); start a new run instead`);
  } else {
    config = configFromArgs(args, [...overridesFrom(args), ...(args.given.has('lr') ? [['train.learningRate', args.options.lr as number] as [string, Json]] : []), ...extraOverrides]);
    runDir = (args.options.run as string | undefined) ?? join('runs', `${command === 'train' ? config.preset : 'finetune'}-${timestamp()}`);
    if (existsSync(join(runDir, 'checkpoints'))) throw new UsageError(command, `${runDir} already holds a run; continue it with --resume ${runDir}, or choose another --run`);
  }
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) {
      console.error('\nsecond Ctrl-C: quitting without a checkpoint');
      process.exit(130);
    }
    abort.abort();
    console.error('\nCtrl-C: saving a checkpoint after this step (Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSigint);
  try {
    const o: TrainOptions = {
      data: args.options.data as string | undefined,
      checkpointEvery: args.options['checkpoint-every'] as number, keep: args.options.keep as number,
      progress: args.options.progress as boolean, log: (l) => console.log(l), signal: abort.signal,
      resumeHint: (dir, lr) => `alexnet train --resume ${dir}${lr === undefined ? '' : ` --lr ${lr}`}`,
    };
    const r = resumeTarget
      ? await train({
        ...o, resume: resumeTarget,
        epochs: args.given.has('epochs') ? args.options.epochs as number : undefined,
        workers: args.given.has('workers') ? args.options.workers as number : undefined,
        learningRate: args.given.has('lr') ? args.options.lr as number : undefined,
      })
      : config!.train.initFrom
        ? await fineTune({ ...o, config, runDir, from: config!.train.initFrom, freeze: config!.train.freeze })
        : await train({ ...o, config, runDir });
    if (r.rank === 0) (r.status === 'diverged' ? console.error : console.log)(r.message);
    return r.status === 'diverged' ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
