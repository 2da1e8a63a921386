// Making networks: a preset with freshly initialised weights (seeded, as
// training starts), or weights from a file's bytes (safetensors, a torch.save
// .pth, a .caffemodel) with the preset, classes and input normalisation the
// file records. Platform-neutral: the entries add files and defaults.
import '../backend/reference/index.js';
import { applyOverrides, configuredPreset, resolveConfig, type Config, type Json, type ModelOptions } from '../config/config.js';
import { buildAlexNet, initAlexNet, type AlexNet } from '../models/alexnet.js';
import { Rng } from '../tensor/random.js';
import { RNG_STREAMS } from '../train/session.js';
import { FASHION_MNIST_CLASSES, ilsvrc2012Classes } from '../data/classes.js';
import { decodeSafetensors, type SafetensorsFile } from '../io/safetensors.js';
import { applyWeights } from '../weights/weights.js';
import { decodePublishedWeights, type PublishedWeights } from '../weights/published.js';
import { nameIds, weightsConfig } from '../weights/weights-config.js';
import { fixedPreprocessing, preprocessingFromDataset, type DatasetMean, type Preprocessing } from '../eval/input.js';
import type { InputSpec } from '../data/types.js';
import type { Preset } from '../models/presets.js';
import { Network } from './network.js';
import type { Platform } from './platform.js';
import { BACKEND_NAMES, checkChoice, checkInteger, OptionError, PRESET_NAMES, type BackendName, type ClassLabel, type NetworkInfo, type PresetName } from './types.js';

/** ImageNet's per-channel mean (RGB, 0–255): the input mean of a fresh network whose preset has no fixed one. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485 * 255, 0.456 * 255, 0.406 * 255];

export interface CreateNetworkOptions {
  /** Default 'paper'. */
  readonly preset?: PresetName;
  /** Seed of the initialisation (default 1): the same seed gives the same weights on every backend, as `train` starts. */
  readonly seed?: number;
  /** The output classes: a count, or their labels (ids, or { id, name }). Default: the preset's (ImageNet's 1000, or Fashion-MNIST's 10 for the 28×28 presets). */
  readonly classes?: number | readonly (string | ClassLabel)[];
  /** Default: the platform's fastest (Node: native, else reference; browsers: webgpu, else reference). */
  readonly backend?: BackendName;
  /** The paper's ambiguities and ablations (docs/paper.md §7), e.g. { lrnK: 1, columns: 1 }. */
  readonly model?: Partial<ModelOptions>;
  /**
   * The input mean (RGB, 0–255) where the preset has no fixed one (paper,
   * mini: they subtract their training set's mean, which a fresh network
   * lacks). Default: ImageNet's per-channel mean.
   */
  readonly mean?: readonly [number, number, number];
  /**
   * A whole resolved configuration (resolveConfig; a run's config.json):
   * its preset, seed and model keys. Other options, if given, override it.
   */
  readonly config?: Config;
}

export interface LoadNetworkOptions {
  /** The preset where the file does not record one (a PyTorch state dict with conv1… names: paper or caffe). */
  readonly preset?: PresetName;
  readonly backend?: BackendName;
  /** Names the file in errors (default: the path, or 'weights' for bytes). */
  readonly name?: string;
  /** The input mean (RGB, 0–255) for weights trained with a dataset's mean (paper, mini) when no dataset is given. */
  readonly mean?: readonly [number, number, number];
  /** Output class labels, overriding what the file records. */
  readonly classes?: readonly (string | ClassLabel)[];
}

