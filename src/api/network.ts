// A network as a library user holds it: weights on a backend, the classes
// of its outputs and the preprocessing its weights expect, with the jobs
// people do with one (classify, features, logits, save, export). The
// model underneath is src/models/alexnet.ts; the kernels are the backend's.
import type { AlexNet } from '../models/alexnet.js';
import { buildAlexNet } from '../models/alexnet.js';
import type { Preprocessing } from '../eval/input.js';
import { squareToViews } from '../eval/input.js';
import { centreView, tenViews } from '../data/augment.js';
import { averageViews, softmaxRows, topK } from '../eval/metrics.js';
import { batchedActivations, layerIndex, layerNames } from '../eval/features.js';
import { Tensor } from '../tensor/tensor.js';
import { hostDevice } from '../tensor/device.js';
import { encodeWeights } from '../weights/weights.js';
import { encodeOnnx } from '../export/onnx.js';
import type { Config } from '../config/config.js';
import { forwardMacs, networkMacs } from '../models/cost.js';
import type { Platform } from './platform.js';
import { checkChoice, checkInteger, OptionError, type BackendName, type ClassLabel, type Classification, type ClassifyOptions, type FeatureOptions, type NetworkInfo, type PresetName, type RawImage, type Views } from './types.js';

/** The parts a network is made of (built by createNetwork, loadNetwork and train). */
export interface NetworkParts<I> {
  readonly model: AlexNet;
  readonly backend: BackendName;
  readonly classes: readonly ClassLabel[];
  /**
   * How images become input; an Error where the weights need a mean nobody
   * gave, or a function that finds it on first use (thrown when an image is
   * preprocessed: run, save and toOnnx never need it).
   */
  readonly preprocessing: Preprocessing | Error | (() => Preprocessing);
  /** The configuration the network was made or trained with. */
  readonly config: Config;
  readonly source: string;
  readonly platform: Platform<I>;
  /** Tensors the weights file stored in another float type, by name. */
  readonly converted?: ReadonlyMap<string, string>;
  /** The prepared dataset the network was trained on, where known (evaluate's default). */
  readonly dataDir?: string | null;
}

const parts = new WeakMap<object, NetworkParts<unknown>>();

const resolvedPreprocessing = new WeakMap<object, Preprocessing>();

/** How images become a network's input, found on first use (throws where the weights need a mean nobody gave). */
export function preprocessingOf<I>(n: Network<I>): Preprocessing {
  const known = resolvedPreprocessing.get(n);
  if (known) return known;
  const p = networkParts(n).preprocessing;
  if (p instanceof Error) throw p;
  const r = typeof p === 'function' ? p() : p;
  resolvedPreprocessing.set(n, r);
  return r;
}

/** The parts of a network (for the library's own training and evaluation code). */
export function networkParts<I>(n: Network<I>): NetworkParts<I> {
  const p = parts.get(n);
  if (!p) throw new TypeError('not a network made by createNetwork, loadNetwork or train');
  return p as unknown as NetworkParts<I>;
}

/**
 * An AlexNet with its weights, classes and preprocessing. `I` is what the
 * platform accepts as an image: in Node a file path, encoded JPEG/PNG/WebP
 * bytes or a {@link RawImage}; in browsers also `ImageData`, `ImageBitmap`,
 * canvases, `<img>` elements and `Blob`s.
 *
 * Methods that touch the backend are async; one network runs one call at a
 * time (its layers reuse their buffers), so await each before the next.
 */
export class Network<I> {
  /** @hidden */
  constructor(p: NetworkParts<I>) {
    parts.set(this, p as unknown as NetworkParts<unknown>);
  }

  private get p(): NetworkParts<I> {
    return networkParts(this);
  }

  /** The preset the network was built from. */
  get preset(): PresetName {
    return this.p.model.preset.name as PresetName;
  }

  get backend(): BackendName {
    return this.p.backend;
  }

  /** The classes of the outputs, in output order. */
  get classes(): readonly ClassLabel[] {
    return this.p.classes;
  }

  /** Number of weights and biases. */
  get parameters(): number {
    return this.p.model.size;
  }

  /** The square input side the network takes after cropping. */
  get inputSize(): number {
    return this.p.model.preset.inputSize;
  }

