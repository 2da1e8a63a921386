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
import { configuredPreset } from '../config/config.js';
import type { DataLoader } from '../data/types.js';
import { buildAlexNet, initAlexNet, type AlexNet } from '../models/alexnet.js';
import { Rng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { Sgd } from './sgd.js';
import { trainStepOn } from './step.js';
import { defaultDevice, deviceOf, readTensor, type Device } from '../tensor/device.js';
import { LrSchedule } from './schedule.js';
import { saveCheckpoint, type Checkpoint, type EpochAccumulator, type EpochMetrics, type Position } from './checkpoint.js';
import { MetricsLog } from './metrics-log.js';
import { ProgressBar, formatDuration } from './progress.js';
import { evaluate } from '../eval/evaluate.js';
import { writeFileAtomic } from '../io/atomic.js';
import { saveWeights } from '../io/weights.js';
import { frozenParams, loadInitialWeights } from './finetune.js';
import type { DistributedTraining } from './distributed.js';

/** Generator streams of one seed: each use draws from its own. */
export const RNG_STREAMS = { init: 1, dropout: 2 } as const;

export interface TrainerOptions {
  readonly config: Config;
  readonly runDir: string;
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
  /** Where the network trains (default: the process's default device, see --backend). */
  readonly device?: Device;
  /**
   * Data-parallel training over several processes (src/parallel): the loaders
   * give this process's share of each batch; rank 0 alone writes files.
   */
  readonly distributed?: DistributedTraining;
}

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
  const preset = configuredPreset(cfg, classes.length);
  const device = o.device ?? defaultDevice();
  const model = buildAlexNet(preset, device);
  const [c, h, w] = o.train.viewShape;
  if (c !== preset.inputChannels || h !== preset.inputSize || w !== preset.inputSize) {
    throw new Error(`the data gives ${c}×${h}×${w} images but preset ${preset.name} takes ${preset.inputChannels}×${preset.inputSize}×${preset.inputSize}; prepare the data at a size ≥ ${preset.inputSize} and crop to ${preset.inputSize}`);
  }
  const t = cfg.train;
  // Fine-tuning: frozen layers get no update (their gradients are still computed; the layers above need them).
  const frozen = frozenParams(model, t.freeze);
  const trainable = model.params().filter((p) => !frozen.has(p.name));
  const sgd = new Sgd(trainable, {
    momentum: t.momentum, weightDecay: t.weightDecay, form: t.momentumForm, biasLrMultiplier: t.biasLrMultiplier, biasDecay: t.biasDecay,
  });
  const dropoutRng = new Rng(cfg.seed, RNG_STREAMS.dropout);
  let schedule = new LrSchedule(t.schedule, t.learningRate);
  let pos: Position = { epoch: 0, stepInEpoch: 0, globalStep: 0 };
  let acc: EpochAccumulator = { lossSum: 0, correct: 0, images: 0, seconds: 0 };
  const history: EpochMetrics[] = [];

  if (o.resume) {
    const r = o.resume;
    model.loadStateDict(r.weights, { source: r.meta.files.weights.name });
    for (const p of trainable) {
      const v = r.velocity.get(p.name);
      if (!v) throw new Error(`${r.path}: optimiser state lacks ${p.name}`);
      const t = sgd.velocity.get(p.name)!;
      deviceOf(t).write(t, v.data as Float32Array);
    }
    dropoutRng.setState(r.meta.rng.dropout);
    schedule = new LrSchedule(t.schedule, t.learningRate, r.meta.schedule);
    pos = r.meta.position;
    acc = r.meta.accumulator;
    history.push(...r.meta.history);
    log(`resumed from ${r.path}: epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}/${o.train.batchesPerEpoch}, learning rate ${schedule.learningRate}`);
  } else {
    initAlexNet(model, new Rng(cfg.seed, RNG_STREAMS.init));
    if (t.initFrom) {
      const r = loadInitialWeights(model, t.initFrom);
      log(`initial weights from ${t.initFrom}: ${r.loaded.length} tensors` + (r.reinitialised.length ? `; ${r.reinitialised.join(', ')} re-initialised for ${classes.length} classes` : ''));
    }
    if (frozen.size) log(`frozen: ${t.freeze.join(', ')}`);
  }
  const dist = o.distributed;
  dist?.attach(model.net.layers, trainable);
  dist?.syncState(trainable, sgd.velocity, dropoutRng, pos);
  const writes = !dist || dist.rank === 0;
  if (o.learningRate !== undefined && o.learningRate !== schedule.learningRate) {
    log(`learning rate set to ${o.learningRate} (was ${schedule.learningRate})`);
    schedule.setLearningRate(o.learningRate);
  }

  if (writes) {
    mkdirSync(o.runDir, { recursive: true });
    writeFileAtomic(join(o.runDir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
  }
  const metrics = writes ? new MetricsLog(o.runDir) : null;
  metrics?.open(pos.globalStep, pos.epoch);
  const bar = new ProgressBar(process.stderr, o.progress ?? true);
  let lastCheckpoint: string | null = null;

  // A checkpoint is written only from finite weights: an update can overflow
  // to ±∞ before any loss shows it, and a checkpoint must stay a good one.
  // On a GPU, weights and velocities are read to the host here, and only here.
  const finite = (sd: ReadonlyMap<string, { data: Float32Array }>) => [...sd.values()].every(({ data: d }) => {
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
    return true;
  });
  const hostVelocity = async () => {
    const out = new Map<string, Tensor>();
    for (const [k, t] of sgd.velocity) out.set(k, await readTensor(t));
    return out;
  };
  const checkpoint = async (): Promise<string | null> => {
    const weights = await model.hostStateDict();
    if (!finite(weights)) return null;
    if (!writes) return (lastCheckpoint = `${o.runDir} (written by rank 0)`);
    lastCheckpoint = saveCheckpoint(o.runDir, {
      preset: preset.name,
      classes: classes.map((k) => ({ id: k.id, name: k.name })),
      config: cfg,
      data: o.dataDir,
      position: pos,
      accumulator: acc,
      rng: { dropout: dropoutRng.getState() },
      schedule: schedule.state,
      history,
      weights,
      velocity: await hostVelocity(),
    }, o.keep ?? 3);
    return lastCheckpoint;
  };
  const diverged = (where: string, what: string, lr: number): TrainResult => finish('diverged', `${what} at ${where} with learning rate ${lr}; nothing from that point was saved. ` +
    (lastCheckpoint ? `The last good checkpoint is ${lastCheckpoint}; ` : 'No checkpoint was written in this session; ') +
    `resume with a lower rate, e.g. alexnet train --resume ${o.runDir} --lr ${lr / 10}`);
  const finish = (status: TrainStatus, message: string): TrainResult => {
    bar.clear();
    metrics?.close();
    return { status, model, history, position: pos, checkpoint: lastCheckpoint, message };
  };

  const perEpoch = o.train.batchesPerEpoch;
  const totalSteps = t.epochs * perEpoch;
  const batch = t.batchSize;
  try {
    while (pos.epoch < t.epochs) {
      const epochLabel = `epoch ${pos.epoch + 1}/${t.epochs}`;
      let windowStart = performance.now();
      let windowImages = 0;
      let rate = 0;
      let stepStart = performance.now();
      for await (const b of o.train.epoch(pos.epoch, pos.stepInEpoch)) {
        // Let signal handlers (Ctrl-C) run: the kernels below are synchronous.
        await new Promise<void>((r) => setImmediate(r));
        const stop = o.shouldStop?.() ?? false;
        if (dist ? dist.anyRank(stop) : stop) {
          bar.clear();
          const path = await checkpoint();
          if (!path) return diverged(`epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}`, 'the weights became non-finite', schedule.learningRate);
          return finish('interrupted', `stopped at epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}/${perEpoch}; checkpoint ${path}; continue with: alexnet train --resume ${o.runDir}`);
        }
        const lr = schedule.learningRate;
        const r = await trainStepOn(model.net, sgd, b.raw ?? b.x, b.labels, lr, dropoutRng, dist);
        if (!Number.isFinite(r.loss)) {
          bar.clear();
          return diverged(`epoch ${pos.epoch + 1}, step ${pos.stepInEpoch + 1} (global step ${pos.globalStep + 1})`, `the loss became ${r.loss}`, lr);
        }
        const now = performance.now();
        const seconds = (now - stepStart) / 1000;
        stepStart = now;
        pos = { epoch: pos.epoch, stepInEpoch: pos.stepInEpoch + 1, globalStep: pos.globalStep + 1 };
        acc = { lossSum: acc.lossSum + r.loss * r.images, correct: acc.correct + r.correct, images: acc.images + r.images, seconds: acc.seconds + seconds };
        windowImages += r.images;
        if (now - windowStart > 2000) {
          rate = (windowImages * 1000) / (now - windowStart);
          windowStart = now;
          windowImages = 0;
        }
        const shown = rate || acc.images / Math.max(acc.seconds, 1e-9);
        metrics?.step({ step: pos.globalStep, epoch: pos.epoch + 1, batch: pos.stepInEpoch, loss: r.loss, top1Error: 1 - r.correct / r.images, learningRate: lr, imagesPerSecond: Math.round(r.images / seconds), time: new Date().toISOString() });
        const remaining = (totalSteps - pos.globalStep) * batch / Math.max(shown, 1e-9);
        bar.update(epochLabel, pos.stepInEpoch, perEpoch, { 'img/s': shown.toFixed(0), loss: (acc.lossSum / acc.images).toFixed(4), lr: String(lr) }, remaining);
        if (o.checkpointEvery && pos.globalStep % o.checkpointEvery === 0 && pos.stepInEpoch < perEpoch && !(await checkpoint())) {
          bar.clear();
          return diverged(`epoch ${pos.epoch + 1}, step ${pos.stepInEpoch}`, 'the weights became non-finite', schedule.learningRate);
        }
      }
      bar.clear();
      // End of epoch: validation (§4: "validation error"), the schedule, a checkpoint.
      let val: { loss: number; top1Error: number; top5Error: number } | null = null;
      if (o.val) {
        const t0 = performance.now();
        const local = await evaluate([model], o.val, o.valViews ?? 1, process.stderr.isTTY ? (done) => bar.update(`${epochLabel} validation`, done, o.val!.size, {}, 0) : undefined);
        val = dist ? dist.reduceEval(local) : local;
        bar.clear();
        acc = { ...acc, seconds: acc.seconds + (performance.now() - t0) / 1000 };
      }
      const lrUsed = schedule.learningRate;
      const decision = schedule.endEpoch(val ? val.top1Error : null);
      const m: EpochMetrics = {
        epoch: pos.epoch + 1,
        trainLoss: acc.lossSum / Math.max(1, acc.images),
        trainTop1Error: 1 - acc.correct / Math.max(1, acc.images),
        valLoss: val?.loss ?? null,
        valTop1Error: val?.top1Error ?? null,
        valTop5Error: val?.top5Error ?? null,
        learningRate: lrUsed,
        lrDropped: decision.dropped,
        seconds: acc.seconds,
        images: acc.images,
      };
      history.push(m);
      metrics?.epoch({ ...m });
      const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
      log(`epoch ${m.epoch}/${t.epochs}  train loss ${m.trainLoss.toFixed(4)} top-1 err ${pct(m.trainTop1Error)}  ` +
        `val loss ${m.valLoss === null ? '-' : m.valLoss.toFixed(4)} top-1 err ${pct(m.valTop1Error)} top-5 err ${pct(m.valTop5Error)}  ` +
        `lr ${lrUsed}  ${formatDuration(m.seconds)} (${(m.images / m.seconds).toFixed(0)} img/s)`);
      if (decision.dropped) log(`learning rate ${lrUsed} → ${decision.learningRate} (${decision.reason})`);
      pos = { epoch: pos.epoch + 1, stepInEpoch: 0, globalStep: pos.globalStep };
      acc = { lossSum: 0, correct: 0, images: 0, seconds: 0 };
      dist?.checkInSync(model.params());
      if (!(await checkpoint())) return diverged(`the end of epoch ${m.epoch}`, 'the weights became non-finite', lrUsed);
    }
  } catch (e) {
    bar.clear();
    metrics?.close();
    throw e;
  }
  const weightsPath = join(o.runDir, 'model.safetensors');
  if (writes) saveWeights(model, weightsPath, { classes: JSON.stringify(classes.map((k) => k.id)), format: 'pt' }, await model.hostStateDict());
  return finish('completed', `finished ${t.epochs} epochs; weights in ${weightsPath}`);
}
