// The resolved configuration of a run: a preset plus overrides. Every
// ambiguity of docs/paper.md §7 is a named field here; overrides come from a JSON
// file (`--config`), then from flags (`--set key=value` and the common
// shortcuts), and the result is printed at start and stored in every
// checkpoint, so a run is always described by one JSON object.
import type { InputSpec, MeanMode, PcaUnits } from '../data/types.js';
import { applyModelOptions, columnsConflict, inputRuleConflict, PRESET_AS_IS, type ModelOptions } from '../models/ablations.js';
import { getPreset, type Preset, type Recipe } from '../models/presets.js';
import { suggest } from '../util/suggest.js';

/** The preset's SGD recipe (batch, epochs, rates, momentum form, schedule) plus fine-tuning. */
export interface TrainOptions extends Omit<Recipe, 'imageSize' | 'augment'> {
  /** Weights to start from (fine-tuning); the classifier is re-initialised when its class count differs. */
  readonly initFrom: string | null;
  /** Layers whose parameters stay fixed (fine-tuning), e.g. ["conv1", "conv2"]. */
  readonly freeze: readonly string[];
}

export interface DataOptions {
  readonly imageSize: number;
  readonly randomCrop: boolean;
  readonly flip: boolean;
  readonly pcaStd: number;
  readonly pcaUnits: PcaUnits;
  readonly mean: MeanMode;
  /** Channel order, std and fixed mean of the input (the preset's; absent in configs written before it was recorded). */
  readonly input?: InputSpec;
  /** Loader worker threads. */
  readonly workers: number;
  /** Train on the first n images of the split only (class-balanced order); null: all. */
  readonly limit: number | null;
  /** Validate on the first n images only; null: all. */
  readonly valLimit: number | null;
  /** Validation crops per image: 1 (centre) or 10 (the paper's 10 views, §5). */
  readonly valViews: 1 | 10;
}

