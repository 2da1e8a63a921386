// `alexnet eval` without the command line: top-1/top-5 error of one network
// or an ensemble on a prepared split, with the centre crop and/or the paper's
// 10 views (docs/paper.md §5, §6), per-class accuracy and the most confused pairs.
import { resolve } from 'node:path';
import type { ClassInfo, DataLoader, SplitName } from '../data/types.js';
import type { AlexNet } from '../models/alexnet.js';
import { openTestSplit } from '../eval/test-split.js';
import { evaluate, rendersOnDevice } from '../eval/evaluate.js';
import { mostConfused, perClassAccuracy } from '../eval/metrics.js';
import { loadModels, type LoadedModels, type ModelSource } from './model-source.js';

export interface EvalOptions {
  /** Views per image to evaluate with, each a separate result (default [1, 10]). */
  readonly views?: readonly (1 | 10)[];
  readonly split?: SplitName;
  /** First n images of the split (the loader's class-balanced order); default: all. */
  readonly limit?: number;
  /** Confused pairs listed (default 10). */
  readonly topConfusions?: number;
  readonly workers?: number;
  /** Called with images done, for progress lines. */
  readonly onProgress?: (views: number, done: number, total: number) => void;
}

export interface ClassResult extends ClassInfo {
  readonly images: number;
  readonly accuracy: number;
}

export interface ConfusionResult {
  readonly actual: ClassInfo;
  readonly predicted: ClassInfo;
  readonly count: number;
  /** Share of the true class's images predicted as `predicted`. */
  readonly rate: number;
}

export interface ViewsResult {
  readonly views: 1 | 10;
  readonly images: number;
  readonly loss: number;
  readonly top1Error: number;
  readonly top5Error: number;
  readonly perClass: readonly ClassResult[];
  readonly confusions: readonly ConfusionResult[];
}

export interface EvalReport {
  readonly preset: string;
  /** Weight files; more than one: an ensemble (softmax averaged). */
  readonly weights: readonly string[];
  readonly data: string;
  readonly split: SplitName;
  readonly results: readonly ViewsResult[];
}

/** One evaluation of networks (an ensemble: softmax averaged) over a loader's views: errors, per-class accuracy, the most confused pairs. */
export async function evaluateViews(models: readonly AlexNet[], classes: readonly ClassInfo[], loader: DataLoader, views: 1 | 10, o: { readonly topConfusions?: number; readonly onProgress?: (done: number) => void } = {}): Promise<ViewsResult> {
  const r = await evaluate(models, loader, views, o.onProgress);
  const k = classes.length;
  return {
    views, images: r.images, loss: r.loss, top1Error: r.top1Error, top5Error: r.top5Error,
    perClass: perClassAccuracy(r.tally.confusion, k).map((c, i) => ({ ...classes[i], images: c.images, accuracy: c.accuracy })),
    confusions: mostConfused(r.tally.confusion, k, o.topConfusions ?? 10).map((p) => ({
      actual: classes[p.actual], predicted: classes[p.predicted], count: p.count, rate: p.rate,
    })),
  };
}

/** Evaluates networks already loaded (loadModels) on their dataset. */
export async function evaluateModels(loaded: LoadedModels, options: EvalOptions = {}): Promise<EvalReport> {
  const split = options.split ?? 'val';
  const dataDir = loaded.dataDir;
  if (!dataDir) throw new Error(`no dataset to evaluate on: pass --data <prepared dataset> (alexnet prepare)`);
  const results: ViewsResult[] = [];
  for (const views of options.views ?? [1, 10]) {
    // The trainer's validation batch size, so the figures match its log bit for bit.
    const loader = await openTestSplit(dataDir, split, loaded.config, {
      mode: views === 10 ? 'tenViews' : 'center', batchSize: Math.max(1, Math.floor(256 / views)),
      cropSize: loaded.preset.inputSize, limit: options.limit, workers: options.workers, deviceViews: rendersOnDevice(loaded.models),
    });
    try {
      const ids = loader.classes.map((c) => c.id).join('\n');
      if (ids !== loaded.classes.map((c) => c.id).join('\n')) {
        throw new Error(`${dataDir}: its ${loader.classes.length} classes are not the network's ${loaded.classes.length} (in the same order); evaluate on the dataset the network was trained on`);
      }
      results.push(await evaluateViews(loaded.models, loaded.classes, loader, views, { topConfusions: options.topConfusions, onProgress: (done) => options.onProgress?.(views, done, loader.size) }));
    } finally {
      await loader.close();
    }
  }
  return { preset: loaded.preset.name, weights: loaded.files, data: dataDir, split, results };
}

/** Evaluates the networks a source names (a run folder, or weight files with --data). */
export async function evaluateSource(source: ModelSource, options: EvalOptions = {}): Promise<EvalReport> {
  return evaluateModels(loadModels(source), options);
}

/** Evaluates a run folder's final network (model.safetensors) on the dataset it was trained on. */
export async function evaluateRun(runDir: string, options: EvalOptions & { readonly data?: string } = {}): Promise<EvalReport> {
  return evaluateSource({ run: resolve(runDir), data: options.data }, options);
}
