// Weights in and out of the page. Out: the CLI's own safetensors encoding
// (io/weights.ts), with the same metadata `alexnet train` writes, so the file
// loads with `alexnet eval/predict --weights`. In: a run from `alexnet serve
// --run` (with the preprocessing the server resolved as `alexnet predict
// --run` does), or any weights file (its preset, classes and input from its
// metadata, as `alexnet predict --weights` reads them: eval/weights-config.ts).
import { configuredPreset } from '../../src/config/config.js';
import type { ClassInfo, DatasetStats } from '../../src/data/types.js';
import { buildAlexNet, type AlexNet } from '../../src/models/alexnet.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { applyWeights, encodeWeights } from '../../src/io/weights.js';
import { fixedPreprocessing, preprocessingFromDataset, type Preprocessing } from '../../src/eval/input.js';
import { nameIds, weightsConfig } from '../../src/eval/weights-config.js';
import type { Device } from '../../src/tensor/device.js';
import type { RunInfo } from '../../src/serve/run-info.js';
import type { Classifier } from './classify.js';

export async function weightsBlob(model: AlexNet, classes: readonly ClassInfo[]): Promise<Blob> {
  const bytes = encodeWeights(model, { classes: JSON.stringify(classes.map((c) => c.id)), format: 'pt' }, await model.hostStateDict());
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
}

export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A run served by `alexnet serve --run`: its weights, classes and preprocessing. */
export function runClassifier(info: RunInfo, weights: Uint8Array, mean: Uint8Array | null, device: Device): Classifier {
  const source = `run ${info.name}`;
  const preset = configuredPreset(info.config, info.classes.length);
  const model = buildAlexNet(preset, device);
  applyWeights(model, decodeSafetensors(weights, `${source}/model.safetensors`), `${source}/model.safetensors`);
  const p = info.preprocessing;
  const meanImage = mean ? decodeSafetensors(mean, `${source}/mean.safetensors`).tensors.get('mean_image')?.data as Float32Array | undefined : undefined;
  if (p.mean.mode === 'pixel' && !meanImage) throw new Error(`${source}: the server sent no mean image`);
  const prep: Preprocessing = { size: p.size, cropSize: p.cropSize, resize: p.resize, resizeTo: p.resizeTo, mean: { ...p.mean, meanImage: meanImage ?? new Float32Array(0) } };
  return { model: model.eval(), config: info.config, classes: info.classes, prep, label: `${source} (${preset.name}, ${info.classes.length} classes)` };
}

export interface Embedded {
  readonly classes: readonly ClassInfo[];
  readonly stats: DatasetStats;
  readonly size: number;
}

/**
 * Any weights file. Published weights (a fixed mean: torchvision, caffe)
 * bring their preprocessing; others are taken to be trained on the embedded
 * Fashion-MNIST subset (the page's own, and mini runs), whose mean they get.
 */
export async function fileClassifier(bytes: Uint8Array, name: string, device: Device, embedded: Embedded, ilsvrc: () => Promise<ClassInfo[]>): Promise<Classifier> {
  const parsed = decodeSafetensors(bytes, name);
  const { config, ids } = weightsConfig(parsed, name, { withData: false });
  const preset = configuredPreset(config, ids?.length);
  let prep: Preprocessing;
  let note = '';
  if (config.data.mean === 'fixed' && config.data.input) prep = fixedPreprocessing(config.data.input, preset.inputSize);
  else if (preset.inputSize <= embedded.size) {
    prep = preprocessingFromDataset({ dir: 'the embedded Fashion-MNIST subset', size: embedded.size, stats: embedded.stats }, preset.inputSize, config.data.mean, config.data.input);
    note = ', with the embedded subset\'s mean';
  } else {
    throw new Error(`${name}: preset ${preset.name} needs the mean of the dataset it was trained on; open its run with alexnet serve --run <dir> instead`);
  }
  const model = buildAlexNet(preset, device);
  applyWeights(model, parsed, name);
  const wordnet = ids?.some((id) => /^n\d{8}$/.test(id)) || (!ids && preset.classes === 1000);
  const table = wordnet ? await ilsvrc() : [];
  const classes = ids ? nameIds(ids, embedded.classes, table)
    : preset.classes === 1000 ? table
      : preset.classes === embedded.classes.length ? [...embedded.classes]
        : Array.from({ length: preset.classes }, (_, i) => ({ id: String(i), name: String(i) }));
  if (classes.length !== preset.classes) throw new Error(`${name}: records ${classes.length} classes but fc8 has ${preset.classes} outputs`);
  return { model: model.eval(), config, classes, prep, label: `${name} (${preset.name}, ${classes.length} classes${note})` };
}