export interface Config {
  readonly preset: string;
  readonly seed: number;
  readonly model: ModelOptions;
  readonly train: TrainOptions;
  readonly data: DataOptions;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function defaultConfig(presetName: string): Config {
  const p = getPreset(presetName);
  const r = p.recipe;
  return {
    preset: p.name,
    seed: 1,
    model: { ...PRESET_AS_IS },
    train: (({ imageSize: _size, augment: _augment, ...sgd }) => ({ ...sgd, initFrom: null, freeze: [] }))(r),
    data: { imageSize: r.imageSize, ...r.augment, input: p.input, workers: 1, limit: null, valLimit: null, valViews: 1 },
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Check = (v: Json, key: string) => void;

const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (min: number, max = Infinity, integer = false, nullable = false): Check => (v, key) => {
  if (v === null && nullable) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new ConfigError(`${key} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]${nullable ? ' or null' : ''}, got ${JSON.stringify(v)}`);
  }
};
const oneOf = (choices: readonly string[], nullable = false): Check => (v, key) => {
  if (v === null && nullable) return;
  if (typeof v !== 'string' || !choices.includes(v)) {
    const s = typeof v === 'string' ? suggest(v, choices) : null;
    throw new ConfigError(`${key} must be one of ${choices.join(', ')}${nullable ? ' or null' : ''}, got ${JSON.stringify(v)}${s ? ` (did you mean '${s}'?)` : ''}`);
  }
};
const bool: Check = (v, key) => {
  if (typeof v !== 'boolean') throw new ConfigError(`${key} must be true or false, got ${JSON.stringify(v)}`);
};
const schedule: Check = (v, key) => {
  if (!isObj(v)) throw new ConfigError(`${key} must be an object with a 'kind'`);
  oneOf(['constant', 'plateau', 'step'])(v.kind, `${key}.kind`);
  const fields: Record<string, Record<string, Check>> = {
    constant: {},
    plateau: { factor: num(0, 1), patience: num(0, 1e6, true), threshold: num(0, 1), maxDrops: num(0, 1e6, true) },
    step: { factor: num(0, 1), every: num(1, 1e6, true) },
  };
  const f = fields[v.kind as string];
  for (const k of Object.keys(v)) if (k !== 'kind' && !f[k]) throw new ConfigError(`${key}: '${k}' is not a field of a ${String(v.kind)} schedule (fields: ${Object.keys(f).join(', ') || 'none'})`);
  for (const [k, check] of Object.entries(f)) {
    if (!(k in v)) throw new ConfigError(`${key}.${k} is missing for a ${String(v.kind)} schedule`);
    check(v[k], `${key}.${k}`);
  }
};

/** The type of every leaf, by dotted key: the schema overrides are checked against. */
const SCHEMA: Record<string, Check> = {
  preset: oneOf(['paper', 'caffe', 'torchvision', 'mini', 'convnet4']),
  seed: num(0, 2 ** 53 - 1, true),
  'model.classes': num(1, 1e6, true, true),
  'model.inputRule': oneOf(['overhang', 'pad', 'valid', 'preset'], true),
  'model.lrnAlphaConvention': oneOf(['perSum', 'dividedByN'], true),
  'model.lrnK': num(0, 1e6, false, true),
  'model.lrnScope': oneOf(['column', 'all'], true),
  'model.poolRounding': oneOf(['floor', 'ceil'], true),
  'model.dropoutScaling': oneOf(['paper', 'inverted'], true),
  'model.dropProbability': num(0, 0.99, false, true),
  'model.positiveBias': num(-1e6, 1e6, false, true),
  'model.activation': oneOf(['relu', 'tanh'], true),
  'model.lrn': (v, key) => {
    if (v !== null) bool(v, key);
  },
  'model.poolKernel': num(1, 64, true, true),
  'model.columns': (v, key) => {
    if (v !== null && v !== 1 && v !== 2) throw new ConfigError(`${key} must be 1, 2 or null, got ${JSON.stringify(v)}`);
  },
  'train.batchSize': num(1, 1e6, true),
  'train.epochs': num(0, 1e6, true),
  'train.learningRate': num(0, 1e3),
  'train.momentum': num(0, 1),
  'train.weightDecay': num(0, 1),
  'train.momentumForm': oneOf(['paper', 'pytorch']),
  'train.biasLrMultiplier': num(0, 1e3),
  'train.biasDecay': bool,
  'train.schedule': schedule,
  'train.initFrom': (v, key) => {
    if (v !== null && (typeof v !== 'string' || v === '')) throw new ConfigError(`${key} must be a weights file path or null, got ${JSON.stringify(v)}`);
  },
  'train.freeze': (v, key) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new ConfigError(`${key} must be a list of layer names like ["conv1", "conv2"], got ${JSON.stringify(v)}`);
  },
  'data.imageSize': num(1, 1e5, true),
  'data.randomCrop': bool,
  'data.flip': bool,
  'data.pcaStd': num(0, 1e3),
  'data.pcaUnits': oneOf(['paper', 'cuda-convnet']),
  'data.mean': oneOf(['pixel', 'channel', 'none', 'fixed']),
  'data.input': (v, key) => validateInputSpec(v, key),
  'data.workers': num(0, 256, true),
  'data.limit': num(1, 2 ** 31, true, true),
  'data.valLimit': num(1, 2 ** 31, true, true),
  'data.valViews': (v, key) => {
    if (v !== 1 && v !== 10) throw new ConfigError(`${key} must be 1 or 10, got ${JSON.stringify(v)}`);
  },
};

/** Throws unless `v` is an InputSpec (a config's data.input, a weight file's `input` metadata). */
export function validateInputSpec(v: unknown, key = 'input'): asserts v is InputSpec {
  const triple = (x: unknown) => Array.isArray(x) && x.length === 3 && x.every((y) => typeof y === 'number' && Number.isFinite(y));
  if (!isObj(v) || !['rgb', 'bgr'].includes(v.order as string) || !(v.mean === null || triple(v.mean)) || !triple(v.std) || (v.std as number[]).some((y) => y <= 0)
    || !['square', 'shorter', 'warp'].includes(v.resize as string) || typeof v.resizeTo !== 'number' || !Number.isInteger(v.resizeTo) || v.resizeTo < 1) {
    throw new ConfigError(`${key} must be {"order": "rgb"|"bgr", "mean": [r, g, b] or null, "std": [r, g, b] (> 0), "resize": "square"|"shorter"|"warp", "resizeTo": n}, got ${JSON.stringify(v)}`);
  }
}

export const CONFIG_KEYS: readonly string[] = Object.keys(SCHEMA);

function setPath(target: Record<string, Json>, key: string, value: Json): void {
  const parts = key.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, Json>;
  o[parts[parts.length - 1]] = value;
}

function checkKey(key: string): void {
  if (SCHEMA[key]) return;
  const s = suggest(key, CONFIG_KEYS);
  throw new ConfigError(`unknown config key '${key}'${s ? ` (did you mean '${s}'?)` : ''}; keys: ${CONFIG_KEYS.join(', ')}`);
}

/** Flattens a partial config object to dotted keys (schedule stays one value). */
function flatten(obj: Record<string, Json>, prefix = ''): [string, Json][] {
  const out: [string, Json][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && !SCHEMA[key]) out.push(...flatten(v, key));
    else out.push([key, v]);
  }
  return out;
}

