// A network as a library user holds it: weights on a backend, the classes
// of its outputs and the preprocessing its weights expect, with the jobs
// people do with one (classify, features, logits, save, export). The
// model underneath is src/models/alexnet.ts; the kernels are the backend's.
import type { AlexNet } from '../models/alexnet.js';
import { buildAlexNet } from '../models/alexnet.js';
import type { Preprocessing } from '../eval/input.js';
import { squareToViews } from '../eval/input.js';
import { centreView, tenViews } from '../data/augment.js';
import { softmaxRows, topK } from '../eval/metrics.js';
import { layerActivations, layerNames } from '../eval/features.js';
import { Tensor } from '../tensor/tensor.js';
import { hostDevice } from '../tensor/device.js';
import { encodeWeights } from '../io/weights.js';
import { encodeOnnx } from '../export/onnx.js';
import type { Config } from '../config/config.js';
import type { Platform } from './platform.js';
import { checkChoice, checkInteger, OptionError, type BackendName, type ClassLabel, type Classification, type ClassifyOptions, type FeatureOptions, type NetworkInfo, type PresetName, type Views } from './types.js';

/** The parts a network is made of (built by createNetwork, loadNetwork and train). */
export interface NetworkParts<I> {
  readonly model: AlexNet;
  readonly backend: BackendName;
  readonly classes: readonly ClassLabel[];
  readonly preprocessing: Preprocessing;
  /** The configuration the network was made or trained with. */
  readonly config: Config;
  readonly source: string;
  readonly platform: Platform<I>;
}

const parts = new WeakMap<Network<never>, NetworkParts<never>>();

/** The parts of a network (for the library's own training and evaluation code). */
export function networkParts<I>(n: Network<I>): NetworkParts<I> {
  const p = parts.get(n as Network<never>);
  if (!p) throw new TypeError('not a network made by createNetwork, loadNetwork or train');
  return p as NetworkParts<I>;
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
    parts.set(this as Network<never>, p as NetworkParts<never>);
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
      layers: m.net.layers.map((l, i) => ({ name: l.name, shape: shapes[i].slice(1) })),
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
    const { preprocessing: prep, platform } = this.p;
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

  /** The top-k classes of one image, best first. */
  classify(image: I, options?: ClassifyOptions): Promise<Classification[]>;
  /** The top-k classes of each image, best first. */
  classify(images: readonly I[], options?: ClassifyOptions): Promise<Classification[][]>;
  async classify(images: I | readonly I[], options: ClassifyOptions = {}): Promise<Classification[] | Classification[][]> {
    const views = checkViews('classify', options.views ?? 1);
    const k = checkInteger('classify', 'topK', options.topK ?? 5, 1, this.classes.length);
    const batch = checkInteger('classify', 'batchSize', options.batchSize ?? 32, 1);
    const list = asList(images);
    const K = this.classes.length;
    const out: Classification[][] = [];
    for (let i = 0; i < list.length; i += batch) {
      const chunk = list.slice(i, i + batch);
      const logits = await this.run(await this.preprocess(chunk, views), chunk.length * views);
      const probs = softmaxRows(logits, chunk.length * views, K);
      for (let j = 0; j < chunk.length; j++) {
        // The views' softmax outputs averaged (§4.1).
        const mean = new Float64Array(K);
        for (let v = 0; v < views; v++) for (let c = 0; c < K; c++) mean[c] += probs[(j * views + v) * K + c] / views;
        out.push(topK(mean, 0, K, k).map((index) => ({ index, label: this.classes[index].name, id: this.classes[index].id, probability: mean[index] })));
      }
    }
    return Array.isArray(images) ? out : out[0];
  }

  /** One image's activations of a layer (default fc7), flattened. */
  features(image: I, options?: FeatureOptions): Promise<Float32Array>;
  /** Each image's activations of a layer (default fc7), flattened. */
  features(images: readonly I[], options?: FeatureOptions): Promise<Float32Array[]>;
  async features(images: I | readonly I[], options: FeatureOptions = {}): Promise<Float32Array | Float32Array[]> {
    const layer = options.layer ?? 'fc7';
    if (!this.layers.includes(layer)) checkChoice('features', 'layer', layer, this.layers);
    const batch = checkInteger('features', 'batchSize', options.batchSize ?? 32, 1);
    const list = asList(images);
    const s = this.inputSize;
    const out: Float32Array[] = [];
    for (let i = 0; i < list.length; i += batch) {
      const chunk = list.slice(i, i + batch);
      const x = new Tensor(await this.preprocess(chunk), [chunk.length, 3, s, s]);
      const t = await layerActivations(this.p.model, x, layer);
      const per = t.size / chunk.length;
      for (let j = 0; j < chunk.length; j++) out.push(t.data.slice(j * per, (j + 1) * per));
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

function asList<I>(images: I | readonly I[]): readonly I[] {
  return Array.isArray(images) ? images as readonly I[] : [images as I];
}

function checkViews(where: string, views: unknown): Views {
  if (views !== 1 && views !== 10) throw new OptionError('views', `${where}: option 'views' must be 1 (the centre crop) or 10 (the paper's ten views), got ${JSON.stringify(views)}`);
  return views;
}
