// The public API's vocabulary: what a user names, passes and gets back.
// Platform-neutral (no Node or DOM types), so both entries share it.
import type { InputSpec } from '../data/types.js';
import type { Config } from '../config/config.js';
import type { PresetName } from '../models/presets.js';

export { PRESET_NAMES, type PresetName } from '../models/presets.js';

/**
 * Where a network computes: `native` (C++ kernels, Node), `webgpu` (a GPU
 * through WebGPU: browsers, or Node's `webgpu` package), `reference` (the
 * readable TypeScript kernels: slow, everywhere).
 */
export type BackendName = 'native' | 'webgpu' | 'reference';

export const BACKEND_NAMES: readonly BackendName[] = ['native', 'webgpu', 'reference'];

/**
 * Decoded pixels, row-major and interleaved: `channels` values a pixel
 * (1: grey, 3: RGB, 4: RGBA, alpha flattened over white), 0–255.
 */
export interface RawImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** Default: data.length / (width × height). */
  readonly channels?: 1 | 3 | 4;
}

/** One class of a network's output. */
export interface ClassLabel {
  /** The class id: a WordNet id (`n01440764`) for ImageNet, a folder name for an image folder. */
  readonly id: string;
  /** A readable name (`tench`). */
  readonly name: string;
}

/** One class of a classification, best first. */
export interface Classification {
  /** Output index. */
  readonly index: number;
  /** The class's readable name. */
  readonly label: string;
  readonly id: string;
  /** Softmax probability (averaged over the views with `views: 10`). */
  readonly probability: number;
}

/**
 * Views of an image the network sees (docs/paper.md §4.1): 1, the centre
 * crop; 10, the four corner crops and the centre crop and their mirror
 * images, softmax averaged.
 */
export type Views = 1 | 10;

export interface ClassifyOptions {
  /** Classes returned per image (default 5). */
  readonly topK?: number;
  /** Default 1 (centre crop). */
  readonly views?: Views;
  /** Images per forward pass (default 32). */
  readonly batchSize?: number;
}

export interface FeatureOptions {
  /** The layer whose output is returned (default 'fc7', the paper's §6.1 feature); `Network.layers` lists them. */
  readonly layer?: string;
  /** Images per forward pass (default 32). */
  readonly batchSize?: number;
}

/** What a network is. */
export interface NetworkInfo {
  readonly preset: PresetName;
  readonly backend: BackendName;
  /** Output classes (fc8's width). */
  readonly classes: number;
  readonly parameters: number;
  /** The square input side after cropping (224, 227 or 28). */
  readonly inputSize: number;
  /** How an image becomes the input: channel order, mean and std, resize rule. */
  readonly input: InputSpec;
  /** The layers, input to output: each one's output shape, weights and multiply-adds for one image. */
  readonly layers: readonly { readonly name: string; readonly shape: readonly number[]; readonly parameters: number; readonly multiplyAdds: number }[];
  /** Forward multiply-adds for one image (the paper network: 724,406,816, docs/paper.md §1). */
  readonly multiplyAdds: number;
  /** The preset's one-line description. */
  readonly description: string;
  /** The resolved configuration (preset, seed, model, train and data keys: what config.json records). */
  readonly config: Config;
  /** Where the weights came from (a file, a preset's initialisation, a training run). */
  readonly source: string;
  /** Tensors the file stored in another float type (F16, BF16, F64), widened or rounded to float32, by name. */
  readonly converted: Readonly<Record<string, string>>;
}

export type { InputSpec } from '../data/types.js';

/**
 * A bad argument to an API function: the message names the function and
 * the option, and says what would be accepted.
 */
export class OptionError extends TypeError {
  constructor(readonly option: string, message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/** Throws an OptionError unless `value` is one of `choices`. */
export function checkChoice<T extends string>(where: string, option: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new OptionError(option, `${where}: option '${option}' must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Throws an OptionError unless `value` is an integer in [min, max]. */
export function checkInteger(where: string, option: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionError(option, `${where}: option '${option}' must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${JSON.stringify(value)}`);
  }
  return value;
}
