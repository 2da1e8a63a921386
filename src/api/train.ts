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
import { joinJob, type JoinedJob } from '../parallel/launch.js';
import { DataParallel } from '../parallel/data-parallel.js';
import { partRange } from '../data/part.js';
import type { EpochMetrics } from '../train/position.js';
import { rendersOnDevice } from '../eval/evaluate.js';
import { evaluateViews } from '../runs/run-eval.js';
import { getPreset } from '../models/presets.js';
import { EMBEDDED_SIZE } from '../data/embedded.js';
import { preprocessingFromDataset } from '../eval/input.js';
import { hostDevice } from '../tensor/device.js';
import { INPUT_KEY, PRESET_KEY } from '../weights/weights.js';
import type { SafetensorsFile } from '../io/safetensors.js';
import type { SplitName } from '../data/types.js';
import { Ensemble, Network, networkParts } from './network.js';
import type { Platform } from './platform.js';
import { weightsFileFromBytes } from './create.js';
import { datasetInfo, openEvalSplit, openTrainSplit, resolveDataset, type DataOptions } from './data.js';
import { BACKEND_NAMES, checkChoice, checkInteger, OptionError, PRESET_NAMES, type BackendName, type ClassLabel, type PresetName, type Views } from './types.js';

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
  /** Any other config key (augmentation, momentum form, …), as config.json spells it; or a whole resolved config (resolveConfig, a run's config.json), which the other options then override. */
  readonly config?: ConfigOverrides | Config;
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
  /** A progress bar on stderr (redrawn on a terminal, a line a tenth of an epoch otherwise). Default false. */
  readonly progress?: boolean;
  /**
   * 'auto' (default): under an MPI launcher (mpirun, srun) every rank calls
   * train and the run is data-parallel, rank 0 alone writing; 'none': a
   * single process whatever launched it.
   */
  readonly parallel?: 'auto' | 'none';
  /** How the caller continues a stopped run, for messages (default: `train({ resume: '<runDir>' })`). */
  readonly resumeHint?: (runDir: string, learningRate?: number) => string;
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
  /** This process's rank in a data-parallel run (0 alone, and the one that writes), else 0. */
  readonly rank: number;
  /** What happened, in a sentence. */
  readonly message: string;
}

