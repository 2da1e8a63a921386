// The state and arithmetic of a training run (docs/paper.md §4), without
// files, terminals or processes: the network on its device, SGD with its
// velocities, the dropout generator, the learning-rate schedule, the position
// and the running epoch figures. The CLI's trainer (trainer.ts) adds
// checkpoints, metrics files, the progress bar and signals; the browser app
// drives the same session from its page, so both train the same way.
import type { Config } from '../config/config.js';
import { configuredPreset } from '../config/config.js';
import type { Batch, ClassInfo, DataLoader } from '../data/types.js';
import type { Preset } from '../models/presets.js';
import { buildAlexNet, initAlexNet, type AlexNet } from '../models/alexnet.js';
import type { Param } from '../nn/layer.js';
import type { TensorLike } from '../nn/state.js';
import { Rng, type RngState } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { deviceOf, hostDevice, readTensor, type Device } from '../tensor/device.js';
import { evaluate, type EvalResult } from '../eval/evaluate.js';
import { Sgd } from './sgd.js';
import { trainStepOn, type GradientReducer, type StepResult } from './step.js';
import { LrSchedule, type EpochDecision, type ScheduleState } from './schedule.js';
import type { EpochAccumulator, EpochMetrics, Position } from './position.js';
import { frozenParams } from './finetune.js';
import { formatDuration } from '../util/duration.js';

/** Generator streams of one seed: each use draws from its own. */
export const RNG_STREAMS = { init: 1, dropout: 2 } as const;

/** Where a run stood, as a checkpoint stores it (host tensors). */
export interface SessionState {
  readonly weights: ReadonlyMap<string, TensorLike>;
  readonly velocity: ReadonlyMap<string, { readonly data: object }>;
  readonly rng: { readonly dropout: RngState };
  readonly schedule: ScheduleState;
  readonly position: Position;
  readonly accumulator: EpochAccumulator;
  readonly history: readonly EpochMetrics[];
  /** Names the state's origin in errors (a checkpoint path). */
  readonly source: string;
}

export interface SessionStep extends StepResult {
  readonly learningRate: number;
  /** Since the previous step (or the epoch's start): loading included. */
  readonly seconds: number;
}

export class TrainSession {
  readonly preset: Preset;
  readonly model: AlexNet;
  readonly trainable: readonly Param[];
  readonly frozen: ReadonlySet<string>;
  readonly sgd: Sgd;
  readonly dropoutRng: Rng;
  schedule: LrSchedule;
  position: Position = { epoch: 0, stepInEpoch: 0, globalStep: 0 };
  accumulator: EpochAccumulator = { lossSum: 0, correct: 0, images: 0, seconds: 0 };
  readonly history: EpochMetrics[] = [];
  private stepStart = performance.now();

  constructor(readonly config: Config, classes: readonly ClassInfo[], viewShape: readonly [number, number, number], device: Device = hostDevice) {
    this.preset = configuredPreset(config, classes.length);
    const preset = this.preset;
    this.model = buildAlexNet(preset, device);
    const [c, h, w] = viewShape;
    if (c !== preset.inputChannels || h !== preset.inputSize || w !== preset.inputSize) {
      throw new Error(`the data gives ${c}×${h}×${w} images but preset ${preset.name} takes ${preset.inputChannels}×${preset.inputSize}×${preset.inputSize}; prepare the data at a size ≥ ${preset.inputSize} and crop to ${preset.inputSize}`);
    }
    const t = config.train;
    // Fine-tuning: frozen layers get no update (their gradients are still computed; the layers above need them).
    this.frozen = frozenParams(this.model, t.freeze);
    this.trainable = this.model.params().filter((p) => !this.frozen.has(p.name));
    this.sgd = new Sgd(this.trainable, {
      momentum: t.momentum, weightDecay: t.weightDecay, form: t.momentumForm, biasLrMultiplier: t.biasLrMultiplier, biasDecay: t.biasDecay,
    });
    this.dropoutRng = new Rng(config.seed, RNG_STREAMS.dropout);
    this.schedule = new LrSchedule(t.schedule, t.learningRate);
  }

  /** A fresh run: the preset's initialisation from the config's seed. */
  initialise(): void {
    initAlexNet(this.model, new Rng(this.config.seed, RNG_STREAMS.init));
  }

