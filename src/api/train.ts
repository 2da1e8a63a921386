// Training, fine-tuning and evaluation as library calls (docs/paper.md §4,
// §5, §6): typed options with the presets' defaults, numbers through
// callbacks, an AbortSignal that stops cleanly (with a checkpoint when there
// is a run folder), files only where a run folder is given. The loop itself
// is src/train/trainer.ts, the one the command line runs.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyOverrides, resolveConfig, configuredPreset, type Config, type Json, type ModelOptions } from '../config/config.js';
import type { ScheduleConfig } from '../models/presets.js';
import { train as runTrainer, type StepReport } from '../train/trainer.js';
import { findCheckpoint } from '../train/checkpoint.js';
import type { EpochMetrics } from '../train/position.js';
import { evaluate as evaluateModels } from '../eval/evaluate.js';
import { preprocessingFromDataset } from '../eval/input.js';
import { hostDevice } from '../tensor/device.js';
import { INPUT_KEY, PRESET_KEY } from '../io/weights.js';
import type { SafetensorsFile } from '../io/safetensors.js';
import type { SplitName } from '../data/types.js';
import { Network, networkParts } from './network.js';
import type { Platform } from './platform.js';
import { weightsFileFromBytes } from './create.js';
import { datasetInfo, openEvalSplit, openTrainSplit, resolveDataset, type DataOptions } from './data.js';
import { BACKEND_NAMES, checkChoice, checkInteger, OptionError, PRESET_NAMES, type BackendName, type PresetName, type Views } from './types.js';

/** Config keys beyond the common options, as the run's config.json spells them (docs/paper.md §7). */
export interface ConfigOverrides {
  readonly model?: Partial<ModelOptions>;
  readonly train?: Partial<Omit<Config['train'], 'initFrom'>>;
  readonly data?: Partial<Config['data']>;
}

export interface TrainOptions extends DataOptions {
  /** Default 'mini' (trains on the embedded Fashion-MNIST subset without `data`). */
  readonly preset?: PresetName;
  /** Seed of initialisation, dropout, order and augmentation (default 1). */
  readonly seed?: number;
  /** Default: the preset's recipe (mini 13, paper 90). */
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
  readonly schedule?: ScheduleConfig;
  /** Train on the first n images only (class-balanced order). */
  readonly limit?: number;
  /** Validate on the first n images only. */
  readonly validationLimit?: number;
  /** Validation views: 1 (centre crop) or 10 (§4.1). Default 1. */
  readonly validationViews?: Views;
  /** Loader threads (default 1). */
  readonly workers?: number;
  /** Model ambiguities and ablations (docs/paper.md §7). */
  readonly model?: Partial<ModelOptions>;
  /** Any other config key (augmentation, momentum form, …), as config.json spells it. */
  readonly config?: ConfigOverrides;
  readonly backend?: BackendName;
  /** A run folder: config.json, metrics files, checkpoints, model.safetensors. Default: none, nothing written. */
  readonly runDir?: string;
  /** Continue the run in this folder from its newest checkpoint (its config is the stored one; `epochs` may extend it). */
  readonly resume?: string;
  /** Also checkpoint every n steps (default: at the end of each epoch only). */
  readonly checkpointEvery?: number;
  /** Checkpoints kept (default 3). */
  readonly keep?: number;
  /** After each step, with its numbers. */
  readonly onStep?: (step: StepProgress) => void;
  /** After each epoch's validation. */
  readonly onEpoch?: (epoch: EpochProgress) => void;
  /** Stops the run after the current step, with a checkpoint when there is a run folder. */
  readonly signal?: AbortSignal;
  /** Lines for a person (what the command line prints); default: none. */
  readonly log?: (line: string) => void;
}

export interface FineTuneOptions extends TrainOptions {
  /** The weights to start from: a network, or a weights file (safetensors, .pth, .caffemodel). */
  readonly from: Network<never> | Network<unknown> | string;
  /** Layers whose weights stay fixed, e.g. ['conv1', 'conv2']. */
  readonly freeze?: readonly string[];
}

/** One training step's numbers. */
export interface StepProgress {
  /** 1-based. */
  readonly epoch: number;
  /** 1-based within the epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly globalStep: number;
  /** The batch's mean cross-entropy. */
  readonly loss: number;
  /** The batch's top-1 training error (dropout on). */
  readonly error: number;
  readonly learningRate: number;
  readonly imagesPerSecond: number;
  /** Seconds left for the whole run at the current rate. */
  readonly etaSeconds: number;
}

/** One epoch's numbers (validation figures null without a validation split). */
export type EpochProgress = EpochMetrics;

export interface TrainResult<I> {
  /** 'interrupted': the signal stopped it; 'diverged': the loss or weights became non-finite. */
  readonly status: 'completed' | 'interrupted' | 'diverged';
  /** The trained network (in evaluation mode), with the dataset's classes and mean. */
  readonly network: Network<I>;
  readonly history: readonly EpochProgress[];
  /** The last checkpoint written, if any. */
  readonly checkpoint: string | null;
  readonly runDir: string | null;
  /** What happened, in a sentence. */
  readonly message: string;
}

