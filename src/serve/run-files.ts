// What the browser app needs of a run folder (`alexnet serve --run`): its
// weights (the final ones, or the newest checkpoint's), its classes, and the
// preprocessing `alexnet predict --run` would use (resolved by the same
// code), so a photo classified in the page gets the same input as on the
// command line.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadModels } from '../runs/model-source.js';
import { resolvePreprocessing } from '../eval/preprocess.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { encodeWeights } from '../weights/weights.js';
import type { EpochMetrics } from '../train/position.js';
import type { RunInfo } from './run-info.js';

export type { RunInfo } from './run-info.js';

export interface RunFiles {
  readonly info: RunInfo;
  readonly weights: Uint8Array;
  /** mean_image [3, S, S] as safetensors (empty for a mean that is not per pixel). */
  readonly mean: Uint8Array;
  readonly reportFile: string | null;
}

function readHistory(runDir: string): EpochMetrics[] {
  const file = join(runDir, 'metrics', 'epochs.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EpochMetrics);
}

export function readRunFiles(runDir: string): RunFiles {
  const loaded = loadModels({ run: runDir });
  const prep = resolvePreprocessing({ dataDir: loaded.dataDir, runDir: loaded.runDir, cropSize: loaded.preset.inputSize, mean: loaded.config.data.mean, input: loaded.config.data.input });
  const report = join(runDir, 'report.html');
  const m = prep.mean;
  return {
    info: {
      name: basename(runDir.replace(/\/+$/, '')),
      config: loaded.config,
      classes: loaded.classes,
      preprocessing: {
        size: prep.size, cropSize: prep.cropSize, resize: prep.resize, resizeTo: prep.resizeTo,
        mean: { mode: m.mode, meanChannel: m.meanChannel, gain: m.gain, bgr: m.bgr },
      },
      history: readHistory(runDir),
      report: existsSync(report),
    },
    // The network as loaded (from model.safetensors, or the newest checkpoint of an unfinished run), not the file:
    // a checkpoint's files[0] is its metadata JSON.
    weights: encodeWeights(loaded.models[0], { classes: JSON.stringify(loaded.classes.map((c) => c.id)), format: 'pt' }),
    mean: m.mode === 'pixel' ? encodeSafetensors([['mean_image', { shape: [3, prep.size, prep.size], data: m.meanImage }]]) : new Uint8Array(0),
    reportFile: existsSync(report) ? report : null,
  };
}