/** Checks the options every maker shares; returns the preset name. */
function checkCommon(where: string, o: { readonly preset?: unknown; readonly backend?: unknown; readonly mean?: unknown }): void {
  if (o.preset !== undefined) checkChoice(where, 'preset', o.preset, PRESET_NAMES);
  if (o.backend !== undefined) checkChoice(where, 'backend', o.backend, BACKEND_NAMES);
  if (o.mean !== undefined && !(Array.isArray(o.mean) && o.mean.length === 3 && o.mean.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    throw new OptionError('mean', `${where}: option 'mean' must be three numbers [r, g, b] (0–255), got ${JSON.stringify(o.mean)}`);
  }
}

/** Labels for `n` outputs: the given ones, else ImageNet's for 1000, Fashion-MNIST's for a 28×28 preset's 10, else the indices. */
export function classLabels(where: string, n: number, given: readonly (string | ClassLabel)[] | null, inputSize: number): ClassLabel[] {
  if (given) {
    if (given.length !== n) throw new OptionError('classes', `${where}: option 'classes' lists ${given.length} labels but the network has ${n} outputs`);
    return given.map((c) => (typeof c === 'string' ? { id: c, name: c } : { id: c.id, name: c.name }));
  }
  if (n === 1000) return ilsvrc2012Classes().map((c) => ({ id: c.id, name: c.name }));
  if (n === 10 && inputSize === 28) return FASHION_MNIST_CLASSES.map((c) => ({ ...c }));
  return Array.from({ length: n }, (_, i) => ({ id: String(i), name: String(i) }));
}

/** The preprocessing of an input spec, its mean given where it has none. */
export function inputPreprocessing(input: InputSpec, cropSize: number, mean: readonly [number, number, number] | undefined): Preprocessing {
  const m = input.mean ?? mean;
  if (!m) throw new Error('no input mean');
  return fixedPreprocessing({ ...input, mean: [m[0], m[1], m[2]] }, cropSize);
}

async function onBackend<I>(platform: Platform<I>, where: string, backend: BackendName | undefined, preset: Preset): Promise<{ model: AlexNet; backend: BackendName }> {
  const opened = await platform.openBackend(backend, where);
  const model = buildAlexNet(preset, opened.device);
  model.net.hostBackend = opened.hostKernels;
  return { model: model.eval(), backend: opened.backend };
}

/** A network of a preset with initialised weights (docs/paper.md §3: the preset's Gaussian weights and constant biases). */
export async function createNetworkOn<I>(platform: Platform<I>, options: CreateNetworkOptions = {}, initialise = true, where = 'createNetwork'): Promise<Network<I>> {
  checkCommon(where, options);
  const seed = checkInteger(where, 'seed', options.seed ?? options.config?.seed ?? 1, 0);
  const labels = typeof options.classes === 'object' ? options.classes : null;
  const count = typeof options.classes === 'number' ? checkInteger(where, 'classes', options.classes, 1) : labels?.length;
  const pairs: [string, Json][] = [['seed', seed], ...Object.entries(options.model ?? {}).map(([k, v]) => [`model.${k}`, v as Json] as [string, Json])];
  if (count !== undefined) pairs.push(['model.classes', count]);
  const base = options.config;
  if (base && options.preset !== undefined && options.preset !== base.preset) throw new OptionError('preset', `${where}: option 'preset' (${options.preset}) differs from the config's (${base.preset})`);
  const config = base ? applyOverrides(base, options.seed === undefined ? pairs.slice(1) : pairs) : resolveConfig(options.preset ?? 'paper', pairs);
  const preset = configuredPreset(config);
  const { model, backend } = await onBackend(platform, where, options.backend, preset);
  if (initialise) initAlexNet(model, new Rng(seed, RNG_STREAMS.init));
  return new Network({
    model, backend, config, platform,
    classes: classLabels(where, preset.classes, labels, preset.inputSize),
    preprocessing: inputPreprocessing(preset.input, preset.inputSize, options.mean ?? IMAGENET_MEAN),
    source: initialise ? `preset ${preset.name}, initialised with seed ${seed}` : `preset ${preset.name}, not initialised`,
  });
}

/** What a preset's network is (layers, shapes, parameters, multiply-adds, config) without drawing its weights. */
export async function describeNetworkOn<I>(platform: Platform<I>, options: Omit<CreateNetworkOptions, 'backend' | 'seed' | 'mean'> = {}): Promise<NetworkInfo> {
  return (await createNetworkOn(platform, { ...options, backend: 'reference' }, false, 'describeNetwork')).info();
}

/** True for bytes that start like a safetensors file (an 8-byte header length, then a JSON object). */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  return bytes.length >= 9 && bytes[8] === 0x7b && bytes[6] === 0 && bytes[7] === 0;
}

