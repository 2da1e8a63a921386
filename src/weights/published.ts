// Published weights (a torch.save file, a .caffemodel) read from bytes into
// our tensors, without Python, in Node and in browsers. Tensors are copied
// bit for bit as float32; names are checked against the preset (every
// unknown or missing one reported at once) and, unless told otherwise,
// shapes too, so a file that converts also loads. The metadata records the
// preset and its input normalisation, so the weights need neither a preset
// nor a dataset to classify. Files: convert.ts.
import { configuredPreset, defaultConfig } from '../config/config.js';
import { buildAlexNet } from '../models/alexnet.js';
import { getPreset, PRESETS, type Preset } from '../models/presets.js';
import { readCaffeModel } from '../io/caffemodel.js';
import { readTorchStateDict } from '../io/torch-file.js';
import { looksLikeZip, type InflateRaw } from '../io/zip.js';
import { INPUT_KEY, PRESET_KEY } from './weights.js';

export class ConvertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConvertError';
  }
}

export type SourceFormat = 'torch' | 'caffe';

export interface ConvertOptions {
  /** The preset where the input does not tell (a torch file with conv1… names: paper or caffe). */
  readonly preset?: string;
  /** Check shapes against the preset (default true); names are always checked. */
  readonly checkShapes?: boolean;
  /** Inflates deflated zip entries (node:zlib in Node; torch.save itself never deflates). */
  readonly inflateRaw?: InflateRaw;
}

export interface ConvertResult {
  readonly format: SourceFormat;
  readonly preset: string;
  readonly tensors: number;
  readonly parameters: number;
  /** Tensors stored in another float type (widened or rounded to float32), by name. */
  readonly converted: ReadonlyMap<string, string>;
  /** Where the state dict was inside a torch checkpoint ('' for the whole file). */
  readonly path: string;
}

export type Tensors = Map<string, { shape: readonly number[]; data: Float32Array }>;

/** The state-dict names of a preset, with the kind of layer each belongs to. */
function presetNames(preset: Preset): Map<string, { layer: string; kind: 'conv' | 'linear'; param: 'weight' | 'bias' }> {
  const out = new Map<string, { layer: string; kind: 'conv' | 'linear'; param: 'weight' | 'bias' }>();
  for (const l of preset.layers) {
    if (l.kind !== 'conv' && l.kind !== 'linear') continue;
    for (const param of ['weight', 'bias'] as const) out.set(`${l.stateName}.${param}`, { layer: l.name, kind: l.kind, param });
  }
  return out;
}

function detectFormat(bytes: Uint8Array, file: string): SourceFormat {
  if (looksLikeZip(bytes)) return 'torch';
  if (/\.caffemodel$/i.test(file)) return 'caffe';
  if (bytes.length >= 2 && bytes[0] === 0x80) return 'torch'; // pickles back to back: torch.save's legacy format
  // A NetParameter starts with field 1 (name, 0x0a) or 2/100 (layers).
  if (bytes[0] === 0x0a || bytes[0] === 0x12 || (bytes[0] === 0xa2 && bytes[1] === 0x06)) return 'caffe';
  throw new ConvertError(`${file}: neither a torch.save file (zip) nor a .caffemodel; give PyTorch's .pth/.pt or Caffe's .caffemodel`);
}

function torchTensors(bytes: Uint8Array, file: string, inflateRaw?: InflateRaw): { tensors: Tensors; converted: Map<string, string>; path: string } {
  const sd = readTorchStateDict(bytes, file, inflateRaw);
  const tensors: Tensors = new Map();
  const converted = new Map<string, string>();
  for (const [name, t] of sd.tensors) {
    tensors.set(name, { shape: t.shape, data: t.data });
    if (t.dtype !== 'F32') converted.set(name, t.dtype);
  }
  return { tensors, converted, path: sd.path };
}

