// `alexnet reproduce` without the command line: prepare the data (a
// validation split carved from the training images), train every experiment
// (runner.ts), read the test split once (evaluate.ts), judge the claims
// (claims.ts) and write <suite>/claims.json and <suite>/report.html.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureEmbeddedDataset } from '../data/embedded.js';
import { readDatasetInfo } from '../data/shards.js';
import { writeFileAtomic } from '../io/atomic.js';
import { formatDuration } from '../train/progress.js';
import { readEpochMetrics } from '../viz/curves.js';
import { getPreset } from '../models/presets.js';
import { computeClaims, type ClaimResult, type ExperimentData } from './claims.js';
import { evaluateEnsemble, evaluateExperiment, type Errors } from './evaluate.js';
import { meanHistory, readSteps, timeToThreshold } from './measures.js';
import { estimateSeconds, imagesPerEpoch, runExperiments } from './runner.js';
import { claimsMarkdown, writeSuiteReport } from './report.js';
import { experiments, sizing, trainArgs, variants, type SuiteMode } from './suite.js';

/** Validation images carved from the embedded subset's 8,000 training images (100 per class). */
export const EMBEDDED_VAL_SPLIT = 1000;

export interface ReproduceOptions {
  readonly suiteDir: string;
  /** A prepared dataset with train, val and test splits; default: the embedded subset, prepared into <suite>/data. */
  readonly data?: string;
  readonly mode: SuiteMode;
  readonly log: (line: string) => void;
  readonly progress: boolean;
  readonly stopping: () => boolean;
  /** The host kernel set its evaluations run on ('native', 'reference'; Sequential.hostBackend); default: the active one. */
  readonly hostBackend?: string | null;
}

export interface ReproduceResult {
  readonly status: 'completed' | 'interrupted';
  readonly claims: readonly ClaimResult[];
  readonly seconds: number;
}

interface SuiteFile {
  readonly mode: SuiteMode;
  readonly data: string;
  /** Training and evaluation seconds of each session (a resumed suite adds one). */
  readonly sessions: readonly number[];
}

async function openData(o: ReproduceOptions, suiteDir: string): Promise<string> {
  if (!o.data) return ensureEmbeddedDataset(join(suiteDir, 'data'), { valSplit: EMBEDDED_VAL_SPLIT });
  const dir = resolve(o.data);
  const info = readDatasetInfo(dir);
  if (!info.splits.val || !info.splits.test) {
    throw new Error(`${dir} has splits ${Object.keys(info.splits).join(', ')}; reproduce needs train, val and test so that nothing is selected on the test images: prepare it with 'alexnet prepare --val-split <n> <images> <out>' (the source's validation images become the test split)`);
  }
  if (info.size < 28) throw new Error(`${dir}: prepared at ${info.size}×${info.size}; the suite's presets (mini, convnet4) take 28×28 crops: prepare with --size 28 or more`);
  return dir;
}

