// Fine-tuning (the paper's §6 pre-trains two of its seven CNNs on
// ImageNet Fall 2011 and fine-tunes them on ILSVRC-2012): start from trained
// weights, replace the classifier when the new dataset has another number
// of classes, and optionally keep the first layers fixed.
import type { AlexNet } from '../models/alexnet.js';
import type { SafetensorsFile } from '../io/safetensors.js';
import { weightTensors } from '../weights/weights.js';
import { StateDictError } from '../nn/state.js';

export interface InitReport {
  readonly loaded: readonly string[];
  /** Classifier tensors left at their fresh initialisation (class count changed). */
  readonly reinitialised: readonly string[];
}

/** The parameter names of the last linear layer (fc8), the one a new class count replaces. */
export function classifierParams(model: AlexNet): string[] {
  const last = [...model.net.layers].reverse().find((l) => l.params().length > 0);
  return last ? last.params().map((p) => p.name) : [];
}

/**
 * Loads weights (`parsed`, read from `file`) into `model`: every tensor must
 * be present with its shape, except the classifier's, which is skipped (kept
 * freshly initialised) when its shape differs. Other mismatches are errors,
 * reported all at once.
 */
export function applyInitialWeights(model: AlexNet, parsed: SafetensorsFile, file: string): InitReport {
  const { tensors } = weightTensors(parsed, file);
  const classifier = classifierParams(model);
  const current = model.stateDict();
  const skip = new Set(classifier.filter((n) => {
    const t = tensors.get(n);
    const want = current.get(n)!.shape;
    return t !== undefined && (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i]));
  }));
  try {
    const r = model.loadStateDict(new Map([...tensors].filter(([k]) => !skip.has(k))), { source: file, skip });
    return { loaded: r.loaded, reinitialised: [...skip] };
  } catch (e) {
    if (e instanceof StateDictError) throw new Error(`${e.message}. Fine-tuning needs weights of the same preset (only the classifier may differ in size)`);
    throw e;
  }
}

/** Parameter names of the listed layers; unknown layer names are an error that lists the valid ones. */
export function frozenParams(model: AlexNet, layers: readonly string[]): Set<string> {
  const byName = new Map(model.net.layers.map((l) => [l.name, l]));
  const out = new Set<string>();
  for (const name of layers) {
    const l = byName.get(name);
    if (!l) throw new Error(`cannot freeze '${name}': layers with weights are ${model.net.layers.filter((x) => x.params().length).map((x) => x.name).join(', ')}`);
    for (const p of l.params()) out.add(p.name);
  }
  return out;
}
