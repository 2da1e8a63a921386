// Training on labelled images held in memory, a step at a time, with pause
// and resume (docs/paper.md §4): what a web page needs to train in the tab.
// The state and arithmetic are the trainer's own (train/session.ts), over the
// in-memory loader (data/pixels.ts), which renders batches with the same
// code as the shard loader: the same seed gives the losses of `train` in Node.
// Platform-neutral; nothing is written anywhere.
import { configuredPreset, resolveConfig, applyOverrides, type Config, type Json } from '../config/config.js';
import { decodePixelSplit, openPixelLoader, type PixelSplit } from '../data/pixels.js';
import { testLoaderOptions, trainLoaderOptions, validationBatchSize } from '../config/split-options.js';
import type { DataLoader } from '../data/types.js';
import { hostDevice } from '../tensor/device.js';
import type { EpochMetrics } from '../train/position.js';
import { TrainSession } from '../train/session.js';
import { evaluate as evaluateModels, rendersOnDevice } from '../eval/evaluate.js';
import { preprocessingFromDataset } from '../eval/input.js';
import { conv1Weights, drawFilterGrid } from '../viz/filters.js';
import { Network, networkParts } from './network.js';
import type { Platform } from './platform.js';
import { checkInteger, OptionError, type BackendName, type PresetName, type RawImage, type Views } from './types.js';

/**
 * Labelled images in memory: S×S RGB squares (CHW bytes, image after image),
 * labels, classes and the training split's statistics (mean image, PCA
 * lighting). `alexnet serve` sends the embedded Fashion-MNIST subset so.
 */
export type ImageSet = PixelSplit;

/** An image set from its bytes (what encodeImageSet or `alexnet serve` wrote); `source` names it in errors. */
export function decodeImageSet(bytes: Uint8Array, source = 'image set'): ImageSet {
  return decodePixelSplit(bytes, source);
}

export interface TrainerOptions {
  /** Default 'mini'. */
  readonly preset?: PresetName;
  /** A whole resolved config (resolveConfig); the options below override it. */
  readonly config?: Config;
  readonly seed?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Train on the first n images only (class-balanced order). */
  readonly limit?: number;
  /** Validate on the first n images only. */
  readonly validationLimit?: number;
  readonly backend?: BackendName;
  readonly train: ImageSet;
  readonly validation: ImageSet;
  /** After each step; awaited before the next (so it may read from the device). */
  readonly onStep?: (s: TrainerStep) => void | Promise<void>;
  /** After each epoch's validation and schedule decision. */
  readonly onEpoch?: (e: EpochMetrics, schedule: { readonly dropped: boolean; readonly learningRate: number; readonly reason: string | null }) => void;
  /** Validation progress, images done of total. */
  readonly onValidating?: (done: number, total: number) => void;
}

export interface TrainerStep {
  readonly epoch: number;
  /** 1-based within the epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly globalStep: number;
  readonly loss: number;
  /** Images of the batch classified right (dropout on), of `images`. */
  readonly correct: number;
  readonly images: number;
  /** The epoch's top-1 training error so far. */
  readonly runningError: number;
  readonly learningRate: number;
}

export type TrainerState = 'ready' | 'running' | 'pausing' | 'paused' | 'done' | 'diverged';

/** A training run in memory: `run()` until done or `pause()`, `run()` again to resume. */
export class Trainer<I> {
  state: TrainerState = 'ready';
  private pauseAsked = false;

  /** @hidden */
  constructor(
    private readonly platform: Platform<I>,
    readonly config: Config,
    private readonly session: TrainSession,
    private readonly backendName: BackendName,
    private readonly trainLoader: DataLoader,
    private readonly valLoader: DataLoader,
    private readonly sets: { readonly train: ImageSet },
    private readonly o: TrainerOptions,
  ) {}

  /** Training images per epoch (after `limit`). */
  get trainImages(): number {
    return this.trainLoader.size;
  }

  get stepsPerEpoch(): number {
    return this.trainLoader.batchesPerEpoch;
  }

  /** Steps taken so far. */
  get globalStep(): number {
    return this.session.position.globalStep;
  }

  /** The epoch being trained (0-based) and the next step in it. */
  get position(): { readonly epoch: number; readonly stepInEpoch: number; readonly globalStep: number } {
    return this.session.position;
  }

  /** Asks the run to stop after the current step. */
  pause(): void {
    if (this.state === 'running') {
      this.pauseAsked = true;
      this.state = 'pausing';
    }
  }

  /** Trains until the last epoch ends or pause() is called; call again to resume. */
  async run(): Promise<TrainerState> {
    if (this.state === 'running' || this.state === 'done' || this.state === 'diverged') return this.state;
    this.state = 'running';
    this.pauseAsked = false;
    const s = this.session;
    while (!s.done) {
      s.startClock();
      for await (const b of this.trainLoader.epoch(s.position.epoch, s.position.stepInEpoch)) {
        const r = await s.step(b);
        const p = s.position;
        await this.o.onStep?.({
          epoch: p.epoch + 1, step: p.stepInEpoch, stepsPerEpoch: this.stepsPerEpoch, globalStep: p.globalStep, loss: r.loss,
          correct: r.correct, images: r.images, runningError: 1 - s.accumulator.correct / Math.max(1, s.accumulator.images), learningRate: r.learningRate,
        });
        if (!Number.isFinite(r.loss)) return (this.state = 'diverged');
        // Give the page a turn (drawing, clicks) between steps.
        await new Promise<void>((res) => setTimeout(res, 0));
        if (this.pauseAsked) return (this.state = 'paused');
      }
      const v = await s.validate(this.valLoader, this.config.data.valViews, (done) => this.o.onValidating?.(done, this.valLoader.size));
      const { metrics, decision } = s.endEpoch(v);
      this.o.onEpoch?.(metrics, { dropped: decision.dropped, learningRate: decision.learningRate, reason: decision.reason });
      if (this.pauseAsked && !s.done) return (this.state = 'paused');
    }
    return (this.state = 'done');
  }