export interface EvaluateOptions extends Pick<DataOptions, 'data' | 'preparedDir'> {
  /** Default 'val'. */
  readonly split?: SplitName;
  /** 1 (centre crop) or 10 (§4.1); default 1. */
  readonly views?: Views;
  /** The first n images of the split only. */
  readonly limit?: number;
}

/** Error rates as the paper reports them (§6: top-1 and top-5). */
export interface EvaluationResult {
  readonly images: number;
  readonly views: Views;
  /** Mean cross-entropy of the (view-averaged) softmax. */
  readonly loss: number;
  readonly top1Error: number;
  readonly top5Error: number;
}

const where = 'train';

function optionPairs(o: TrainOptions): [string, Json][] {
  const pairs: [string, Json][] = [];
  const flat = (prefix: string, obj: object | undefined) => {
    for (const [k, v] of Object.entries(obj ?? {})) if (v !== undefined) pairs.push([`${prefix}.${k}`, v as Json]);
  };
  flat('model', o.config?.model);
  flat('train', o.config?.train);
  flat('data', o.config?.data);
  flat('model', o.model);
  const direct: [keyof TrainOptions, string][] = [
    ['seed', 'seed'], ['epochs', 'train.epochs'], ['batchSize', 'train.batchSize'], ['learningRate', 'train.learningRate'],
    ['momentum', 'train.momentum'], ['weightDecay', 'train.weightDecay'], ['schedule', 'train.schedule'], ['limit', 'data.limit'],
    ['validationLimit', 'data.valLimit'], ['validationViews', 'data.valViews'], ['workers', 'data.workers'],
  ];
  for (const [opt, key] of direct) if (o[opt] !== undefined) pairs.push([key, o[opt] as Json]);
  return pairs;
}

/** Config errors name the option as the API spells it. */
function configFrom(preset: string, pairs: [string, Json][], base?: Config): Config {
  try {
    return base ? applyOverrides(base, pairs) : resolveConfig(preset, pairs);
  } catch (e) {
    const names: Record<string, string> = { 'train.epochs': 'epochs', 'train.batchSize': 'batchSize', 'train.learningRate': 'learningRate', 'data.limit': 'limit', 'data.valLimit': 'validationLimit', 'data.valViews': 'validationViews', 'data.workers': 'workers' };
    const m = (e as Error).message.match(/^([\w.]+) must/);
    const option = m ? names[m[1]] ?? m[1] : 'config';
    throw new OptionError(option, `${where}: option '${option}': ${(e as Error).message.replace(/^[\w.]+ /, '')}`);
  }
}

/** Trains a network (docs/paper.md §4); see TrainOptions. */
export async function trainOn<I>(platform: Platform<I>, o: TrainOptions, initial?: { file: SafetensorsFile; name: string; freeze: readonly string[] }): Promise<TrainResult<I>> {
  if (o.preset !== undefined) checkChoice(where, 'preset', o.preset, PRESET_NAMES);
  if (o.backend !== undefined) checkChoice(where, 'backend', o.backend, BACKEND_NAMES);
  if (o.checkpointEvery !== undefined) checkInteger(where, 'checkpointEvery', o.checkpointEvery, 0);
  if (o.keep !== undefined) checkInteger(where, 'keep', o.keep, 1);
  const log = o.log ?? (() => undefined);
  let config: Config;
  let runDir = o.runDir ? resolve(o.runDir) : null;
  let resume = null;
  if (o.resume) {
    resume = findCheckpoint(o.resume, (m) => log(`warning: ${m}`));
    config = configFrom(resume.meta.config.preset, o.epochs === undefined ? [] : [['train.epochs', o.epochs]], resume.meta.config);
    runDir = existsSync(join(o.resume, 'checkpoints')) ? resolve(o.resume) : resolve(resume.path, '..', '..');
  } else {
    const pairs = optionPairs(o);
    let preset: string = o.preset ?? 'mini';
    if (initial) {
      // Fine-tuning: the weights' preset and input normalisation, unless the options name another preset.
      const meta = initial.file.metadata;
      if (o.preset === undefined && meta[PRESET_KEY]) preset = meta[PRESET_KEY];
      if (meta[INPUT_KEY] && preset === meta[PRESET_KEY]) pairs.push(['data.input', JSON.parse(meta[INPUT_KEY]) as Json]);
      pairs.push(['train.freeze', [...initial.freeze]]);
    }
    config = configFrom(preset, pairs);
    if (runDir && existsSync(join(runDir, 'checkpoints'))) throw new OptionError('runDir', `${where}: ${runDir} already holds a run; continue it with option 'resume', or choose another 'runDir'`);
  }
  const opened = await platform.openBackend(o.backend, where);
  const dataDir = await resolveDataset(where, { ...o, data: o.data ?? resume?.meta.data }, config, runDir, log);
  const preset = configuredPreset(config);
  const deviceViews = opened.device !== hostDevice;
  const trainData = await openTrainSplit(dataDir, config, preset.inputSize, deviceViews);
  const views = config.data.valViews;
  const valData = await openEvalSplit(dataDir, 'val', config, { cropSize: preset.inputSize, views, limit: config.data.valLimit ?? undefined, deviceViews });
  log(`data ${dataDir}: ${trainData.size} training images${valData ? `, ${valData.size} validation images` : ' (no validation split)'}, ${trainData.classes.length} classes`);
  try {
    const r = await runTrainer({
      config, runDir, dataDir, train: trainData, val: valData, valViews: views, resume,
      checkpointEvery: o.checkpointEvery ?? 0, keep: o.keep ?? 3, progress: false, log,
      shouldStop: () => o.signal?.aborted ?? false, device: opened.device, hostBackend: opened.hostKernels,
      initialWeights: initial ? { file: initial.file, name: initial.name } : undefined,
      howToResume: (dir) => `train({ resume: '${dir}' })`,
      onStep: o.onStep && ((s: StepReport) => o.onStep!({
        epoch: s.position.epoch + 1, step: s.position.stepInEpoch, stepsPerEpoch: s.stepsPerEpoch, globalStep: s.position.globalStep,
        loss: s.loss, error: 1 - s.correct / s.images, learningRate: s.learningRate, imagesPerSecond: s.imagesPerSecond, etaSeconds: s.etaSeconds,
      })),
      onEpoch: o.onEpoch,
    });
    const info = datasetInfo(dataDir);
    const network = new Network<I>({
      model: r.model.eval(), backend: opened.backend, config, platform, source: runDir ?? `training on ${dataDir}`,
      classes: trainData.classes.map((c) => ({ id: c.id, name: c.name })),
      preprocessing: preprocessingFromDataset(info, preset.inputSize, config.data.mean, config.data.input),
    });
    return { status: r.status, network, history: r.history, checkpoint: r.checkpoint, runDir, message: r.message };
  } finally {
    await trainData.close();
    await valData?.close();
  }
}

