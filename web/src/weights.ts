// Weights in and out of the page. Out: the network's safetensors file, with
// the metadata `alexnet train` writes, so it loads with `alexnet
// eval/predict --weights`. In: a run from `alexnet serve --run` (with the
// dataset mean the server sends), or any weights file (its preset, classes
// and input from its metadata, as `alexnet predict --weights` reads them).
import { decodeSafetensors, loadNetwork, type BackendName, type ImageSet } from 'alexnet-ts';
import type { RunInfo } from '../../src/serve/run-info.js';
import type { Classifier } from './classify.js';

export async function weightsBlob(c: Classifier): Promise<Blob> {
  return new Blob([(await c.network.toSafetensors()) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
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

/** A run served by `alexnet serve --run`: its weights, config, classes and mean. */
export async function runClassifier(info: RunInfo, weights: Uint8Array, mean: Uint8Array | null, backend: BackendName): Promise<Classifier> {
  const source = `run ${info.name}`;
  const p = info.preprocessing;
  const meanImage = mean ? decodeSafetensors(mean, `${source}/mean.safetensors`).tensors.get('mean_image')?.data as Float32Array | undefined : undefined;
  if (p.mean.mode === 'pixel' && !meanImage) throw new Error(`${source}: the server sent no mean image`);
  const network = await loadNetwork(weights, {
    name: `${source}/model.safetensors`, backend, config: info.config,
    dataset: { size: p.size, classes: info.classes, stats: { meanImage: meanImage ?? new Float32Array(0), meanChannel: [p.mean.meanChannel[0], p.mean.meanChannel[1], p.mean.meanChannel[2]] } },
  });
  return { network, label: `${source} (${network.preset}, ${info.classes.length} classes)` };
}

/**
 * Any weights file. Published weights (a fixed mean: torchvision, caffe)
 * bring their preprocessing; others are taken to be trained on the embedded
 * Fashion-MNIST subset (the page's own, and mini runs), whose mean they get.
 */
export async function fileClassifier(bytes: Uint8Array, name: string, backend: BackendName, embedded: ImageSet): Promise<Classifier> {
  const plain = await loadNetwork(bytes, { name, backend });
  if (plain.info().input.mean) return { network: plain, label: `${name} (${plain.preset}, ${plain.classes.length} classes)` };
  if (plain.inputSize > embedded.size) throw new Error(`${name}: preset ${plain.preset} needs the mean of the dataset it was trained on; open its run with alexnet serve --run <dir> instead`);
  const network = await loadNetwork(bytes, { name, backend, dataset: embedded });
  return { network, label: `${name} (${network.preset}, ${network.classes.length} classes, with the embedded subset's mean)` };
}