/** Caffe layers with blobs → `<layer>.weight`, `<layer>.bias` of the preset, legacy 4-D shapes reduced to the layer's rank. */
function caffeTensors(bytes: Uint8Array, file: string, preset: Preset): Tensors {
  const net = readCaffeModel(bytes, file);
  const byLayer = new Map([...presetNames(preset)].filter(([, v]) => v.param === 'weight').map(([, v]) => [v.layer, v.kind]));
  const tensors: Tensors = new Map();
  const unknown: string[] = [];
  for (const layer of net.layers) {
    if (layer.blobs.length === 0) continue;
    const kind = byLayer.get(layer.name);
    if (!kind) {
      unknown.push(`${layer.name || '(unnamed)'} (${layer.blobs.length} blobs)`);
      continue;
    }
    if (layer.blobs.length !== 2) throw new ConvertError(`${file}: layer ${layer.name} has ${layer.blobs.length} blobs; expected 2 (weights and biases)`);
    const rank = (k: number) => (k === 1 ? 1 : kind === 'conv' ? 4 : 2);
    layer.blobs.forEach((b, k) => {
      const shape = [...b.shape];
      while (shape.length > rank(k) && shape[0] === 1) shape.shift();
      tensors.set(`${layer.name}.${k === 0 ? 'weight' : 'bias'}`, { shape, data: b.data });
    });
  }
  if (unknown.length) {
    throw new ConvertError(`${file}: unknown layer names with weights: ${unknown.join(', ')}; the ${preset.name} preset has ${[...byLayer.keys()].join(', ')} (BVLC AlexNet's names); rename the layers in the prototxt and re-save, or pick another --preset`);
  }
  return tensors;
}

function checkNames(tensors: Tensors, preset: Preset, file: string): void {
  const want = presetNames(preset);
  const missing = [...want.keys()].filter((n) => !tensors.has(n));
  const unexpected = [...tensors.keys()].filter((n) => !want.has(n));
  if (missing.length || unexpected.length) {
    const other = Object.keys(PRESETS).filter((p) => p !== preset.name).find((p) => [...presetNames(getPreset(p)).keys()].every((n) => tensors.has(n)));
    throw new ConvertError(`${file}: the tensor names do not fit preset ${preset.name} (${[missing.length ? `missing: ${missing.join(', ')}` : '', unexpected.length ? `unexpected: ${unexpected.join(', ')}` : ''].filter(Boolean).join('; ')})${other ? `; they fit preset ${other}: pass --preset ${other}` : ''}`);
  }
}

/** The preset a torch state dict's names imply: torchvision's `features.N`, else ambiguous between paper and caffe. */
function torchPreset(tensors: Tensors, given: string | undefined, file: string): string {
  if (given) return given;
  if (tensors.has('features.0.weight')) return 'torchvision';
  if (tensors.has('conv1.weight')) {
    throw new ConvertError(`${file}: conv1…fc8 names fit both the paper and the caffe preset (same shapes, different LRN and input); pass --preset paper or --preset caffe`);
  }
  throw new ConvertError(`${file}: cannot tell the preset from the tensor names (${[...tensors.keys()].slice(0, 4).join(', ')}…); pass --preset <name>`);
}

export interface PublishedWeights extends ConvertResult {
  /** float32 tensors by the preset's state-dict names. */
  readonly tensorData: Tensors;
  /** What a converted safetensors file records: preset, input normalisation, source. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Reads published weights from bytes (`file` names them in errors) and checks them against the preset. */
export function decodePublishedWeights(bytes: Uint8Array, file: string, o: ConvertOptions = {}): PublishedWeights {
  const format = detectFormat(bytes, file);
  let tensors: Tensors;
  let converted = new Map<string, string>();
  let path = '';
  let presetName: string;
  if (format === 'torch') {
    const t = torchTensors(bytes, file, o.inflateRaw);
    ({ tensors, converted, path } = t);
    presetName = torchPreset(tensors, o.preset, file);
  } else {
    presetName = o.preset ?? 'caffe';
    tensors = caffeTensors(bytes, file, getPreset(presetName));
  }
  const base = getPreset(presetName);
  checkNames(tensors, base, file);
  const last = [...base.layers].reverse().find((l) => l.kind === 'linear');
  const classes = last ? tensors.get(`${last.stateName}.bias`)?.shape[0] : undefined;
  const preset = configuredPreset(defaultConfig(presetName), classes);
  if (o.checkShapes !== false) {
    try {
      buildAlexNet(preset).loadStateDict(tensors, { source: file });
    } catch (e) {
      throw new ConvertError(`${(e as Error).message}; is this an AlexNet of preset ${presetName}?`);
    }
  }
  const metadata = {
    [PRESET_KEY]: presetName,
    [INPUT_KEY]: JSON.stringify(preset.input),
    source: file.split(/[\\/]/).pop() ?? file,
    converted_from: format === 'torch' ? `torch.save${path ? ` (${path})` : ''}` : 'caffemodel',
    format: 'pt',
  };
  const parameters = [...tensors.values()].reduce((a, t) => a + t.data.length, 0);
  return { format, preset: presetName, tensors: tensors.size, parameters, converted, path, tensorData: tensors, metadata };
}
