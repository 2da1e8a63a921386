// Training in the page: a TrainSession (src/train/session.ts, the CLI
// trainer's own state and step) over the in-memory loaders, one step per
// turn of the event loop so the page stays live, with pause and resume
// between steps and validation after each epoch, as `alexnet train` does.
import { configuredPreset, resolveConfig, type Config, type Json } from '../../src/config/config.js';
import { openPixelLoader, type PixelSplit } from '../../src/data/pixels.js';
import { testLoaderOptions, trainLoaderOptions, validationBatchSize } from '../../src/data/split-options.js';
import type { DataLoader } from '../../src/data/types.js';
import { hostDevice, type Device } from '../../src/tensor/device.js';
import type { EpochMetrics } from '../../src/train/position.js';
import type { EpochDecision } from '../../src/train/schedule.js';
import { TrainSession, type SessionStep } from '../../src/train/session.js';

export interface TrainSettings {
  readonly limit: number;
  readonly valLimit: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

/** The run's config: mini with the settings as `alexnet train --limit --val-limit --epochs --batch-size --lr --seed` sets them. */
export function trainConfig(s: TrainSettings): Config {
  const pairs: [string, Json][] = [
    ['train.epochs', s.epochs], ['train.batchSize', s.batchSize], ['train.learningRate', s.learningRate], ['seed', s.seed],
    ['data.limit', s.limit], ['data.valLimit', s.valLimit],
  ];
  return resolveConfig('mini', pairs);
}

export interface TrainEvents {
  /** Awaited before the next step (so it may read from the device). */
  step(r: SessionStep, session: TrainSession): void | Promise<void>;
  epoch(m: EpochMetrics, decision: EpochDecision, session: TrainSession): void;
  validating(done: number, total: number): void;
}

export type TrainState = 'ready' | 'running' | 'pausing' | 'paused' | 'done' | 'diverged';

export class PageTrainer {
  readonly session: TrainSession;
  private readonly train: DataLoader;
  private readonly val: DataLoader;
  state: TrainState = 'ready';
  private pauseAsked = false;

  constructor(readonly config: Config, trainSplit: PixelSplit, valSplit: PixelSplit, device: Device, private readonly on: TrainEvents) {
    const crop = configuredPreset(config, trainSplit.classes.length).inputSize;
    // On a GPU the page uploads the images' bytes and renders the views there, as the CLI does.
    const deviceViews = device !== hostDevice;
    this.train = openPixelLoader(trainSplit, trainLoaderOptions(config, { batchSize: config.train.batchSize, cropSize: crop, limit: config.data.limit ?? undefined, deviceViews }));
    const views = config.data.valViews;
    this.val = openPixelLoader(valSplit, testLoaderOptions(config, { mode: views === 10 ? 'tenViews' : 'center', batchSize: validationBatchSize(views), cropSize: crop, limit: config.data.valLimit ?? undefined, deviceViews }));
    this.session = new TrainSession(config, trainSplit.classes, this.train.viewShape, device);
    this.session.initialise();
  }

  get trainImages(): number {
    return this.train.size;
  }

  pause(): void {
    if (this.state === 'running') {
      this.pauseAsked = true;
      this.state = 'pausing';
    }
  }

  /** Runs until the last epoch ends or pause() is called; call again to resume. */
  async run(): Promise<TrainState> {
    if (this.state === 'running' || this.state === 'done' || this.state === 'diverged') return this.state;
    this.state = 'running';
    this.pauseAsked = false;
    const s = this.session;
    while (!s.done) {
      s.startClock();
      for await (const b of this.train.epoch(s.position.epoch, s.position.stepInEpoch)) {
        const r = await s.step(b);
        await this.on.step(r, s);
        if (!Number.isFinite(r.loss)) return (this.state = 'diverged');
        // Give the page a turn (drawing, clicks) between steps.
        await new Promise<void>((res) => setTimeout(res, 0));
        if (this.pauseAsked) return (this.state = 'paused');
      }
      const v = await s.validate(this.val, this.config.data.valViews, (done) => this.on.validating(done, this.val.size));
      const { metrics, decision } = s.endEpoch(v);
      this.on.epoch(metrics, decision, s);
      if (this.pauseAsked && !s.done) return (this.state = 'paused');
    }
    return (this.state = 'done');
  }
}