/**
 * Fine-tunes trained weights on new data (the paper's §6 pre-training, then
 * training on the target set): the classifier is re-initialised when the
 * class count differs; `freeze` keeps layers fixed.
 */
export async function fineTuneOn<I>(platform: Platform<I>, o: FineTuneOptions): Promise<TrainResult<I>> {
  if (o.resume) return trainOn(platform, o);
  let file: SafetensorsFile;
  let name: string;
  if (typeof o.from === 'string') {
    if (!platform.readFile) throw new OptionError('from', `fineTune: option 'from' must be a network here (there are no files)`);
    name = o.from;
    file = weightsFileFromBytes(await platform.readFile(o.from).catch((e: Error) => {
      throw new OptionError('from', `fineTune: option 'from': cannot read ${o.from} (${e.message})`);
    }), name, o.preset, platform as Platform<unknown>);
  } else if (o.from instanceof Network) {
    name = networkParts(o.from).source;
    file = weightsFileFromBytes(await o.from.toSafetensors(), name, undefined, platform as Platform<unknown>);
  } else {
    throw new OptionError('from', `fineTune: option 'from' must be a network or a weights file path, got ${typeof o.from}`);
  }
  return trainOn(platform, o, { file, name, freeze: o.freeze ?? [] });
}

/** Top-1 and top-5 error on a prepared split (docs/paper.md §6), with the centre crop or the paper's 10 views. */
export async function evaluateOn<I>(platform: Platform<I>, network: Network<I>, o: EvaluateOptions): Promise<EvaluationResult> {
  const w = 'evaluate';
  if (!(network instanceof Network)) throw new OptionError('network', `${w}: the first argument must be a network (createNetwork, loadNetwork, train)`);
  const views = o.views ?? 1;
  if (views !== 1 && views !== 10) throw new OptionError('views', `${w}: option 'views' must be 1 or 10, got ${JSON.stringify(views)}`);
  const split = checkChoice(w, 'split', o.split ?? 'val', ['train', 'val', 'test'] as const);
  if (o.limit !== undefined) checkInteger(w, 'limit', o.limit, 1);
  const p = networkParts(network);
  const dataDir = await resolveDataset(w, o, p.config, null, () => undefined);
  const classes = datasetInfo(dataDir).classes.length;
  if (classes !== network.classes.length) throw new OptionError('data', `${w}: ${dataDir} has ${classes} classes but the network ${network.classes.length} outputs; evaluate on the dataset it was trained on`);
  const loader = await openEvalSplit(dataDir, split, p.config, { cropSize: network.inputSize, views, limit: o.limit, deviceViews: p.model.device !== hostDevice });
  if (!loader) throw new OptionError('split', `${w}: ${dataDir} has no '${split}' split (it has ${Object.keys(datasetInfo(dataDir).splits).join(', ')})`);
  try {
    const r = await evaluateModels([p.model], loader, views);
    return { images: r.images, views, loss: r.loss, top1Error: r.top1Error, top5Error: r.top5Error };
  } finally {
    await loader.close();
  }
}