export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const t0 = performance.now();
  const suiteDir = resolve(o.suiteDir);
  mkdirSync(suiteDir, { recursive: true });
  const suiteFile = join(suiteDir, 'suite.json');
  const previous = existsSync(suiteFile) ? JSON.parse(readFileSync(suiteFile, 'utf8')) as SuiteFile : null;
  if (previous && previous.mode !== o.mode) throw new Error(`${suiteDir} holds a ${previous.mode} suite; resume it ${previous.mode === 'quick' ? 'with' : 'without'} --quick, or choose another --run`);
  if (previous && o.data && resolve(o.data) !== previous.data) throw new Error(`${suiteDir} was run on ${previous.data}; resume it with that --data (or none), or choose another --run`);
  const dataDir = previous && !o.data ? previous.data : await openData(o, suiteDir);
  const s = sizing(o.mode);
  const exps = experiments(s);
  const trainCount = readDatasetInfo(dataDir).splits.train!.count;
  const save = (seconds: number) => writeFileAtomic(suiteFile, JSON.stringify({ mode: o.mode, data: dataDir, sessions: [...(previous?.sessions ?? []), seconds] }, null, 1) + '\n');
  save(0);
  const sizes = [...new Set(exps.map((e) => imagesPerEpoch(e, trainCount)))].join(' or ');
  o.log(`suite ${suiteDir} (${o.mode}): ${exps.length} training runs on ${dataDir} (${sizes} training images an epoch)`);
  o.log(`estimated time: ${formatDuration(estimateSeconds(exps, trainCount))} of training on one core, plus a minute or two of evaluation; interrupt at any time and rerun the same command to continue`);

  const run = await runExperiments({ suiteDir, dataDir, experiments: exps, trainImages: trainCount, log: o.log, progress: o.progress, stopping: o.stopping });
  if (run.status === 'interrupted') {
    const seconds = (performance.now() - t0) / 1000;
    save(seconds);
    return { status: 'interrupted', claims: [], seconds: seconds + (previous?.sessions ?? []).reduce((a, b) => a + b, 0) };
  }

  o.log('test split: evaluating every network (read once, now that all training is done)');
  const limits = { testLimit: s.testLimit, trainEvalLimit: s.trainEvalLimit };
  const data: Record<string, ExperimentData[]> = {};
  for (const e of exps) {
    const dir = join(suiteDir, e.id);
    const ev = await evaluateExperiment(dir, dataDir, limits, e.variant === 'baseline', o.hostBackend);
    const batch = getPreset(e.preset).recipe.batchSize;
    const threshold = e.preset === 'convnet4' ? s.speedThreshold : s.convergeThreshold;
    const toThreshold = timeToThreshold(readSteps(dir), threshold, batch, Math.floor(imagesPerEpoch(e, trainCount) / batch));
    (data[e.variant] ??= []).push({ id: e.id, seed: e.seed, eval: ev, history: readEpochMetrics(dir), toThreshold });
  }
  // §6 ensembles from the baseline networks: every network alone, cyclic pairs (1+2, 2+3, …), and all of them.
  const baseDirs = data.baseline.map((d) => join(suiteDir, d.id));
  const ensembles: Record<number, Errors[]> = {};
  for (const n of s.ensembleSizes) {
    if (n === 1) ensembles[1] = data.baseline.map((d) => d.eval.test);
    else if (n === baseDirs.length) ensembles[n] = [await evaluateEnsemble(baseDirs, dataDir, limits, join(suiteDir, 'ensembles.json'), o.hostBackend)];
    else {
      ensembles[n] = [];
      for (let i = 0; i < baseDirs.length; i++) {
        const members = Array.from({ length: n }, (_, j) => baseDirs[(i + j) % baseDirs.length]);
        ensembles[n].push(await evaluateEnsemble(members, dataDir, limits, join(suiteDir, 'ensembles.json'), o.hostBackend));
      }
    }
  }
  const claims = computeClaims(s, data, ensembles);
  const seconds = (performance.now() - t0) / 1000;
  save(seconds);
  const total = seconds + (previous?.sessions ?? []).reduce((a, b) => a + b, 0);
  const vs = variants(s);
  const commands = Object.fromEntries(vs.map((v) => {
    const e = exps.find((x) => x.variant === v.id)!;
    return [v.id, ['alexnet', ...trainArgs(e, dataDir, `runs/${e.id}`)].map((a) => (/^[\w./=:-]+$/.test(a) ? a : `'${a}'`)).join(' ')];
  }));
  writeFileAtomic(join(suiteDir, 'claims.json'), JSON.stringify({
    suite: { mode: o.mode, data: dataDir, seconds: Math.round(total), sizing: s, variants: vs, commands },
    claims,
  }, null, 1) + '\n');
  writeFileAtomic(join(suiteDir, 'claims.md'), claimsMarkdown(claims));
  writeSuiteReport(join(suiteDir, 'report.html'), {
    claims, commands, mode: o.mode, data: dataDir, seconds: total,
    curves: Object.fromEntries(Object.entries(data).map(([v, runs]) => [v, meanHistory(runs.map((r) => r.history))])),
    labels: Object.fromEntries(vs.map((v) => [v.id, v.label])),
  });
  return { status: 'completed', claims, seconds: total };
}
