// The training loop of docs/paper.md §4: SGD over the training set, validation
// after every epoch, the learning-rate schedule, metrics, checkpoints that
// resume exactly, and clean stops (Ctrl-C, NaN loss).
//
// Exact resume: everything a step depends on is either in the checkpoint
// (weights, velocities, the dropout generator, the learning rate and schedule
// state, the position) or a pure function of the config (the loader's order
// and augmentation depend only on seed, epoch and image index). The native
// kernels give bit-identical results for a given thread count, so a run
// killed at any point and resumed ends with the same weights.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { DataLoader } from '../data/types.js';
import type { AlexNet } from '../models/alexnet.js';
import type { Device } from '../tensor/device.js';
import { saveCheckpoint, type Checkpoint, type EpochMetrics, type Position } from './checkpoint.js';
import { MetricsLog } from './metrics-log.js';
import { ProgressBar } from './progress.js';
import { writeFileAtomic } from '../io/atomic.js';
import { saveWeights } from '../weights/weights-file.js';
import { readSafetensors } from '../io/safetensors-file.js';
import type { SafetensorsFile } from '../io/safetensors.js';
import { applyInitialWeights } from './finetune.js';
import type { DistributedTraining } from './distributed.js';
import { describeEpoch, TrainSession, type SessionStep } from './session.js';

export { RNG_STREAMS } from './session.js';

/** One step's figures, for a progress callback. */
export interface StepReport extends SessionStep {
  readonly position: Position;
  readonly stepsPerEpoch: number;
  /** Images per second over the last two seconds or so (the epoch's average at first). */
  readonly imagesPerSecond: number;
  /** Seconds left for the whole run at that rate. */
  readonly etaSeconds: number;
}

export interface TrainerOptions {
  readonly config: Config;
  /** The run folder (config, metrics, checkpoints, final weights); null: nothing is written. */
  readonly runDir: string | null;
  /** Recorded in checkpoints so a resume finds the data again. */
  readonly dataDir?: string;
  readonly train: DataLoader;
  readonly val: DataLoader | null;
  /** Rows per validation image (10 with the loader's tenViews mode). */
  readonly valViews?: number;
  readonly resume?: Checkpoint | null;
  /** Replaces the learning rate on resume (a manual drop). */
  readonly learningRate?: number;
  /** Also checkpoint every n steps (0: only at the end of each epoch). */
  readonly checkpointEvery?: number;
  /** Checkpoints kept. */
  readonly keep?: number;
  /** Lines for the user (stdout). */
  readonly log?: (line: string) => void;
  readonly progress?: boolean;
  /** Checked between steps: when it returns true the run saves a checkpoint and stops. */
  readonly shouldStop?: () => boolean;
  /** Where the network trains (default: host memory). */
  readonly device?: Device;
  /** The host kernel set the network runs on ('native', 'reference'; Sequential.hostBackend); default: the active one. */
  readonly hostBackend?: string | null;
  /**
   * Data-parallel training over several processes (src/parallel): the loaders
   * give this process's share of each batch; rank 0 alone writes files.
   */
  readonly distributed?: DistributedTraining;
  /** Weights to start from, already read (replaces reading config.train.initFrom). */
  readonly initialWeights?: { readonly file: SafetensorsFile; readonly name: string };
  /** After each step (rank 0 only under data parallelism). */
  readonly onStep?: (s: StepReport) => void;
  /** After each epoch's validation and schedule decision. */
  readonly onEpoch?: (m: EpochMetrics) => void;
  /** How the user continues a stopped run (default: the command line's `alexnet train --resume`). */
  readonly howToResume?: (runDir: string, learningRate?: number) => string;
}

const cliResume = (runDir: string, lr?: number) => `alexnet train --resume ${runDir}${lr === undefined ? '' : ` --lr ${lr}`}`;

export type TrainStatus = 'completed' | 'interrupted' | 'diverged';

export interface TrainResult {
  readonly status: TrainStatus;
  readonly model: AlexNet;
  readonly history: readonly EpochMetrics[];
  readonly position: Position;
  /** Metadata path of the last checkpoint written (null if none). */
  readonly checkpoint: string | null;
  readonly message: string;
}

