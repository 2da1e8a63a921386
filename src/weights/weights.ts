// Network weights as safetensors files, by the preset's state-dict names
// (`conv1.weight` … for paper/caffe, `features.0.weight` … for torchvision),
// so a torchvision AlexNet state dict saved with safetensors loads as is
// (docs/weights.md). Loading is strict and reports every problem at once.
// Pure (the browser app loads and saves weights with it); files: weights-file.ts.
import type { AlexNet } from '../models/alexnet.js';
import { loadStateDict, stateDict } from '../nn/state.js';
import type { Tensor } from '../tensor/tensor.js';
import { bf16ToF32, f16ToF32 } from '../io/halffloat.js';
import { encodeSafetensors, type SafetensorsEntry, type SafetensorsFile } from '../io/safetensors.js';

/** Metadata key that records which preset wrote a file. */
export const PRESET_KEY = 'preset';
/** Metadata key of the input normalisation the weights expect (InputSpec as JSON: order, mean, std, resize). */
export const INPUT_KEY = 'input';

export interface LoadWeightsOptions {
  /**
   * Load a file whose metadata names another preset. Off by default: paper
   * and caffe have identical shapes, so only the name tells their weights apart.
   */
  readonly allowPresetMismatch?: boolean;
}

export interface LoadWeightsReport {
  /** Tensor names loaded, in the network's order. */
  readonly loaded: readonly string[];
  /** Tensors that were stored in another float type and widened or rounded to float32, by name. */
  readonly converted: ReadonlyMap<string, 'F16' | 'BF16' | 'F64'>;
  readonly metadata: Readonly<Record<string, string>>;
}

export class WeightsError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'WeightsError';
  }
}

/** float32 values of one stored tensor; null for a non-float dtype. */
function toFloat32(e: SafetensorsEntry): Float32Array | null {
  switch (e.dtype) {
    case 'F32': return e.data as Float32Array;
    case 'F64': return Float32Array.from(e.data as Float64Array);
    case 'F16': return f16ToF32(e.data as Uint16Array);
    case 'BF16': return bf16ToF32(e.data as Uint16Array);
    default: return null;
  }
}

/** The float32 tensors of a parsed file; integer or boolean tensors are an error, all named at once. */
export function weightTensors(file: SafetensorsFile, source: string): { tensors: Map<string, { shape: readonly number[]; data: Float32Array }>; converted: Map<string, 'F16' | 'BF16' | 'F64'> } {
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  const converted = new Map<string, 'F16' | 'BF16' | 'F64'>();
  const wrong: string[] = [];
  for (const [name, e] of file.tensors) {
    const data = toFloat32(e);
    if (data === null) {
      wrong.push(`${name} (${e.dtype})`);
      continue;
    }
    if (e.dtype !== 'F32') converted.set(name, e.dtype as 'F16' | 'BF16' | 'F64');
    tensors.set(name, { shape: e.shape, data });
  }
  if (wrong.length) throw new WeightsError(source, `weights must be F32, F16, BF16 or F64; not floating point: ${wrong.join(', ')}`);
  return { tensors, converted };
}

/** loadWeights for a file already parsed (e.g. to read its preset first); `file` names it in errors. */
export function applyWeights(model: AlexNet, parsed: SafetensorsFile, file: string, options: LoadWeightsOptions = {}): LoadWeightsReport {
  const saved = parsed.metadata[PRESET_KEY];
  if (saved !== undefined && saved !== model.preset.name && !options.allowPresetMismatch) {
    throw new WeightsError(file, `saved from preset '${saved}', but the network is '${model.preset.name}'`);
  }
  const { tensors, converted } = weightTensors(parsed, file);
  const report = loadStateDict(model.net, tensors, { source: file });
  return { loaded: report.loaded, converted, metadata: parsed.metadata };
}

/** The parameters as F32 safetensors bytes, recording the preset and its input normalisation (plus `metadata`); `weights` must be host tensors. */
export function encodeWeights(model: AlexNet, metadata: Readonly<Record<string, string>> = {}, weights: ReadonlyMap<string, Tensor> = stateDict(model.net)): Uint8Array {
  const tensors = [...weights].map(([name, t]) => [name, { shape: t.shape, data: t.data }] as [string, { shape: readonly number[]; data: Float32Array }]);
  return encodeSafetensors(tensors, { [INPUT_KEY]: JSON.stringify(model.preset.input), ...metadata, [PRESET_KEY]: model.preset.name });
}