  /** Layer names, input to output (for `features`). */
  get layers(): readonly string[] {
    return layerNames(this.p.model);
  }

  /** What the network is: preset, backend, classes, parameters, input, layers. */
  info(): NetworkInfo {
    const m = this.p.model;
    const shapes = m.net.shapes([1, m.preset.inputChannels, m.preset.inputSize, m.preset.inputSize]);
    return {
      preset: this.preset, backend: this.backend, classes: this.classes.length, parameters: this.parameters,
      inputSize: this.inputSize, input: m.preset.input, source: this.p.source,
      layers: m.net.layers.map((l, i) => ({
        name: l.name, shape: shapes[i].slice(1),
        parameters: l.params().reduce((a, q) => a + q.value.size, 0),
        multiplyAdds: forwardMacs(l, i === 0 ? [1, m.preset.inputChannels, m.preset.inputSize, m.preset.inputSize] : shapes[i - 1]),
      })),
      multiplyAdds: networkMacs(m.net.layers, [1, m.preset.inputChannels, m.preset.inputSize, m.preset.inputSize]),
      description: m.preset.description,
      config: this.p.config,
      converted: Object.fromEntries(this.p.converted ?? []),
    };
  }

  /**
   * The network's input for images, preprocessed as its weights expect
   * (resize, crop, mean and std, channel order): NCHW float32, `views`
   * rows an image.
   */
  async preprocess(images: I | readonly I[], views: Views = 1): Promise<Float32Array> {
    const list = asList(images);
    const v = checkViews('preprocess', views);
    const prep = preprocessingOf(this);
    const { platform } = this.p;
    const p = v === 10 && prep.resize === 'shorter' ? { ...prep, size: prep.resizeTo ?? prep.size, resize: 'square' as const } : prep;
    const crops = v === 10 ? tenViews(p.size, p.cropSize) : [centreView(p.size, p.cropSize)];
    const plane = 3 * p.cropSize * p.cropSize * crops.length;
    const out = new Float32Array(list.length * plane);
    for (const [i, image] of list.entries()) {
      let square: Uint8Array;
      try {
        square = await platform.square(image, p);
      } catch (e) {
        throw new Error(`${platform.describe(image)}: ${(e as Error).message}`, { cause: e });
      }
      out.set(squareToViews(square, p, crops), i * plane);
    }
    return out;
  }

  /**
   * An image as this network's preprocessing resizes it, before the crop
   * and the mean: the S×S RGB square it is shown.
   */
  async square(image: I): Promise<RawImage> {
    const p = preprocessingOf(this);
    return { data: await this.p.platform.square(image, p), width: p.size, height: p.size, channels: 3 };
  }

  /**
   * Logits for preprocessed input (`preprocess`, or your own NCHW float32
   * [batch, 3, inputSize, inputSize]): [batch, classes], row by row.
   */
  async run(input: Float32Array, batch: number): Promise<Float32Array> {
    checkInteger('run', 'batch', batch, 1);
    const s = this.inputSize;
    if (input.length !== batch * 3 * s * s) throw new OptionError('input', `run: input has ${input.length} values; batch ${batch} of [3, ${s}, ${s}] needs ${batch * 3 * s * s}`);
    const m = this.p.model.eval();
    // A copy: the network reuses its output buffer.
    return Float32Array.from(await m.forwardToHost(new Tensor(input, [batch, 3, s, s])));
  }

  /**
   * Softmax probabilities for preprocessed input (`views` rows an image,
   * averaged): one Float64Array of `classes.length` values per image.
   */
  async probabilities(input: Float32Array, images: number, views: Views = 1): Promise<Float64Array[]> {
    const K = this.classes.length;
    // The views' softmax outputs averaged (§4.1), as evaluation averages them.
    const mean = averageViews(softmaxRows(await this.run(input, images * views), images * views, K), images, views, K);
    return Array.from({ length: images }, (_, j) => mean.subarray(j * K, (j + 1) * K));
  }