/** A weights file's bytes as a parsed safetensors file: published formats are converted first. */
export function weightsFileFromBytes(bytes: Uint8Array, name: string, preset: PresetName | undefined, platform: Platform<unknown>): SafetensorsFile {
  return readWeightsBytes(bytes, name, preset, platform).file;
}

function readWeightsBytes(bytes: Uint8Array, name: string, preset: PresetName | undefined, platform: Platform<unknown>): { file: SafetensorsFile; published: PublishedWeights | null } {
  if (looksLikeSafetensors(bytes)) return { file: decodeSafetensors(bytes, name), published: null };
  const w = decodePublishedWeights(bytes, name, { preset, inflateRaw: platform.inflateRaw });
  // The converted float32 tensors as a parsed file, as `alexnet convert` would write and read them back.
  const tensors = new Map([...w.tensorData].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.data }]));
  return { file: { tensors, metadata: { ...w.metadata } }, published: w };
}

/**
 * A network with the weights of a file's bytes. `preprocessing` is the
 * dataset's, where the caller has the dataset the weights were trained on.
 */
export async function loadNetworkOn<I>(platform: Platform<I>, bytes: Uint8Array, options: LoadNetworkOptions & { readonly dataset?: DatasetMean & { readonly classes: readonly ClassLabel[] }; readonly config?: Config } = {}): Promise<Network<I>> {
  const where = 'loadNetwork';
  checkCommon(where, options);
  const name = options.name ?? 'weights';
  const { file: parsed, published } = readWeightsBytes(bytes, name, options.preset, platform as Platform<unknown>);
  const derived = weightsConfig(parsed, name, { preset: options.preset, withData: options.dataset !== undefined });
  const ids = derived.ids;
  // A run's own config, where the caller has it (its mean mode, input): else what the file implies.
  const config = options.config ?? derived.config;
  const preset = configuredPreset(config, ids?.length);
  const dataset = options.dataset;
  let preprocessing: Preprocessing | Error;
  if (dataset) preprocessing = preprocessingFromDataset(dataset, preset.inputSize, config.data.mean, config.data.input);
  else {
    const input = config.data.input ?? preset.input;
    preprocessing = !input.mean && !options.mean
      // Only images need the mean: run, save and toOnnx work without it.
      ? new OptionError('mean', `${name} holds ${preset.name} weights, which expect their training set's mean subtracted: load them with option 'data' (the prepared dataset they were trained on) or 'mean' ([r, g, b], 0–255)`)
      : inputPreprocessing(input, preset.inputSize, options.mean);
  }
  const { model, backend } = await onBackend(platform, where, options.backend, preset);
  const report = applyWeights(model, parsed, name);
  const wordnet = ids?.some((id) => /^n\d{8}$/.test(id)) ?? false;
  const classes = options.classes
    ? classLabels(where, preset.classes, options.classes, preset.inputSize)
    : ids ? nameIds(ids, dataset?.classes ?? null, wordnet ? ilsvrc2012Classes() : [])
      : dataset && dataset.classes.length === preset.classes ? dataset.classes.map((c) => ({ id: c.id, name: c.name }))
        : classLabels(where, preset.classes, null, preset.inputSize);
  if (classes.length !== preset.classes) throw new Error(`${name}: records ${classes.length} classes but fc8 has ${preset.classes} outputs`);
  // A converted .pth reports its own dtype changes (decodePublishedWeights); safetensors ones come from applyWeights.
  const converted = new Map<string, string>([...(published?.converted ?? []), ...report.converted]);
  return new Network({ model, backend, config: config as Config, platform, classes, preprocessing, source: name, converted });
}