/** Trains the network of `o.config` on `o.train` until its epochs are done, it is stopped, or it diverges. */
export async function train(o: TrainerOptions): Promise<TrainResult> {
  const run = new TrainingRun(o);
  run.start();
  return run.loop();
}

/**
 * The one way a run ends on non-finite numbers: thrown where they are found
 * (the loss of a step, or the weights about to be checkpointed) and turned
 * into the 'diverged' result in one place.
 */
class Divergence extends Error {
  constructor(readonly what: string, readonly where: string, readonly learningRate: number) {
    super(`${what} at ${where}`);
  }
}

const at = (p: Position) => `epoch ${p.epoch + 1}, step ${p.stepInEpoch}`;

/** Weights with a non-finite value; an update can overflow to ±∞ before any loss shows it. */
const allFinite = (sd: ReadonlyMap<string, { data: Float32Array }>) => [...sd.values()].every(({ data: d }) => {
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
});

/** Images per second over a window of about two seconds. */
class Throughput {
  private start = performance.now();
  private images = 0;
  private rate = 0;
  /** The windowed rate, or `fallback` until the first window closes. */
  add(images: number, fallback: number): number {
    const now = performance.now();
    this.images += images;
    if (now - this.start > 2000) {
      this.rate = (this.images * 1000) / (now - this.start);
      this.start = now;
      this.images = 0;
    }
    return this.rate || fallback;
  }
}

/** One call of train(): the session, where it writes, and its steps in the order they run. */
class TrainingRun {
  private readonly cfg: Config;
  private readonly session: TrainSession;
  private readonly model: AlexNet;
  private readonly dist: DistributedTraining | undefined;
  private readonly log: (line: string) => void;
  private readonly runDir: string | null;
  /** This process writes the run folder (rank 0 of a distributed run, or the only process). */
  private readonly writes: boolean;
  /** This process reports steps and epochs to the callbacks. */
  private readonly reports: boolean;
  private readonly howToResume: (runDir: string, learningRate?: number) => string;
  private readonly bar: ProgressBar;
  private metrics: MetricsLog | null = null;
  private lastCheckpoint: string | null = null;

  constructor(private readonly o: TrainerOptions) {
    this.cfg = o.config;
    this.log = o.log ?? ((l: string) => console.log(l));
    this.session = new TrainSession(this.cfg, o.train.classes, o.train.viewShape, o.device);
    this.model = this.session.model;
    if (o.hostBackend) this.model.net.hostBackend = o.hostBackend;
    this.dist = o.distributed;
    this.runDir = o.runDir;
    this.writes = this.runDir !== null && (!this.dist || this.dist.rank === 0);
    this.reports = !this.dist || this.dist.rank === 0;
    this.howToResume = o.howToResume ?? cliResume;
    this.bar = new ProgressBar(process.stderr, o.progress ?? true);
  }

  /** Weights from the checkpoint, the initial weights file or the preset's initialisation; ranks in step; the run folder opened. */
  start(): void {
    if (this.o.resume) this.resume(this.o.resume);
    else this.initialise();
    const { session, dist } = this;
    dist?.attach(this.model.net.layers, session.trainable);
    dist?.syncState(session.trainable, session.sgd.velocity, session.dropoutRng, session.position);
    const lr = this.o.learningRate;
    if (lr !== undefined && lr !== session.learningRate) {
      this.log(`learning rate set to ${lr} (was ${session.learningRate})`);
      session.schedule.setLearningRate(lr);
    }
    if (this.writes && this.runDir !== null) {
      mkdirSync(this.runDir, { recursive: true });
      writeFileAtomic(join(this.runDir, 'config.json'), JSON.stringify(this.cfg, null, 2) + '\n');
      this.metrics = new MetricsLog(this.runDir);
      this.metrics.open(session.position.globalStep, session.position.epoch);
    }
  }

