// Weight files on disk (Node): weights.ts does the work on bytes.
import type { AlexNet } from '../models/alexnet.js';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readSafetensors } from '../io/safetensors-file.js';
import { applyWeights, encodeWeights, type LoadWeightsOptions, type LoadWeightsReport } from './weights.js';

/** Reads a safetensors file into the network's parameters; throws before changing anything if it does not fit. */
export function loadWeights(model: AlexNet, file: string, options: LoadWeightsOptions = {}): LoadWeightsReport {
  return applyWeights(model, readSafetensors(file), file, options);
}

/** Writes the parameters as F32 safetensors, atomically, recording the preset and its input normalisation (plus `metadata`). */
export function saveWeights(model: AlexNet, file: string, metadata: Readonly<Record<string, string>> = {}, weights?: ReadonlyMap<string, Tensor>): void {
  writeFileAtomic(file, encodeWeights(model, metadata, weights));
}