  /** The network as trained so far (its live weights), with the training set's classes and mean. */
  network(): Network<I> {
    const t = this.sets.train;
    const preset = this.session.preset;
    return new Network<I>({
      model: this.session.model, backend: this.backendName, config: this.config, platform: this.platform,
      classes: t.classes.map((c) => ({ id: c.id, name: c.name })), source: `trained in memory (${this.globalStep} steps)`,
      preprocessing: preprocessingFromDataset({ dir: 'the training images', size: t.size, stats: t.stats }, preset.inputSize, this.config.data.mean, this.config.data.input),
    });
  }
}

/** A trainer over in-memory images (see TrainerOptions): the network initialised from the seed, the loaders opened. */
export async function createTrainerOn<I>(platform: Platform<I>, o: TrainerOptions): Promise<Trainer<I>> {
  const w = 'createTrainer';
  if (!o.train || !o.validation) throw new OptionError('train', `${w}: options 'train' and 'validation' (image sets) are required`);
  const pairs: [string, Json][] = [];
  const direct: [keyof TrainerOptions, string][] = [['seed', 'seed'], ['epochs', 'train.epochs'], ['batchSize', 'train.batchSize'], ['learningRate', 'train.learningRate'], ['limit', 'data.limit'], ['validationLimit', 'data.valLimit']];
  for (const [opt, key] of direct) if (o[opt] !== undefined) pairs.push([key, o[opt] as Json]);
  const config = o.config ? applyOverrides(o.config, pairs) : resolveConfig(o.preset ?? 'mini', pairs);
  const opened = await platform.openBackend(o.backend, w);
  const crop = configuredPreset(config, o.train.classes.length).inputSize;
  // On a GPU the batches carry the images' bytes and the views are rendered there, as in Node.
  const deviceViews = opened.device !== hostDevice;
  const train = openPixelLoader(o.train, trainLoaderOptions(config, { batchSize: config.train.batchSize, cropSize: crop, limit: config.data.limit ?? undefined, deviceViews }));
  const views = config.data.valViews;
  const val = openPixelLoader(o.validation, testLoaderOptions(config, { mode: views === 10 ? 'tenViews' : 'center', batchSize: validationBatchSize(views), cropSize: crop, limit: config.data.valLimit ?? undefined, deviceViews }));
  const session = new TrainSession(config, o.train.classes, train.viewShape, opened.device);
  session.model.net.hostBackend = opened.hostKernels;
  session.initialise();
  return new Trainer(platform, config, session, opened.backend, train, val, { train: o.train }, o);
}

/** Top-1 and top-5 error of a network on an image set (docs/paper.md §6), read as evaluation reads a split. */
export async function evaluateImagesOn<I>(network: Network<I>, set: ImageSet, o: { readonly views?: Views; readonly limit?: number; readonly onProgress?: (done: number, total: number) => void } = {}): Promise<{ readonly images: number; readonly views: Views; readonly loss: number; readonly top1Error: number; readonly top5Error: number }> {
  const views = o.views ?? 1;
  if (views !== 1 && views !== 10) throw new OptionError('views', `evaluateImages: option 'views' must be 1 or 10, got ${JSON.stringify(views)}`);
  if (o.limit !== undefined) checkInteger('evaluateImages', 'limit', o.limit, 1);
  const p = networkParts(network);
  if (set.classes.length !== network.classes.length) throw new OptionError('set', `evaluateImages: the set has ${set.classes.length} classes but the network ${network.classes.length} outputs`);
  const loader = openPixelLoader(set, testLoaderOptions(p.config, { mode: views === 10 ? 'tenViews' : 'center', batchSize: validationBatchSize(views), cropSize: network.inputSize, limit: o.limit, deviceViews: rendersOnDevice([p.model]) }));
  const r = await evaluateModels([p.model], loader, views, o.onProgress && ((done) => o.onProgress!(done, loader.size)));
  return { images: r.images, views, loss: r.loss, top1Error: r.top1Error, top5Error: r.top5Error };
}

/** Figure 3 as pixels: the first layer's kernels in a grid (column 1 above, column 2 below), RGB, `zoom` pixels a weight. */
export async function filterPixels<I>(network: Network<I>, options: { readonly zoom?: number } = {}): Promise<RawImage> {
  const { data, shape } = await conv1Weights(networkParts(network).model);
  const { canvas } = drawFilterGrid(data, shape, { zoom: options.zoom ?? Math.max(4, Math.ceil(40 / shape[2])) });
  return { data: canvas.data, width: canvas.width, height: canvas.height, channels: 3 };
}