export interface EvaluateOptions extends Pick<DataOptions, 'data' | 'preparedDir'> {
  /** Default 'val'. */
  readonly split?: SplitName;
  /** 1 (centre crop) or 10 (§4.1); default 1. */
  readonly views?: Views;
  /** The first n images of the split only (class-balanced order). */
  readonly limit?: number;
  /** Loader threads (default: the network's config's). */
  readonly workers?: number;
  /** Confused class pairs listed (default 10). */
  readonly topConfusions?: number;
  /** Images done so far, of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Error rates as the paper reports them (§6: top-1 and top-5), and where the errors are. */
export interface EvaluationResult {
  readonly images: number;
  readonly views: Views;
  /** Mean cross-entropy of the (view-averaged) softmax. */
  readonly loss: number;
  readonly top1Error: number;
  readonly top5Error: number;
  /** The prepared dataset evaluated on, and its split. */
  readonly data: string;
  readonly split: SplitName;
  /** Top-1 accuracy of each class, in output order. */
  readonly perClass: readonly { readonly id: string; readonly name: string; readonly images: number; readonly accuracy: number }[];
  /** The most frequent confusions, most frequent first (rate: share of the true class's images). */
  readonly confusions: readonly { readonly actual: ClassLabel; readonly predicted: ClassLabel; readonly count: number; readonly rate: number }[];
}

const where = 'train';

function optionPairs(o: TrainOptions): [string, Json][] {
  const pairs: [string, Json][] = [];
  const flat = (prefix: string, obj: object | undefined) => {
    for (const [k, v] of Object.entries(obj ?? {})) if (v !== undefined) pairs.push([`${prefix}.${k}`, v as Json]);
  };
  // A whole config is the base itself (trainProcess), not overrides.
  if (o.config && !('preset' in o.config)) {
    flat('model', o.config.model);
    flat('train', o.config.train);
    flat('data', o.config.data);
  }
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

/** Trains a network (docs/paper.md §4); see TrainOptions. Under an MPI launcher (mpirun, srun) every rank calls it and the run is data-parallel (docs/cluster.md). */
export async function trainOn<I>(platform: Platform<I>, o: TrainOptions, initial?: InitialWeights): Promise<TrainResult<I>> {
  if (o.preset !== undefined) checkChoice(where, 'preset', o.preset, PRESET_NAMES);
  if (o.backend !== undefined) checkChoice(where, 'backend', o.backend, BACKEND_NAMES);
  if (o.parallel !== undefined) checkChoice(where, 'parallel', o.parallel, ['auto', 'none'] as const);
  if (o.checkpointEvery !== undefined) checkInteger(where, 'checkpointEvery', o.checkpointEvery, 0);
  if (o.keep !== undefined) checkInteger(where, 'keep', o.keep, 1);
  const job = o.parallel === 'none' ? null : joinJob();
  if (!job) return trainProcess(platform, o, initial, null);
  if (job.threadsPerRank !== null) platform.setHostThreads?.(job.threadsPerRank);
  try {
    const r = await trainProcess(platform, o, initial, job);
    job.finish();
    return r;
  } catch (e) {
    return job.fail(e);
  }
}

interface InitialWeights {
  readonly file: SafetensorsFile;
  readonly name: string;
  readonly freeze: readonly string[];
  /** Recorded as the config's train.initFrom (a file path; null for a network). */
  readonly path: string | null;
}

async function trainProcess<I>(platform: Platform<I>, o: TrainOptions, initial: InitialWeights | undefined, job: JoinedJob | null): Promise<TrainResult<I>> {
  const root = !job || job.rank === 0;
  const log = root ? o.log ?? (() => undefined) : () => undefined;
  let config: Config;
  let runDir = o.runDir ? resolve(o.runDir) : null;
  let resume = null;
  if (o.resume) {
    resume = findCheckpoint(o.resume, (m) => log(`warning: ${m}`));
    const extra: [string, Json][] = [];
    if (o.epochs !== undefined) extra.push(['train.epochs', o.epochs]);
    if (o.workers !== undefined) extra.push(['data.workers', o.workers]);
    config = configFrom(resume.meta.config.preset, extra, resume.meta.config);
    runDir = existsSync(join(o.resume, 'checkpoints')) ? resolve(o.resume) : resolve(resume.path, '..', '..');
  } else {
    const pairs = optionPairs(o);
    const full = o.config && 'preset' in o.config ? o.config as Config : undefined;
    let preset: string = o.preset ?? full?.preset ?? 'mini';
    if (initial) {
      // Fine-tuning: the weights' preset and input normalisation, unless the options name another preset.
      const meta = initial.file.metadata;
      if (o.preset === undefined && !full && meta[PRESET_KEY]) preset = meta[PRESET_KEY];
      if (meta[INPUT_KEY] && preset === meta[PRESET_KEY]) pairs.push(['data.input', JSON.parse(meta[INPUT_KEY]) as Json]);
      pairs.push(['train.initFrom', initial.path], ['train.freeze', [...initial.freeze]]);
    }
    if (full && preset !== full.preset) throw new OptionError('preset', `${where}: option 'preset' (${preset}) differs from the config's (${full.preset})`);
    config = configFrom(preset, pairs, full);
    if (runDir && existsSync(join(runDir, 'checkpoints'))) throw new OptionError('runDir', `${where}: ${runDir} already holds a run; continue it with option 'resume', or choose another 'runDir'`);
  }
  if (runDir) log(`run ${runDir}`);
  log(`config ${JSON.stringify(config)}`);
  const dist = job ? new DataParallel(job, config.train.batchSize) : undefined;
  if (job && dist) {
    dist.checkText(JSON.stringify(config), `rank ${job.rank}'s config differs from rank 0's: start every rank with the same options`);
    const [a, b] = partRange(config.train.batchSize, { index: 0, count: job.size });
    log(`data-parallel: ${job.size} processes (${job.library}${job.progressThread ? ', progress thread' : ''}), ${b - a}${config.train.batchSize % job.size ? ' or so' : ''} of the ${config.train.batchSize} images of each batch on each`);
  }
  const opened = await platform.openBackend(o.backend, where);
  // Rank 0 first: the data may have to be prepared, and into one folder only once.
  if (job && job.rank !== 0) job.mpi.barrier();
  const dataDir = await resolveDataset(where, { ...o, data: o.data ?? resume?.meta.data }, config, runDir, log);
  if (job && job.rank === 0) job.mpi.barrier();
  const preset = configuredPreset(config);
  const deviceViews = opened.device !== hostDevice;
  const trainData = await openTrainSplit(dataDir, config, preset.inputSize, deviceViews, dist?.part);
  const views = config.data.valViews;
  const valData = await openEvalSplit(dataDir, 'val', config, { cropSize: preset.inputSize, views, limit: config.data.valLimit ?? undefined, deviceViews, part: dist?.part }).catch(async (e) => {
    await trainData.close();
    throw e;
  });
  if (!valData) log('no validation split; the plateau schedule needs one');
  log(`data ${dataDir}: ${trainData.size} training images${valData ? `, ${valData.size} validation images` : ''}, ${trainData.classes.length} classes`);
  try {
    const r = await runTrainer({
      config, runDir, dataDir, train: trainData, val: valData, valViews: views, resume,
      learningRate: resume ? o.learningRate : undefined,
      checkpointEvery: o.checkpointEvery ?? 0, keep: o.keep ?? 3, progress: root && (o.progress ?? false), log,
      shouldStop: () => o.signal?.aborted ?? false, device: opened.device, hostBackend: opened.hostKernels, distributed: dist,
      initialWeights: initial ? { file: initial.file, name: initial.name } : undefined,
      howToResume: o.resumeHint ?? ((dir) => `train({ resume: '${dir}' })`),
      onStep: o.onStep && ((s: StepReport) => o.onStep!({
        epoch: s.position.epoch + 1, step: s.position.stepInEpoch, stepsPerEpoch: s.stepsPerEpoch, globalStep: s.position.globalStep,
        loss: s.loss, error: 1 - s.correct / s.images, learningRate: s.learningRate, imagesPerSecond: s.imagesPerSecond, etaSeconds: s.etaSeconds,
      })),
      onEpoch: o.onEpoch,
    });
    const info = datasetInfo(dataDir);
    const network = new Network<I>({
      model: r.model.eval(), backend: opened.backend, config, platform, source: runDir ?? `training on ${dataDir}`, dataDir,
      classes: trainData.classes.map((c) => ({ id: c.id, name: c.name })),
      preprocessing: preprocessingFromDataset(info, preset.inputSize, config.data.mean, config.data.input),
    });
    return { status: r.status, network, history: r.history, checkpoint: r.checkpoint, runDir, rank: job?.rank ?? 0, message: r.message };
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
  let path: string | null = null;
  if (typeof o.from === 'string') {
    if (!platform.readFile) throw new OptionError('from', `fineTune: option 'from' must be a network here (there are no files)`);
    name = o.from;
    path = o.from;
    file = weightsFileFromBytes(await platform.readFile(o.from).catch((e: Error) => {
      throw new OptionError('from', `fineTune: option 'from': cannot read ${o.from} (${e.message})`);
    }), name, o.preset, platform as Platform<unknown>);
  } else if (o.from instanceof Network) {
    name = networkParts(o.from).source;
    file = weightsFileFromBytes(await o.from.toSafetensors(), name, undefined, platform as Platform<unknown>);
  } else {
    throw new OptionError('from', `fineTune: option 'from' must be a network or a weights file path, got ${typeof o.from}`);
  }
  return trainOn(platform, o, { file, name, freeze: o.freeze ?? [], path });
}

/** Top-1 and top-5 error on a prepared split (docs/paper.md §6), with the centre crop or the paper's 10 views; an ensemble's softmax outputs averaged. */
export async function evaluateOn<I>(platform: Platform<I>, target: Network<I> | Ensemble<I>, o: EvaluateOptions): Promise<EvaluationResult> {
  const w = 'evaluate';
  const members = target instanceof Ensemble ? target.networks : target instanceof Network ? [target] : null;
  if (!members) throw new OptionError('network', `${w}: the first argument must be a network (createNetwork, loadNetwork, train) or an ensemble`);
  const views = o.views ?? 1;
  if (views !== 1 && views !== 10) throw new OptionError('views', `${w}: option 'views' must be 1 or 10, got ${JSON.stringify(views)}`);
  const split = checkChoice(w, 'split', o.split ?? 'val', ['train', 'val', 'test'] as const);
  if (o.limit !== undefined) checkInteger(w, 'limit', o.limit, 1);
  if (o.workers !== undefined) checkInteger(w, 'workers', o.workers, 0);
  const parts = members.map((m) => networkParts(m));
  const p = parts[0];
  const recorded = p.dataDir ?? undefined;
  if (!o.data && !recorded && getPreset(p.config.preset).inputSize !== EMBEDDED_SIZE) {
    throw new OptionError('data', `${w}: no dataset to evaluate on: pass option 'data' (the prepared dataset the network was trained on)`);
  }
  const dataDir = await resolveDataset(w, { ...o, data: o.data ?? recorded }, p.config, null, () => undefined);
  const models = parts.map((q) => q.model);
  const classes = members[0].classes;
  // The trainer's validation batch size and loader settings, so the figures match its log bit for bit.
  const loader = await openEvalSplit(dataDir, split, p.config, { cropSize: members[0].inputSize, views, limit: o.limit, workers: o.workers, deviceViews: rendersOnDevice(models) });
  if (!loader) throw new OptionError('split', `${w}: ${dataDir} has no '${split}' split (it has ${Object.keys(datasetInfo(dataDir).splits).join(', ')})`);
  try {
    if (loader.classes.map((c) => c.id).join('\n') !== classes.map((c) => c.id).join('\n')) {
      throw new OptionError('data', `${w}: ${dataDir}: its ${loader.classes.length} classes are not the network's ${classes.length} (in the same order); evaluate on the dataset the network was trained on`);
    }
    const r = await evaluateViews(models, classes, loader, views, { topConfusions: o.topConfusions, onProgress: o.onProgress && ((done) => o.onProgress!(done, loader.size)) });
    return { ...r, data: dataDir, split };
  } finally {
    await loader.close();
  }
}
