// `alexnet predict`'s work (Node): image files read and preprocessed like the
// validation data, then the top-k of predict.ts.
import type { ClassInfo } from '../data/types.js';
import type { AlexNet } from '../models/alexnet.js';
import { ensembleProbabilities, topClasses, type Prediction } from './predict.js';
import { loadImages, type Preprocessing } from './preprocess.js';

export interface PredictResult {
  readonly predictions: readonly Prediction[];
  /** Files that could not be read or decoded, with the reason; the others are still predicted. */
  readonly failed: readonly { readonly file: string; readonly error: string }[];
}

export async function predictFiles(models: readonly AlexNet[], classes: readonly ClassInfo[], files: readonly string[], prep: Preprocessing, k = 5): Promise<PredictResult> {
  const batch = await loadImages(files, prep);
  const probs = await ensembleProbabilities(models, batch.x);
  return {
    predictions: batch.files.map((file, i) => ({ file, top: topClasses(probs, i, classes, k) })),
    failed: batch.failed,
  };
}
