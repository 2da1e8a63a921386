/**
 * alexnet-ts for browsers: the same networks as in Node, on the page's
 * WebGPU adapter, or on the reference kernels where there is none.
 *
 * ```ts
 * import { createNetwork } from 'alexnet-ts';   // bundlers pick this entry for browsers
 * const net = await createNetwork({ preset: 'torchvision' });
 * console.log(await net.classify(document.querySelector('img')!));
 * ```
 *
 * No Node modules, no native code: weights come as bytes (`fetch`, a file
 * input), images as elements, bitmaps, pixels, Blobs or URLs.
 *
 * @packageDocumentation
 */
import { BROWSER_PLATFORM, type BrowserImage } from './api/browser-platform.js';
import { createNetworkOn, describeNetworkOn, loadNetworkOn, type CreateNetworkOptions, type LoadNetworkOptions } from './api/create.js';
import type { Network } from './api/network.js';
import { createTrainerOn, evaluateImagesOn, type ImageSet, type Trainer, type TrainerOptions } from './api/trainer.js';
import type { Config } from './config/config.js';
import type { ClassLabel, Views } from './api/types.js';
import { OptionError, type NetworkInfo } from './api/types.js';

export { Network, Ensemble, type ClassifyOutcome } from './api/network.js';
export { OptionError, PRESET_NAMES, BACKEND_NAMES } from './api/types.js';
export type { PresetName, BackendName, RawImage, ClassLabel, Classification, ClassifyOptions, FeatureOptions, NetworkInfo, Views, InputSpec } from './api/types.js';
export type { BrowserImage } from './api/browser-platform.js';
export { browserBackendReport } from './api/browser-platform.js';
export type { PixelSplit } from './data/pixels.js';
export { Trainer, decodeImageSet, filterPixels, type ImageSet, type TrainerOptions, type TrainerStep, type TrainerState } from './api/trainer.js';
export { resolveConfig, type Config } from './config/config.js';
export type { EpochMetrics } from './train/position.js';
export type { DatasetStats } from './data/types.js';
export type { CreateNetworkOptions, LoadNetworkOptions } from './api/create.js';
export { IMAGENET_MEAN } from './api/create.js';
export type { ModelOptions } from './config/config.js';
export { ACTIVATIONS, INPUT_RULES, type Activation, type InputRule } from './models/presets.js';
export type { DropoutScaling } from './ops/dropout.js';
export type { LrnAlphaConvention } from './ops/lrn.js';
export type { ClassInfo } from './data/types.js';
export { ilsvrc2012Classes, FASHION_MNIST_CLASSES, type IlsvrcClass } from './data/classes.js';
export { VERSION } from './version.js';
export { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafetensorsFile, type SafetensorsEntry, type SafetensorsDtype, type TensorToWrite, type TensorData } from './io/safetensors.js';

/** What a preset's network is — layers and their shapes, parameters, multiply-adds, the resolved config — without making its weights. */
export function describeNetwork(options: Omit<CreateNetworkOptions, 'backend' | 'seed' | 'mean'> = {}): Promise<NetworkInfo> {
  return describeNetworkOn(BROWSER_PLATFORM, options);
}

/** A network of `preset` with freshly initialised weights (seeded: the same seed gives the same weights as in Node). */
export function createNetwork(options: CreateNetworkOptions = {}): Promise<Network<BrowserImage>> {
  return createNetworkOn(BROWSER_PLATFORM, options);
}

export interface BrowserLoadNetworkOptions extends LoadNetworkOptions {
  /** The images the weights were trained on (their classes and mean), for weights that need a dataset's mean (paper, mini). */
  readonly dataset?: { readonly size: number; readonly classes: readonly ClassLabel[]; readonly stats: Pick<ImageSet['stats'], 'meanImage' | 'meanChannel'> };
  /** The run's own config (its mean mode and input), where the caller has it; default: what the file implies. */
  readonly config?: Config;
}

/**
 * A network with the weights of a file: its bytes (safetensors, a
 * torch.save `.pth`, a `.caffemodel`), a Blob/File, or a URL to fetch.
 */
export async function loadNetwork(source: Uint8Array | ArrayBuffer | Blob | string, options: BrowserLoadNetworkOptions = {}): Promise<Network<BrowserImage>> {
  let bytes: Uint8Array;
  let name = options.name;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (typeof Blob !== 'undefined' && source instanceof Blob) {
    bytes = new Uint8Array(await source.arrayBuffer());
    name ??= (source as File).name;
  } else if (typeof source === 'string') {
    const r = await fetch(source);
    if (!r.ok) throw new OptionError('source', `loadNetwork: ${source}: ${r.status} ${r.statusText}`);
    bytes = new Uint8Array(await r.arrayBuffer());
    name ??= source;
  } else throw new OptionError('source', 'loadNetwork: the source must be bytes (Uint8Array, ArrayBuffer), a Blob or File, or a URL');
  const { dataset, ...rest } = options;
  return loadNetworkOn(BROWSER_PLATFORM, bytes, { ...rest, name, dataset: dataset && { dir: 'the training images', ...dataset } });
}

/** A trainer over labelled images in memory: `run()`, `pause()`, `run()` again; the network initialised from the seed. */
export function createTrainer(options: TrainerOptions): Promise<Trainer<BrowserImage>> {
  return createTrainerOn(BROWSER_PLATFORM, options);
}

/** Top-1 and top-5 error of a network on labelled images in memory, with 1 or 10 views. */
export function evaluateImages(network: Network<BrowserImage>, set: ImageSet, options: { readonly views?: Views; readonly limit?: number; readonly onProgress?: (done: number, total: number) => void } = {}) {
  return evaluateImagesOn(network, set, options);
}
