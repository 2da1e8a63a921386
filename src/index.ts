/**
 * alexnet-ts for Node.js: AlexNet (Krizhevsky, Sutskever and Hinton, 2012)
 * — the network, its training recipe and its evaluation protocol.
 *
 * ```ts
 * import { loadNetwork } from 'alexnet-ts';
 * const net = await loadNetwork('alexnet-owt-7be5be79.pth');
 * console.log(await net.classify('cat.jpg'));
 * ```
 *
 * Networks run on the native C++ kernels (chosen when a network is made,
 * whatever was imported first), on a GPU with `backend: 'webgpu'`, or on
 * the readable reference kernels. Browsers get the same API from the same
 * package name (WebGPU, else the reference kernels).
 *
 * @packageDocumentation
 */
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { NODE_PLATFORM, type NodeImage } from './api/node-platform.js';
import { createNetworkOn, loadNetworkOn, type CreateNetworkOptions, type LoadNetworkOptions } from './api/create.js';
import { evaluateOn, fineTuneOn, trainOn, type EvaluateOptions, type EvaluationResult, type FineTuneOptions, type TrainOptions, type TrainResult } from './api/train.js';
import { readDatasetInfo } from './data/shards.js';
import { Network } from './api/network.js';
import { OptionError } from './api/types.js';

export { Network } from './api/network.js';
export { OptionError, PRESET_NAMES, BACKEND_NAMES } from './api/types.js';
export type { PresetName, BackendName, RawImage, ClassLabel, Classification, ClassifyOptions, FeatureOptions, NetworkInfo, Views, InputSpec } from './api/types.js';
export type { NodeImage } from './api/node-platform.js';
export type { CreateNetworkOptions, LoadNetworkOptions } from './api/create.js';
export { IMAGENET_MEAN } from './api/create.js';
export type { TrainOptions, FineTuneOptions, TrainResult, StepProgress, EpochProgress, EvaluateOptions, EvaluationResult, ConfigOverrides } from './api/train.js';
export type { DataOptions } from './api/data.js';
export type { ModelOptions, DataOptions as ConfigDataOptions, TrainOptions as ConfigTrainOptions } from './config/config.js';
export type { EpochMetrics } from './train/position.js';
export type { Activation, InputRule } from './models/presets.js';
export type { DropoutScaling } from './ops/dropout.js';
export type { LrnAlphaConvention } from './ops/lrn.js';
export type { InflateRaw } from './io/zip.js';
export type { SourceFormat } from './io/published.js';
export type { ScheduleConfig } from './models/presets.js';
export { prepareDataset, PrepareInterrupted, type PrepareOptions, type PrepareResult } from './data/prepare.js';
export type { DatasetInfo, ImageEncoding, ClassInfo, SplitName, SplitInfo, DatasetStats, MeanMode, PcaUnits } from './data/types.js';
export { convertWeights, ConvertError, type ConvertOptions, type ConvertResult } from './io/convert.js';
export { ilsvrc2012Classes, FASHION_MNIST_CLASSES, type IlsvrcClass } from './data/classes.js';
export { VERSION } from './version.js';

/** A network of `preset` with freshly initialised weights (seeded: the same seed, the same weights, on every backend). */
export function createNetwork(options: CreateNetworkOptions = {}): Promise<Network<NodeImage>> {
  return createNetworkOn(NODE_PLATFORM, options);
}

export interface NodeLoadNetworkOptions extends LoadNetworkOptions {
  /** The prepared dataset the weights were trained on: its mean image and class names (weights of paper or mini runs need it, published weights do not). */
  readonly data?: string;
}

/**
 * A network with the weights of a file — safetensors (what `save` and
 * `alexnet train` write), a torch.save `.pth` (torchvision's AlexNet) or a
 * `.caffemodel` — or of the file's bytes. The preset, classes and input
 * normalisation come from the file.
 */
export async function loadNetwork(source: string | Uint8Array, options: NodeLoadNetworkOptions = {}): Promise<Network<NodeImage>> {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new OptionError('source', `loadNetwork: cannot read ${source}${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': a folder, not a weights file' : ` (${(e as Error).message})`}`);
    }
  } else if (source instanceof Uint8Array) bytes = source;
  else throw new OptionError('source', `loadNetwork: the source must be a file path or the file's bytes (Uint8Array), got ${typeof source}`);
  let dataset;
  if (options.data !== undefined) {
    const dir = resolve(options.data);
    if (!existsSync(resolve(dir, 'dataset.json'))) throw new OptionError('data', `loadNetwork: option 'data': ${dir} is not a prepared dataset (no dataset.json); prepare one with prepareDataset`);
    dataset = readDatasetInfo(dir);
  }
  return loadNetworkOn(NODE_PLATFORM, bytes, { name: typeof source === 'string' ? source : undefined, ...options, dataset });
}

/** Trains a network on a dataset (docs/paper.md §4): the preset's recipe, your options, progress through callbacks. */
export function train(options: TrainOptions = {}): Promise<TrainResult<NodeImage>> {
  return trainOn(NODE_PLATFORM, options);
}

/** Fine-tunes a network or a weights file on new data: new classifier when the classes differ, optionally frozen layers. */
export function fineTune(options: FineTuneOptions): Promise<TrainResult<NodeImage>> {
  return fineTuneOn(NODE_PLATFORM, options);
}

/** Top-1 and top-5 error of a network on a split of a dataset (docs/paper.md §6), with 1 or 10 views. */
export function evaluate(network: Network<NodeImage>, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  return evaluateOn(NODE_PLATFORM, network, options);
}

/** Releases the WebGPU device, if one was opened (Dawn keeps Node running while a device lives). */
export async function releaseDevices(): Promise<void> {
  const { closeSharedWebGpuDevice } = await import('./backend/webgpu/gpu.js');
  await closeSharedWebGpuDevice();
}
