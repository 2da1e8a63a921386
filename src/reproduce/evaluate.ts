// The suite's last phase: every trained network on the test split (read
// here and nowhere else: training and its schedule saw only the validation
// split), on part of its training split (the overfitting gap), the baseline
// networks also with 10 views (§5) and as ensembles (§6). Results are cached
// beside each experiment, so a killed suite does not evaluate twice.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SplitName } from '../data/types.js';
import { evaluate } from '../eval/evaluate.js';
import { loadModels, type LoadedModels } from '../runs/model-source.js';
import { openTestSplit } from '../eval/test-split.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface Errors {
  readonly images: number;
  readonly top1Error: number;
  readonly top5Error: number;
}

export interface ExperimentEval {
  /** Centre crop on the test split. */
  readonly test: Errors;
  /** 10 views on the test split (baseline networks only). */
  readonly test10: Errors | null;
  /** Centre crop on the first images of the training split (evaluation mode: no dropout, no flips). */
  readonly train: Errors;
}

async function errorsOn(loaded: LoadedModels, dataDir: string, split: SplitName, views: 1 | 10, limit: number | null): Promise<Errors> {
  const loader = await openTestSplit(dataDir, split, loaded.config, {
    mode: views === 10 ? 'tenViews' : 'center', batchSize: Math.max(1, Math.floor(256 / views)), cropSize: loaded.preset.inputSize, limit: limit ?? undefined, workers: 0,
  });
  try {
    const r = await evaluate(loaded.models, loader, views);
    return { images: r.images, top1Error: r.top1Error, top5Error: r.top5Error };
  } finally {
    await loader.close();
  }
}

export interface EvalLimits {
  readonly testLimit: number | null;
  readonly trainEvalLimit: number;
}

export async function evaluateExperiment(dir: string, dataDir: string, limits: EvalLimits, tenViews: boolean, hostBackend?: string | null): Promise<ExperimentEval> {
  const cache = join(dir, 'eval.json');
  if (existsSync(cache)) {
    const c = JSON.parse(readFileSync(cache, 'utf8')) as ExperimentEval;
    if (!tenViews || c.test10) return c;
  }
  const loaded = loadModels({ run: dir, data: dataDir, hostBackend });
  const r: ExperimentEval = {
    test: await errorsOn(loaded, dataDir, 'test', 1, limits.testLimit),
    test10: tenViews ? await errorsOn(loaded, dataDir, 'test', 10, limits.testLimit) : null,
    train: await errorsOn(loaded, dataDir, 'train', 1, limits.trainEvalLimit),
  };
  writeFileAtomic(cache, JSON.stringify(r, null, 1) + '\n');
  return r;
}

/** Softmax outputs of the networks averaged (§6), centre crop, on the test split; cached under `key` in `cacheFile`. */
export async function evaluateEnsemble(dirs: readonly string[], dataDir: string, limits: EvalLimits, cacheFile: string, hostBackend?: string | null): Promise<Errors> {
  const key = dirs.map((d) => d.split('/').pop()).join('+');
  const cache: Record<string, Errors> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, Errors> : {};
  if (cache[key]) return cache[key];
  const all = dirs.map((d) => loadModels({ run: d, data: dataDir, hostBackend }));
  const loaded: LoadedModels = { ...all[0], models: all.flatMap((l) => l.models), files: all.flatMap((l) => l.files) };
  cache[key] = await errorsOn(loaded, dataDir, 'test', 1, limits.testLimit);
  writeFileAtomic(cacheFile, JSON.stringify(cache, null, 1) + '\n');
  return cache[key];
}