  /** The top-k classes of one image, best first. */
  classify(image: I, options?: ClassifyOptions): Promise<Classification[]>;
  /** The top-k classes of each image, best first. */
  classify(images: readonly I[], options?: ClassifyOptions): Promise<Classification[][]>;
  async classify(images: I | readonly I[], options: ClassifyOptions = {}): Promise<Classification[] | Classification[][]> {
    const views = checkViews('classify', options.views ?? 1);
    const k = checkInteger('classify', 'topK', options.topK ?? 5, 1, this.classes.length);
    const batch = checkInteger('classify', 'batchSize', options.batchSize ?? 32, 1);
    const list = asList(images);
    const out: Classification[][] = [];
    for (let i = 0; i < list.length; i += batch) {
      const chunk = list.slice(i, i + batch);
      for (const p of await this.probabilities(await this.preprocess(chunk, views), chunk.length, views)) out.push(topClasses(p, this.classes, k));
    }
    return Array.isArray(images) ? out : out[0];
  }

  /**
   * Like `classify` for many images, but an image that cannot be read or
   * decoded gives `{ image, error }` instead of failing the others.
   */
  async classifyEach(images: readonly I[], options: ClassifyOptions = {}): Promise<ClassifyOutcome<I>[]> {
    return classifyEachWith(this, [this], images, options);
  }

  /**
   * Activations of a layer for preprocessed input (NCHW float32, `batch`
   * images), [batch, …] flattened row by row; `fc8` gives the logits. The
   * network runs `batchSize` images at a time (default 32).
   */
  async activations(input: Float32Array, batch: number, layer: string, options: { readonly batchSize?: number } = {}): Promise<Float32Array> {
    layerIndex(this.p.model, layer);
    const per = checkInteger('activations', 'batchSize', options.batchSize ?? 32, 1);
    const s = this.inputSize;
    if (input.length !== batch * 3 * s * s) throw new OptionError('input', `activations: input has ${input.length} values; batch ${batch} of [3, ${s}, ${s}] needs ${batch * 3 * s * s}`);
    return (await batchedActivations(this.p.model, new Tensor(input, [batch, 3, s, s]), layer, per)).data;
  }

  /** One image's activations of a layer (default fc7), flattened. */
  features(image: I, options?: FeatureOptions): Promise<Float32Array>;
  /** Each image's activations of a layer (default fc7), flattened. */
  features(images: readonly I[], options?: FeatureOptions): Promise<Float32Array[]>;
  async features(images: I | readonly I[], options: FeatureOptions = {}): Promise<Float32Array | Float32Array[]> {
    const layer = options.layer ?? 'fc7';
    layerIndex(this.p.model, layer);
    const batch = checkInteger('features', 'batchSize', options.batchSize ?? 32, 1);
    const list = asList(images);
    const out: Float32Array[] = [];
    for (let i = 0; i < list.length; i += batch) {
      const chunk = list.slice(i, i + batch);
      const a = await this.activations(await this.preprocess(chunk), chunk.length, layer, { batchSize: batch });
      const per = a.length / chunk.length;
      for (let j = 0; j < chunk.length; j++) out.push(a.slice(j * per, (j + 1) * per));
    }
    return Array.isArray(images) ? out : out[0];
  }

  /** The weights as a safetensors file (with preset, input normalisation and class ids), which `loadNetwork` reads. */
  async toSafetensors(): Promise<Uint8Array> {
    const m = this.p.model;
    return encodeWeights(m, { classes: JSON.stringify(this.classes.map((c) => c.id)), format: 'pt' }, await m.hostStateDict());
  }

