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

export async function train(o: TrainerOptions): Promise<TrainResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const cfg = o.config;
  const classes = o.train.classes;
  const session = new TrainSession(cfg, classes, o.train.viewShape, o.device);
  const { preset, model, sgd, trainable, dropoutRng } = session;
  if (o.hostBackend) model.net.hostBackend = o.hostBackend;
  const t = cfg.train;

  if (o.resume) {
    const r = o.resume;
    session.restore({ ...r.meta, weights: r.weights, velocity: r.velocity, source: r.meta.files.weights.name });
    const pos = session.position;
    log(`resumed from ${r.path}: epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}/${o.train.batchesPerEpoch}, learning rate ${session.learningRate}`);
  } else {
    session.initialise();
    const initial = o.initialWeights ?? (t.initFrom ? { file: readSafetensors(t.initFrom), name: t.initFrom } : null);
    if (initial) {
      const r = applyInitialWeights(model, initial.file, initial.name);
      log(`initial weights from ${initial.name}: ${r.loaded.length} tensors` + (r.reinitialised.length ? `; ${r.reinitialised.join(', ')} re-initialised for ${classes.length} classes` : ''));
    }
    if (session.frozen.size) log(`frozen: ${t.freeze.join(', ')}`);
  }
  const dist = o.distributed;
  dist?.attach(model.net.layers, trainable);
  dist?.syncState(trainable, sgd.velocity, dropoutRng, session.position);
  const runDir = o.runDir;
  const writes = runDir !== null && (!dist || dist.rank === 0);
  const reports = !dist || dist.rank === 0;
  const howToResume = o.howToResume ?? cliResume;
  if (o.learningRate !== undefined && o.learningRate !== session.learningRate) {
    log(`learning rate set to ${o.learningRate} (was ${session.learningRate})`);
    session.schedule.setLearningRate(o.learningRate);
  }

  if (writes) {
    mkdirSync(runDir, { recursive: true });
    writeFileAtomic(join(runDir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
  }
  const metrics = writes ? new MetricsLog(runDir) : null;
  metrics?.open(session.position.globalStep, session.position.epoch);
  const bar = new ProgressBar(process.stderr, o.progress ?? true);
  let lastCheckpoint: string | null = null;

  // A checkpoint is written only from finite weights: an update can overflow
  // to ±∞ before any loss shows it, and a checkpoint must stay a good one.
  // On a GPU, weights and velocities are read to the host here, and only here.
  const finite = (sd: ReadonlyMap<string, { data: Float32Array }>) => [...sd.values()].every(({ data: d }) => {
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
    return true;
  });
  const checkpoint = async (): Promise<string | null> => {
    const weights = await model.hostStateDict();
    if (!finite(weights)) return null;
    if (runDir === null) return 'none (no run folder)';
    if (!writes) return (lastCheckpoint = `${runDir} (written by rank 0)`);
    lastCheckpoint = saveCheckpoint(runDir, {
      preset: preset.name,
      classes: classes.map((k) => ({ id: k.id, name: k.name })),
      config: cfg,
      data: o.dataDir,
      position: session.position,
      accumulator: session.accumulator,
      rng: { dropout: dropoutRng.getState() },
      schedule: session.schedule.state,
      history: session.history,
      weights,
      velocity: await session.hostVelocity(),
    }, o.keep ?? 3);
    return lastCheckpoint;
  };
  const diverged = (where: string, what: string, lr: number): TrainResult => finish('diverged', `${what} at ${where} with learning rate ${lr}; nothing from that point was saved. ` +
    (runDir === null ? 'There is no run folder, so nothing was saved; start again with a lower learning rate.'
      : (lastCheckpoint ? `The last good checkpoint is ${lastCheckpoint}; ` : 'No checkpoint was written in this session; ') +
      `resume with a lower rate, e.g. ${howToResume(runDir, lr / 10)}`));
  const finish = (status: TrainStatus, message: string): TrainResult => {
    bar.clear();
    metrics?.close();
    return { status, model, history: session.history, position: session.position, checkpoint: lastCheckpoint, message };
  };

  const perEpoch = o.train.batchesPerEpoch;
  const totalSteps = t.epochs * perEpoch;
  const batch = t.batchSize;
  try {
    while (!session.done) {
      const epochLabel = `epoch ${session.position.epoch + 1}/${t.epochs}`;
      let windowStart = performance.now();
      let windowImages = 0;
      let rate = 0;
      session.startClock();
      for await (const b of o.train.epoch(session.position.epoch, session.position.stepInEpoch)) {
        const pos = session.position;
        // Let signal handlers (Ctrl-C) run: the kernels below are synchronous.
        await new Promise<void>((r) => setImmediate(r));
        const stop = o.shouldStop?.() ?? false;
        if (dist ? dist.anyRank(stop) : stop) {
          bar.clear();
          const path = await checkpoint();
          if (!path) return diverged(`epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}`, 'the weights became non-finite', session.learningRate);
          return finish('interrupted', runDir === null
            ? `stopped at epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}/${perEpoch}; there is no run folder, so no checkpoint was written`
            : `stopped at epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}/${perEpoch}; checkpoint ${path}; continue with: ${howToResume(runDir)}`);
        }
        const r = await session.step(b, dist);
        if (!Number.isFinite(r.loss)) {
          bar.clear();
          return diverged(`epoch ${pos.epoch + 1}, step ${pos.stepInEpoch + 1} (global step ${pos.globalStep + 1})`, `the loss became ${r.loss}`, r.learningRate);
        }
        const now = performance.now();
        const p = session.position;
        const acc = session.accumulator;
        windowImages += r.images;
        if (now - windowStart > 2000) {
          rate = (windowImages * 1000) / (now - windowStart);
          windowStart = now;
          windowImages = 0;
        }
        const shown = rate || acc.images / Math.max(acc.seconds, 1e-9);
        metrics?.step({ step: p.globalStep, epoch: p.epoch + 1, batch: p.stepInEpoch, loss: r.loss, top1Error: 1 - r.correct / r.images, learningRate: r.learningRate, imagesPerSecond: Math.round(r.images / r.seconds), time: new Date().toISOString() });
        const remaining = (totalSteps - p.globalStep) * batch / Math.max(shown, 1e-9);
        if (reports) o.onStep?.({ ...r, position: p, stepsPerEpoch: perEpoch, imagesPerSecond: shown, etaSeconds: remaining });
        bar.update(epochLabel, p.stepInEpoch, perEpoch, { 'img/s': shown.toFixed(0), loss: (acc.lossSum / acc.images).toFixed(4), lr: String(r.learningRate) }, remaining);
        if (o.checkpointEvery && p.globalStep % o.checkpointEvery === 0 && p.stepInEpoch < perEpoch && !(await checkpoint())) {
          bar.clear();
          return diverged(`epoch ${p.epoch + 1}, step ${p.stepInEpoch}`, 'the weights became non-finite', session.learningRate);
        }
      }
      bar.clear();
      // End of epoch: validation (§4: "validation error"), the schedule, a checkpoint.
      let val: { loss: number; top1Error: number; top5Error: number } | null = null;
      if (o.val) {
        val = await session.validate(o.val, o.valViews ?? 1, process.stderr.isTTY ? (done) => bar.update(`${epochLabel} validation`, done, o.val!.size, {}, 0) : undefined, dist && ((l) => dist.reduceEval(l)));
        bar.clear();
      }
      const { metrics: m, decision } = session.endEpoch(val);
      metrics?.epoch({ ...m });
      log(describeEpoch(m, t.epochs));
      if (reports) o.onEpoch?.(m);
      if (decision.dropped) log(`learning rate ${m.learningRate} → ${decision.learningRate} (${decision.reason})`);
      dist?.checkInSync(model.params());
      if (!(await checkpoint())) return diverged(`the end of epoch ${m.epoch}`, 'the weights became non-finite', m.learningRate);
    }
  } catch (e) {
    bar.clear();
    metrics?.close();
    throw e;
  }
  if (runDir === null) return finish('completed', `finished ${t.epochs} epochs`);
  const weightsPath = join(runDir, 'model.safetensors');
  if (writes) saveWeights(model, weightsPath, { classes: JSON.stringify(classes.map((k) => k.id)), format: 'pt' }, await model.hostStateDict());
  return finish('completed', `finished ${t.epochs} epochs; weights in ${weightsPath}`);
}