  /** Continues from a stored state: weights, velocities, generator, schedule, position, figures. */
  restore(r: SessionState): void {
    this.model.loadStateDict(r.weights, { source: r.source });
    for (const p of this.trainable) {
      const v = r.velocity.get(p.name);
      if (!v) throw new Error(`${r.source}: optimiser state lacks ${p.name}`);
      const t = this.sgd.velocity.get(p.name)!;
      deviceOf(t).write(t, v.data as Float32Array);
    }
    this.dropoutRng.setState(r.rng.dropout);
    this.schedule = new LrSchedule(this.config.train.schedule, this.config.train.learningRate, r.schedule);
    this.position = r.position;
    this.accumulator = r.accumulator;
    this.history.push(...r.history);
  }

  get learningRate(): number {
    return this.schedule.learningRate;
  }

  get epochs(): number {
    return this.config.train.epochs;
  }

  get done(): boolean {
    return this.position.epoch >= this.config.train.epochs;
  }

  /** Starts the clock of the next step (at an epoch's start, or after a pause). */
  startClock(): void {
    this.stepStart = performance.now();
  }

  /**
   * One SGD step on a batch. A non-finite loss is returned and the position
   * is left as it was: the caller stops (the weights may be changed on a GPU,
   * where the loss is only seen after the update).
   */
  async step(b: Batch, reducer?: GradientReducer): Promise<SessionStep> {
    const learningRate = this.schedule.learningRate;
    // A raw batch (on a GPU) is rendered on the device; x is then never built on the host.
    const r = await trainStepOn(this.model.net, this.sgd, b.raw ?? b.x, b.labels, learningRate, this.dropoutRng, reducer);
    const now = performance.now();
    const seconds = (now - this.stepStart) / 1000;
    this.stepStart = now;
    if (!Number.isFinite(r.loss)) return { ...r, learningRate, seconds };
    const p = this.position;
    const a = this.accumulator;
    this.position = { epoch: p.epoch, stepInEpoch: p.stepInEpoch + 1, globalStep: p.globalStep + 1 };
    this.accumulator = { lossSum: a.lossSum + r.loss * r.images, correct: a.correct + r.correct, images: a.images + r.images, seconds: a.seconds + seconds };
    return { ...r, learningRate, seconds };
  }

  /** The epoch's validation (§4: "validation error"), its time counted in the epoch's. */
  async validate(val: DataLoader, views: number, progress?: (done: number) => void, reduce?: (local: EvalResult) => EvalResult): Promise<EvalResult> {
    const t0 = performance.now();
    const local = await evaluate([this.model], val, views, progress);
    const r = reduce ? reduce(local) : local;
    this.accumulator = { ...this.accumulator, seconds: this.accumulator.seconds + (performance.now() - t0) / 1000 };
    return r;
  }

  /** Closes the epoch: its figures into the history, the schedule's decision, the position to the next epoch. */
  endEpoch(val: { loss: number; top1Error: number; top5Error: number } | null): { metrics: EpochMetrics; decision: EpochDecision } {
    const a = this.accumulator;
    const lrUsed = this.schedule.learningRate;
    const decision = this.schedule.endEpoch(val ? val.top1Error : null);
    const metrics: EpochMetrics = {
      epoch: this.position.epoch + 1,
      trainLoss: a.lossSum / Math.max(1, a.images),
      trainTop1Error: 1 - a.correct / Math.max(1, a.images),
      valLoss: val?.loss ?? null,
      valTop1Error: val?.top1Error ?? null,
      valTop5Error: val?.top5Error ?? null,
      learningRate: lrUsed,
      lrDropped: decision.dropped,
      seconds: a.seconds,
      images: a.images,
    };
    this.history.push(metrics);
    this.position = { epoch: this.position.epoch + 1, stepInEpoch: 0, globalStep: this.position.globalStep };
    this.accumulator = { lossSum: 0, correct: 0, images: 0, seconds: 0 };
    return { metrics, decision };
  }

  /** The velocities on the host (a checkpoint's optimiser state). */
  async hostVelocity(): Promise<Map<string, Tensor>> {
    const out = new Map<string, Tensor>();
    for (const [k, t] of this.sgd.velocity) out.set(k, await readTensor(t));
    return out;
  }
}

/** An epoch's line in the log. */
export function describeEpoch(m: EpochMetrics, epochs: number): string {
  const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
  return `epoch ${m.epoch}/${epochs}  train loss ${m.trainLoss.toFixed(4)} top-1 err ${pct(m.trainTop1Error)}  ` +
    `val loss ${m.valLoss === null ? '-' : m.valLoss.toFixed(4)} top-1 err ${pct(m.valTop1Error)} top-5 err ${pct(m.valTop5Error)}  ` +
    `lr ${m.learningRate}  ${formatDuration(m.seconds)} (${(m.images / m.seconds).toFixed(0)} img/s)`;
}