  /** The inference graph with its weights as an ONNX model (opset 13; logits out, dropout at its test-time setting). */
  async toOnnx(options: { readonly batch?: number | 'dynamic' } = {}): Promise<Uint8Array> {
    const m = this.p.model;
    let host = m;
    if (m.device !== hostDevice) {
      host = buildAlexNet(m.preset, hostDevice);
      host.loadStateDict(await m.hostStateDict());
    }
    const chunks = encodeOnnx(host, { batch: options.batch ?? 'dynamic' });
    const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  /** Writes `toSafetensors()` to a file, atomically (Node). */
  async save(path: string): Promise<void> {
    const w = this.p.platform.writeFile;
    if (!w) throw new Error(`save: there are no files in the ${this.p.platform.name}; use toSafetensors() and keep the bytes`);
    await w(path, await this.toSafetensors());
  }

  /** Writes `toOnnx()` to a file, atomically (Node). */
  async exportOnnx(path: string, options: { readonly batch?: number | 'dynamic' } = {}): Promise<void> {
    const w = this.p.platform.writeFile;
    if (!w) throw new Error(`exportOnnx: there are no files in the ${this.p.platform.name}; use toOnnx() and keep the bytes`);
    await w(path, await this.toOnnx(options));
  }
}

/** One image's classification, or why it could not be read. */
export type ClassifyOutcome<I> = { readonly image: I; readonly top: Classification[] } | { readonly image: I; readonly error: string };

function topClasses(p: Float64Array, classes: readonly ClassLabel[], k: number): Classification[] {
  return topK(p, 0, classes.length, k).map((index) => ({ index, label: classes[index].name, id: classes[index].id, probability: p[index] }));
}

/** classifyEach for one network or an ensemble (softmax averaged over `members`, §6). */
async function classifyEachWith<I>(first: Network<I>, members: readonly Network<I>[], images: readonly I[], options: ClassifyOptions): Promise<ClassifyOutcome<I>[]> {
  const views = checkViews('classifyEach', options.views ?? 1);
  const k = checkInteger('classifyEach', 'topK', options.topK ?? 5, 1, first.classes.length);
  const batch = checkInteger('classifyEach', 'batchSize', options.batchSize ?? 32, 1);
  const out: ClassifyOutcome<I>[] = new Array(images.length);
  const ok: number[] = [];
  const rows: Float32Array[] = [];
  for (const [i, image] of images.entries()) {
    try {
      rows.push(await first.preprocess(image, views));
      ok.push(i);
    } catch (e) {
      out[i] = { image, error: ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message };
    }
  }
  for (let b = 0; b < ok.length; b += batch) {
    const idx = ok.slice(b, b + batch);
    const input = new Float32Array(rows[0].length * idx.length);
    idx.forEach((_, j) => input.set(rows[b + j], j * rows[0].length));
    const sums = idx.map(() => new Float64Array(first.classes.length));
    for (const m of members) {
      const probs = await m.probabilities(input, idx.length, views);
      probs.forEach((p, j) => p.forEach((v, c) => (sums[j][c] += v / members.length)));
    }
    idx.forEach((i, j) => (out[i] = { image: images[i], top: topClasses(sums[j], first.classes, k) }));
  }
  return out;
}

/**
 * Networks whose softmax outputs are averaged (docs/paper.md §6: the
 * paper's ensembles of five and seven CNNs). Every member has the same
 * classes and input.
 */
export class Ensemble<I> {
  constructor(readonly networks: readonly Network<I>[]) {
    if (networks.length === 0) throw new OptionError('networks', 'an ensemble needs at least one network');
    const [a] = networks;
    for (const n of networks) {
      if (n.inputSize !== a.inputSize || n.classes.length !== a.classes.length || n.classes.some((c, i) => c.id !== a.classes[i].id)) {
        throw new OptionError('networks', 'an ensemble averages outputs class by class: every network needs the same classes in the same order, and the same input size');
      }
    }
  }

  get classes(): readonly ClassLabel[] {
    return this.networks[0].classes;
  }

  get preset(): PresetName {
    return this.networks[0].preset;
  }

  /** The top-k classes of each image, the members' softmax outputs averaged. */
  async classify(images: readonly I[], options: ClassifyOptions = {}): Promise<Classification[][]> {
    const r = await this.classifyEach(images, options);
    return r.map((o) => {
      if ('error' in o) throw new Error(o.error);
      return o.top;
    });
  }

  /** As Network.classifyEach, the members' softmax outputs averaged. */
  classifyEach(images: readonly I[], options: ClassifyOptions = {}): Promise<ClassifyOutcome<I>[]> {
    return classifyEachWith(this.networks[0], this.networks, images, options);
  }
}

function asList<I>(images: I | readonly I[]): readonly I[] {
  return Array.isArray(images) ? images as readonly I[] : [images as I];
}

function checkViews(where: string, views: unknown): Views {
  if (views !== 1 && views !== 10) throw new OptionError('views', `${where}: option 'views' must be 1 (the centre crop) or 10 (the paper's ten views), got ${JSON.stringify(views)}`);
  return views;
}