  private resume(r: Checkpoint): void {
    this.session.restore({ ...r.meta, weights: r.weights, velocity: r.velocity, source: r.meta.files.weights.name });
    const pos = this.session.position;
    this.log(`resumed from ${r.path}: epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}/${this.o.train.batchesPerEpoch}, learning rate ${this.session.learningRate}`);
  }

  private initialise(): void {
    const t = this.cfg.train;
    this.session.initialise();
    const initial = this.o.initialWeights ?? (t.initFrom ? { file: readSafetensors(t.initFrom), name: t.initFrom } : null);
    if (initial) {
      const r = applyInitialWeights(this.model, initial.file, initial.name);
      this.log(`initial weights from ${initial.name}: ${r.loaded.length} tensors` +
        (r.reinitialised.length ? `; ${r.reinitialised.join(', ')} re-initialised for ${this.o.train.classes.length} classes` : ''));
    }
    if (this.session.frozen.size) this.log(`frozen: ${t.freeze.join(', ')}`);
  }

  /** Epochs until the schedule is done; every way out closes the progress bar and the metrics log. */
  async loop(): Promise<TrainResult> {
    try {
      while (!this.session.done) {
        const stopped = await this.epoch();
        if (stopped) return stopped;
        await this.endEpoch();
      }
      return await this.complete();
    } catch (e) {
      if (e instanceof Divergence) return this.diverged(e);
      this.close();
      throw e;
    }
  }

  /** The rest of the current epoch's steps; a result if the run was asked to stop. */
  private async epoch(): Promise<TrainResult | null> {
    const { session, o } = this;
    const label = `epoch ${session.position.epoch + 1}/${this.cfg.train.epochs}`;
    const throughput = new Throughput();
    session.startClock();
    for await (const b of o.train.epoch(session.position.epoch, session.position.stepInEpoch)) {
      // Let signal handlers (Ctrl-C) run: the kernels below are synchronous.
      await new Promise<void>((r) => setImmediate(r));
      if (this.stopRequested()) return this.interrupt();
      const r = await session.step(b, this.dist);
      if (!Number.isFinite(r.loss)) {
        const p = session.position;
        throw new Divergence(`the loss became ${r.loss}`, `epoch ${p.epoch + 1}, step ${p.stepInEpoch + 1} (global step ${p.globalStep + 1})`, r.learningRate);
      }
      const acc = session.accumulator;
      this.afterStep(label, r, throughput.add(r.images, acc.images / Math.max(acc.seconds, 1e-9)));
      const p = session.position;
      if (o.checkpointEvery && p.globalStep % o.checkpointEvery === 0 && p.stepInEpoch < o.train.batchesPerEpoch) await this.checkpoint();
    }
    this.bar.clear();
    return null;
  }

  /** A stop asked for on this rank is a stop for all of them. */
  private stopRequested(): boolean {
    const stop = this.o.shouldStop?.() ?? false;
    return this.dist ? this.dist.anyRank(stop) : stop;
  }

  /** Metrics, the progress callback and the bar for the step just taken. */
  private afterStep(label: string, r: SessionStep, imagesPerSecond: number): void {
    const p = this.session.position;
    const perEpoch = this.o.train.batchesPerEpoch;
    const t = this.cfg.train;
    this.metrics?.step({ step: p.globalStep, epoch: p.epoch + 1, batch: p.stepInEpoch, loss: r.loss, top1Error: 1 - r.correct / r.images, learningRate: r.learningRate, imagesPerSecond: Math.round(r.images / r.seconds), time: new Date().toISOString() });
    const remaining = (t.epochs * perEpoch - p.globalStep) * t.batchSize / Math.max(imagesPerSecond, 1e-9);
    if (this.reports) this.o.onStep?.({ ...r, position: p, stepsPerEpoch: perEpoch, imagesPerSecond, etaSeconds: remaining });
    const acc = this.session.accumulator;
    this.bar.update(label, p.stepInEpoch, perEpoch, { 'img/s': imagesPerSecond.toFixed(0), loss: (acc.lossSum / acc.images).toFixed(4), lr: String(r.learningRate) }, remaining);
  }

