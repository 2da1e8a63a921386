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
import { open, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { NODE_PLATFORM, type NodeImage } from './api/node-platform.js';
import { releaseWebGpuDevice } from './api/backends.js';
import type { Platform } from './api/platform.js';
import { createNetworkOn, describeNetworkOn, loadNetworkOn, looksLikeSafetensors, weightsFileFromBytes, type CreateNetworkOptions, type LoadNetworkOptions } from './api/create.js';
import { evaluateOn, fineTuneOn, trainOn, type EvaluateOptions, type EvaluationResult, type FineTuneOptions, type TrainOptions, type TrainResult } from './api/train.js';
import { readDatasetInfo } from './data/shards.js';
import { Ensemble, Network } from './api/network.js';
import { isRunFolder, loadSources } from './api/node-load.js';
import { OptionError, type NetworkInfo } from './api/types.js';

export { Network, Ensemble, type ClassifyOutcome } from './api/network.js';
export { OptionError, PRESET_NAMES, BACKEND_NAMES } from './api/types.js';
export type { PresetName, BackendName, RawImage, ClassLabel, Classification, ClassifyOptions, FeatureOptions, NetworkInfo, Views, InputSpec } from './api/types.js';
export type { NodeImage } from './api/node-platform.js';
export type { CreateNetworkOptions, LoadNetworkOptions } from './api/create.js';
export { IMAGENET_MEAN } from './api/create.js';
export type { TrainOptions, FineTuneOptions, TrainResult, StepProgress, EpochProgress, EvaluateOptions, EvaluationResult, ConfigOverrides } from './api/train.js';
export type { DataOptions } from './api/data.js';
export type { EvalReport as EvaluationReport, ViewsResult, ClassResult, ConfusionResult } from './runs/run-eval.js';
export { resolveConfig, applyOverrides, parseConfigJson, parseAssignment, ConfigError, CONFIG_KEYS, type Config, type Json } from './config/config.js';
export type { ModelOptions, DataOptions as ConfigDataOptions, TrainOptions as ConfigTrainOptions } from './config/config.js';
export type { EpochMetrics } from './train/position.js';
export { ACTIVATIONS, INPUT_RULES, type Activation, type InputRule } from './models/presets.js';
export type { DropoutScaling } from './ops/dropout.js';
export type { MomentumForm } from './ops/sgd.js';
export type { LrnAlphaConvention } from './ops/lrn.js';
export type { InflateRaw } from './io/zip.js';
export type { SourceFormat } from './weights/published.js';
export type { ScheduleConfig } from './models/presets.js';
export { prepareDataset, PrepareInterrupted, type PrepareOptions, type PrepareResult } from './data/prepare.js';
export type { DatasetInfo, ImageEncoding, ClassInfo, SplitName, SplitInfo, DatasetStats, MeanMode, PcaUnits } from './data/types.js';
export { convertWeights, ConvertError, type ConvertOptions, type ConvertResult } from './weights/convert.js';
export { ilsvrc2012Classes, FASHION_MNIST_CLASSES, type IlsvrcClass } from './data/classes.js';
export { VERSION } from './version.js';
export { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafetensorsFile, type SafetensorsEntry, type SafetensorsDtype, type TensorToWrite, type TensorData } from './io/safetensors.js';
export { writeFileAtomic } from './io/atomic.js';
export { readNpy, writeNpy, decodeNpy, encodeNpy, type NpyArray, type NpyToWrite, type NpyDtype, type NpyData } from './io/npy.js';
export { ONNX_OPSET, ONNX_INPUT, ONNX_OUTPUT } from './export/onnx.js';
export { filterFigure, neighboursFigure, type FilterFigureOptions, type NeighboursOptions, type NeighboursFigure, type FilterScaling, type FilterGridLayout, type ContactSheetLayout, type NeighborsJson } from './api/figures.js';
export { writeRunReport, trainingCurves, createAppServer, embeddedDataset, reproduce, formatGain, formatSummary, formatDuration, type RunReportOptions, type ReportContent, type ReproduceOptions, type ReproduceResult, type SuiteMode, type ClaimResult, type Measure, type Summary, type Verdict, type Difference } from './api/runs.js';
export { backendReport, type BackendReport, type Availability } from './api/backends.js';
export type { AdapterReport } from './api/backends.js';

/** What a preset's network is — layers and their shapes, parameters, multiply-adds, the resolved config — without making its weights. */
export function describeNetwork(options: Omit<CreateNetworkOptions, 'backend' | 'seed' | 'mean'> = {}): Promise<NetworkInfo> {
  return describeNetworkOn(NODE_PLATFORM, options);
}

/** A network of `preset` with freshly initialised weights (seeded: the same seed, the same weights, on every backend). */
export function createNetwork(options: CreateNetworkOptions = {}): Promise<Network<NodeImage>> {
  return createNetworkOn(NODE_PLATFORM, options);
}

export interface NodeLoadNetworkOptions extends LoadNetworkOptions {
  /** The prepared dataset the weights were trained on: its mean image and class names (weights of paper or mini runs need it, published weights do not; a run folder records it). */
  readonly data?: string;
  /** A mean image to subtract instead of the dataset's: Caffe's ilsvrc_2012_mean.binaryproto, or a .npy [3, S, S] in the network's channel order. */
  readonly meanFile?: string;
  /** Notes for a person (e.g. that a run has no final weights yet and its newest checkpoint is used). */
  readonly log?: (line: string) => void;
}

/**
 * A network with the weights of a file — safetensors (what `save` and
 * `alexnet train` write), a torch.save `.pth` (torchvision's AlexNet) or a
 * `.caffemodel` — of the file's bytes, or of a run folder (its final
 * weights, else its newest checkpoint, with its dataset's classes and mean).
 * The preset, classes and input normalisation come from the file.
 */
export async function loadNetwork(source: string | Uint8Array, options: NodeLoadNetworkOptions = {}): Promise<Network<NodeImage>> {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    if (isRunFolder(source)) return loadRun(source, options);
    try {
      // A safetensors path goes to the loader run folders use (the dataset's classes and mean, a mean file, the
      // embedded subset for mini), which reads the file itself: only its first bytes are read here to tell.
      if (options.classes === undefined && options.mean === undefined && looksLikeSafetensors(await readHead(source, 16))) {
        return (await loadSources('loadNetwork', { weights: [source] }, options)).networks[0];
      }
      bytes = await readFile(source);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!code) throw e;
      throw new OptionError('source', code === 'ENOENT' ? `${source}: no such file; give a .safetensors weights file (alexnet train writes <run>/model.safetensors), a .pth, a .caffemodel or a run folder` : `loadNetwork: cannot read ${source} (${(e as Error).message})`);
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

/**
 * The network of a run folder (what train({ runDir }) and `alexnet train`
 * write): its final weights, else its newest checkpoint (said through
 * `log`), with the classes and mean of the dataset it records.
 */
export async function loadRun(runDir: string, options: Omit<NodeLoadNetworkOptions, 'classes' | 'mean' | 'name'> = {}): Promise<Network<NodeImage>> {
  return (await loadSources('loadRun', { run: runDir }, options)).networks[0];
}

/** The first `n` bytes of a file (fewer if it is shorter). */
async function readHead(path: string, n: number): Promise<Uint8Array> {
  const f = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await f.read(new Uint8Array(n), 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}

/**
 * Several networks whose softmax outputs are averaged (docs/paper.md §6),
 * from safetensors files or run folders of the same preset and classes.
 */
export async function loadEnsemble(sources: readonly string[], options: Omit<NodeLoadNetworkOptions, 'classes' | 'mean' | 'name'> = {}): Promise<Ensemble<NodeImage>> {
  if (!Array.isArray(sources) || sources.length === 0) throw new OptionError('sources', 'loadEnsemble: give a list of weight files or run folders');
  const runs = sources.filter((s) => isRunFolder(s));
  if (runs.length && runs.length !== sources.length) throw new OptionError('sources', 'loadEnsemble: give weight files, or run folders, not both');
  if (runs.length) return new Ensemble((await Promise.all(runs.map((run) => loadSources('loadEnsemble', { run }, options)))).map((r) => r.networks[0]));
  return new Ensemble((await loadSources('loadEnsemble', { weights: sources }, options)).networks);
}

/** What a weights file holds, read without building a network: its metadata (preset, input normalisation, class ids), tensor count and size. */
export async function inspectWeights(source: string | Uint8Array): Promise<{ readonly metadata: Readonly<Record<string, string>>; readonly tensors: number; readonly parameters: number }> {
  const bytes = typeof source === 'string' ? await readFile(source).catch((e: NodeJS.ErrnoException) => {
    throw new OptionError('source', `inspectWeights: cannot read ${source}${e.code === 'ENOENT' ? ': no such file' : ` (${e.message})`}`);
  }) : source;
  const name = typeof source === 'string' ? source : 'weights';
  const file = weightsFileFromBytes(bytes, name, undefined, NODE_PLATFORM as Platform<unknown>);
  return { metadata: file.metadata, tensors: file.tensors.size, parameters: [...file.tensors.values()].reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0) };
}

/** Trains a network on a dataset (docs/paper.md §4): the preset's recipe, your options, progress through callbacks. */
export function train(options: TrainOptions = {}): Promise<TrainResult<NodeImage>> {
  return trainOn(NODE_PLATFORM, options);
}

/** Fine-tunes a network or a weights file on new data: new classifier when the classes differ, optionally frozen layers. */
export function fineTune(options: FineTuneOptions): Promise<TrainResult<NodeImage>> {
  return fineTuneOn(NODE_PLATFORM, options);
}

/** Top-1 and top-5 error of a network or an ensemble on a split of a dataset (docs/paper.md §6), with 1 or 10 views. */
export function evaluate(network: Network<NodeImage> | Ensemble<NodeImage>, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  return evaluateOn(NODE_PLATFORM, network, options);
}

/** Releases the WebGPU device, if one was opened (Dawn keeps Node running while a device lives). */
export async function releaseDevices(): Promise<void> {
  await releaseWebGpuDevice();
}