/** Parses `key=value` from the command line: JSON when it parses, else a plain string. */
export function parseAssignment(text: string): [string, Json] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set expects key=value, got '${text}'`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  let value: Json;
  try {
    value = JSON.parse(raw) as Json;
  } catch {
    value = raw;
  }
  return [key, value];
}

/**
 * Applies overrides, in order, to the preset's defaults. `overrides` are
 * partial config objects (a JSON file) or [key, value] pairs (flags). The
 * preset, if overridden, is applied first so the others land on its recipe.
 */
export function resolveConfig(presetName: string, overrides: readonly (Record<string, Json> | [string, Json])[]): Config {
  const pairs: [string, Json][] = [];
  for (const o of overrides) pairs.push(...(Array.isArray(o) ? [o] : flatten(o)));
  let preset = presetName;
  for (const [k, v] of pairs) if (k === 'preset') {
    SCHEMA.preset(v, k);
    preset = v as string;
  }
  const c = applyOverrides(defaultConfig(preset), pairs.filter(([k]) => k !== 'preset'));
  const conflict = inputRuleConflict(getPreset(preset), c.model);
  if (conflict) throw new ConfigError(conflict);
  return c;
}

/** A copy of `config` with [key, value] overrides applied, each checked against the schema. */
export function applyOverrides(config: Config, pairs: readonly [string, Json][]): Config {
  const cfg = structuredClone(config) as unknown as Record<string, Json>;
  for (const [k, v] of pairs) {
    if (k === 'preset') throw new ConfigError('the preset cannot be changed by an override here');
    checkKey(k);
    SCHEMA[k](v, k);
    setPath(cfg, k, v);
  }
  return cfg as unknown as Config;
}

/**
 * The network a config describes: the preset with the model options applied
 * (docs/paper.md §7). Classes default to the preset's unless `classes` is given.
 */
export function configuredPreset(config: Config, classes?: number): Preset {
  const base = getPreset(config.preset);
  const conflict = columnsConflict(base, config.model);
  if (conflict) throw new ConfigError(conflict);
  return applyModelOptions(base, config.model, classes);
}

/** Reads a JSON config file (partial config) with errors that name the file. */
export function parseConfigJson(text: string, source: string): Record<string, Json> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(v)) throw new ConfigError(`${source}: a config file must hold a JSON object like {"train": {"learningRate": 0.01}}`);
  return v;
}

export type { Json, ModelOptions };
