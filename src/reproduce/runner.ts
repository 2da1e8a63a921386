// Runs the suite's training experiments one after another, each as
// `alexnet train` in a child process writing its own run folder (so each is
// literally the command a user can run) with its log in <exp>/train.log.
// Resume: a folder with model.safetensors is finished and skipped; one with
// checkpoints continues with `alexnet train --resume` (the trainer's exact
// resume, so even a half-done experiment loses at most its current epoch).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProgressBar, formatDuration } from '../train/progress.js';
import { getPreset } from '../models/presets.js';
import { resolveConfig, type Config } from '../config/config.js';
import { trainArgs, type Experiment } from './suite.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/**
 * Assumed training speed (images/s) for the estimate printed before anything
 * ran: measured with ALEXNET_THREADS=1 on a 2-core machine shared with other
 * jobs (mini 250–440 img/s, convnet4 160–630, as the other jobs come and go); the ETA then follows the speed measured.
 */
export const ASSUMED_RATE: Readonly<Record<Experiment['preset'], number>> = { mini: 250, convnet4: 350 };

export type ExperimentState = 'done' | 'partial' | 'new';

export function experimentState(dir: string): ExperimentState {
  if (existsSync(join(dir, 'model.safetensors'))) return 'done';
  const ck = join(dir, 'checkpoints');
  if (existsSync(ck) && readdirSync(ck).some((f) => /^ckpt-.*\.json$/.test(f))) return 'partial';
  return 'new';
}

export interface RunOptions {
  readonly suiteDir: string;
  readonly dataDir: string;
  readonly experiments: readonly Experiment[];
  /** Training images in the dataset's train split (an experiment uses min(this, its limit)). */
  readonly trainImages: number;
  readonly log: (line: string) => void;
  readonly progress: boolean;
  /** Set by the caller's signal handler: the running child is asked to checkpoint and stop. */
  readonly stopping: () => boolean;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Steps already in <exp>/metrics/steps.jsonl (for the progress bar while the child trains). */
function stepsLogged(dir: string): number {
  const f = join(dir, 'metrics', 'steps.jsonl');
  if (!existsSync(f) || statSync(f).size === 0) return 0;
  return readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).length;
}

export interface RunResult {
  readonly status: 'completed' | 'interrupted';
  /** Seconds spent training in this session. */
  readonly seconds: number;
}

export const imagesPerEpoch = (e: Experiment, trainImages: number) => Math.min(trainImages, e.trainLimit ?? Infinity);

export function estimateSeconds(experiments: readonly Experiment[], trainImages: number): number {
  return experiments.reduce((a, e) => a + (e.epochs * imagesPerEpoch(e, trainImages)) / ASSUMED_RATE[e.preset], 0);
}

/**
 * A finished folder counts only if it was trained with the experiment's
 * config: a suite resumed after its sizing changed must not mix old runs in.
 */
function checkConfig(dir: string, e: Experiment): void {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return;
  const want = resolveConfig(e.preset, [['seed', e.seed], ...e.overrides]);
  const have = JSON.parse(readFileSync(file, 'utf8')) as Config;
  if (JSON.stringify(have) !== JSON.stringify(want)) {
    throw new Error(`${dir} was trained with another config than the suite's experiment ${e.id} (the suite's sizing changed?); delete the folder to train it again, or use another --run`);
  }
}

export async function runExperiments(o: RunOptions): Promise<RunResult> {
  const cost = (e: Experiment) => (e.epochs * imagesPerEpoch(e, o.trainImages)) / ASSUMED_RATE[e.preset];
  const total = o.experiments.reduce((a, e) => a + cost(e), 0);
  let done = 0;
  const todo: Experiment[] = [];
  for (const e of o.experiments) {
    checkConfig(join(o.suiteDir, e.id), e);
    if (experimentState(join(o.suiteDir, e.id)) === 'done') done += cost(e);
    else todo.push(e);
  }
  if (todo.length < o.experiments.length) o.log(`${o.experiments.length - todo.length} of ${o.experiments.length} experiments already finished`);
  const t0 = performance.now();
  const doneAtStart = done;
  const bar = new ProgressBar(process.stderr, o.progress);
  for (const [k, e] of todo.entries()) {
    const dir = join(o.suiteDir, e.id);
    const lock = join(dir, '.training.pid');
    if (existsSync(lock)) {
      // A killed suite can leave its child training: wait for it rather than train the folder twice.
      const pid = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        o.log(`${e.id}: still being trained by process ${pid} (from an earlier session); waiting for it`);
        while (alive(pid)) await sleep(2000);
      }
      rmSync(lock, { force: true });
    }
    const state = experimentState(dir);
    if (state === 'done') {
      done += cost(e);
      continue;
    }
    if (o.stopping()) return { status: 'interrupted', seconds: (performance.now() - t0) / 1000 };
    mkdirSync(dir, { recursive: true });
    // A folder without a checkpoint (killed in its first epoch) starts over.
    if (state === 'new') rmSync(join(dir, 'checkpoints'), { recursive: true, force: true });
    const args = state === 'partial' ? ['train', '--resume', dir] : trainArgs(e, o.dataDir, dir);
    const fd = openSync(join(dir, 'train.log'), 'a');
    const child = spawn(process.execPath, [CLI, ...args, '--no-progress', '--keep', '1'], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    writeFileSync(lock, String(child.pid));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let code: number | null | undefined;
    let asked = false;
    const label = `${state === 'partial' ? 'resuming' : 'training'} ${k + 1}/${todo.length} ${e.id}`;
    while (code === undefined) {
      code = await Promise.race([exited, sleep(1000).then(() => undefined)]);
      if (o.stopping() && !asked) {
        asked = true;
        child.kill('SIGINT'); // the trainer checkpoints after its current step
      }
      const elapsed = (performance.now() - t0) / 1000;
      const current = Math.min(1, stepsLogged(dir) / Math.max(1, e.epochs * Math.floor(imagesPerEpoch(e, o.trainImages) / getPreset(e.preset).recipe.batchSize))) * cost(e);
      // Units are estimated seconds; once some work is done the ETA scales them by the speed measured.
      const progressed = done - doneAtStart + current;
      const speed = progressed > 0 && elapsed > 20 ? elapsed / progressed : 1;
      bar.update(label, Math.round(done + current), Math.round(total), { elapsed: formatDuration(elapsed) }, (total - done - current) * speed);
    }
    bar.clear();
    rmSync(lock, { force: true });
    if (experimentState(dir) === 'done') {
      done += cost(e);
      const elapsed = (performance.now() - t0) / 1000;
      o.log(`${e.id}: finished (${formatDuration(elapsed)} so far)`);
      continue;
    }
    if (o.stopping()) return { status: 'interrupted', seconds: (performance.now() - t0) / 1000 };
    const tail = readFileSync(join(dir, 'train.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
    throw new Error(`${e.id}: alexnet train exited with status ${code} without finishing; see ${join(dir, 'train.log')}:\n${tail}`);
  }
  return { status: 'completed', seconds: (performance.now() - t0) / 1000 };
}