  /** End of epoch (§4): validation error, the schedule's decision, a checkpoint. */
  private async endEpoch(): Promise<void> {
    const { session, o, dist, bar } = this;
    let val: { loss: number; top1Error: number; top5Error: number } | null = null;
    if (o.val) {
      const v = o.val;
      const label = `epoch ${session.position.epoch + 1}/${this.cfg.train.epochs} validation`;
      val = await session.validate(v, o.valViews ?? 1, process.stderr.isTTY ? (done) => bar.update(label, done, v.size, {}, 0) : undefined, dist && ((l) => dist.reduceEval(l)));
      bar.clear();
    }
    const { metrics: m, decision } = session.endEpoch(val);
    this.metrics?.epoch({ ...m });
    this.log(describeEpoch(m, this.cfg.train.epochs));
    if (this.reports) o.onEpoch?.(m);
    if (decision.dropped) this.log(`learning rate ${m.learningRate} → ${decision.learningRate} (${decision.reason})`);
    dist?.checkInSync(this.model.params());
    await this.checkpoint(`the end of epoch ${m.epoch}`, m.learningRate);
  }

  /**
   * A checkpoint of the weights as they are, written only from finite ones
   * (a checkpoint must stay a good one; Divergence otherwise). On a GPU,
   * weights and velocities are read to the host here, and only here.
   */
  private async checkpoint(where = at(this.session.position), learningRate = this.session.learningRate): Promise<string> {
    const { session, runDir } = this;
    const weights = await this.model.hostStateDict();
    if (!allFinite(weights)) throw new Divergence('the weights became non-finite', where, learningRate);
    if (runDir === null) return 'none (no run folder)';
    if (!this.writes) return (this.lastCheckpoint = `${runDir} (written by rank 0)`);
    this.lastCheckpoint = saveCheckpoint(runDir, {
      preset: session.preset.name,
      classes: this.o.train.classes.map((k) => ({ id: k.id, name: k.name })),
      config: this.cfg,
      data: this.o.dataDir,
      position: session.position,
      accumulator: session.accumulator,
      rng: { dropout: session.dropoutRng.getState() },
      schedule: session.schedule.state,
      history: session.history,
      weights,
      velocity: await session.hostVelocity(),
    }, this.o.keep ?? 3);
    return this.lastCheckpoint;
  }

  private async interrupt(): Promise<TrainResult> {
    this.bar.clear();
    const path = await this.checkpoint();
    const p = this.session.position;
    const where = `stopped at epoch ${p.epoch + 1}, step ${p.stepInEpoch}/${this.o.train.batchesPerEpoch}`;
    return this.finish('interrupted', this.runDir === null
      ? `${where}; there is no run folder, so no checkpoint was written`
      : `${where}; checkpoint ${path}; continue with: ${this.howToResume(this.runDir)}`);
  }

  private diverged(d: Divergence): TrainResult {
    const { runDir } = this;
    return this.finish('diverged', `${d.message} with learning rate ${d.learningRate}; nothing from that point was saved. ` +
      (runDir === null ? 'There is no run folder, so nothing was saved; start again with a lower learning rate.'
        : (this.lastCheckpoint ? `The last good checkpoint is ${this.lastCheckpoint}; ` : 'No checkpoint was written in this session; ') +
        `resume with a lower rate, e.g. ${this.howToResume(runDir, d.learningRate / 10)}`));
  }

  private async complete(): Promise<TrainResult> {
    const epochs = this.cfg.train.epochs;
    if (this.runDir === null) return this.finish('completed', `finished ${epochs} epochs`);
    const weightsPath = join(this.runDir, 'model.safetensors');
    if (this.writes) saveWeights(this.model, weightsPath, { classes: JSON.stringify(this.o.train.classes.map((k) => k.id)), format: 'pt' }, await this.model.hostStateDict());
    return this.finish('completed', `finished ${epochs} epochs; weights in ${weightsPath}`);
  }

  private close(): void {
    this.bar.clear();
    this.metrics?.close();
  }

  private finish(status: TrainStatus, message: string): TrainResult {
    this.close();
    return { status, model: this.model, history: this.session.history, position: this.session.position, checkpoint: this.lastCheckpoint, message };
  }
}
