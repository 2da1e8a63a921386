// The check of every config key, by dotted name (`train.learningRate`): what
// overrides are held to before they land on a config. The keys are exactly
// the config's fields (./types.ts; the compiler refuses a missing or an
// extra one). A choice list is the `as const` list its union type is derived
// from (presets, input rules, LRN scopes …); the unions of the ops and the
// data layer, which have no list, are listed here as records the compiler
// holds to the union.
import type { LrnAlphaConvention } from '../ops/lrn.js';
import type { DropoutScaling } from '../ops/dropout.js';
import type { MomentumForm } from '../ops/sgd.js';
import type { InputSpec, MeanMode, PcaUnits } from '../data/types.js';
import { ACTIVATIONS, INPUT_RULES, POOL_ROUNDINGS, PRESET_NAMES, type ScheduleConfig } from '../models/presets.js';
import { COLUMN_COUNTS, LRN_SCOPES } from '../models/ablations.js';
import { suggest } from '../util/suggest.js';
import { VAL_VIEWS, type DataOptions, type Json, type ModelOptions, type TrainOptions } from './types.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * The members of a union declared below the config layer without a list of
 * its own (the ops' and the data layer's), as a list. The record's keys must
 * be exactly the union's members: the compiler keeps the two in step.
 */
function membersOf<T extends string>(members: Record<T, true>): readonly T[] {
  return Object.keys(members) as T[];
}

const LRN_ALPHA_CONVENTIONS = membersOf<LrnAlphaConvention>({ perSum: true, dividedByN: true });
const DROPOUT_SCALINGS = membersOf<DropoutScaling>({ paper: true, inverted: true });
const MOMENTUM_FORMS = membersOf<MomentumForm>({ paper: true, pytorch: true });
const PCA_UNITS = membersOf<PcaUnits>({ paper: true, 'cuda-convnet': true });
const MEAN_MODES = membersOf<MeanMode>({ pixel: true, channel: true, none: true, fixed: true });
const CHANNEL_ORDERS = membersOf<InputSpec['order']>({ rgb: true, bgr: true });
const RESIZE_MODES = membersOf<InputSpec['resize']>({ square: true, shorter: true, warp: true });

type Check = (v: Json, key: string) => void;

const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "a, b or c". */
const listed = (words: readonly string[]): string => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`);

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
/** One of a few numbers (a count of columns or views), or null where `nullable`. */
const oneOfNumbers = (choices: readonly number[], nullable = false): Check => (v, key) => {
  if (v === null && nullable) return;
  if (typeof v !== 'number' || !choices.includes(v)) {
    throw new ConfigError(`${key} must be ${listed([...choices.map(String), ...(nullable ? ['null'] : [])])}, got ${JSON.stringify(v)}`);
  }
};
const bool: Check = (v, key) => {
  if (typeof v !== 'boolean') throw new ConfigError(`${key} must be true or false, got ${JSON.stringify(v)}`);
};
const orNull = (check: Check): Check => (v, key) => {
  if (v !== null) check(v, key);
};

/** The fields of each schedule kind (docs/paper.md §4), with their checks: exactly those of ScheduleConfig. */
const SCHEDULE_FIELDS: { readonly [K in ScheduleConfig['kind']]: Record<Exclude<keyof Extract<ScheduleConfig, { kind: K }>, 'kind'>, Check> } = {
  constant: {},
  plateau: { factor: num(0, 1), patience: num(0, 1e6, true), threshold: num(0, 1), maxDrops: num(0, 1e6, true) },
  step: { factor: num(0, 1), every: num(1, 1e6, true) },
};

const schedule: Check = (v, key) => {
  if (!isObj(v)) throw new ConfigError(`${key} must be an object with a 'kind'`);
  oneOf(Object.keys(SCHEDULE_FIELDS))(v.kind, `${key}.kind`);
  const f: Readonly<Record<string, Check>> = SCHEDULE_FIELDS[v.kind as ScheduleConfig['kind']];
  for (const k of Object.keys(v)) if (k !== 'kind' && !Object.hasOwn(f, k)) throw new ConfigError(`${key}: '${k}' is not a field of a ${String(v.kind)} schedule (fields: ${Object.keys(f).join(', ') || 'none'})`);
  for (const [k, check] of Object.entries(f)) {
    if (!(k in v)) throw new ConfigError(`${key}.${k} is missing for a ${String(v.kind)} schedule`);
    check(v[k], `${key}.${k}`);
  }
};

/** Throws unless `v` is an InputSpec (a config's data.input, a weight file's `input` metadata). */
export function validateInputSpec(v: unknown, key = 'input'): asserts v is InputSpec {
  const triple = (x: unknown) => Array.isArray(x) && x.length === 3 && x.every((y) => typeof y === 'number' && Number.isFinite(y));
  if (!isObj(v) || !CHANNEL_ORDERS.includes(v.order as InputSpec['order']) || !(v.mean === null || triple(v.mean)) || !triple(v.std) || (v.std as number[]).some((y) => y <= 0)
    || !RESIZE_MODES.includes(v.resize as InputSpec['resize']) || typeof v.resizeTo !== 'number' || !Number.isInteger(v.resizeTo) || v.resizeTo < 1) {
    const choices = (c: readonly string[]) => c.map((x) => `"${x}"`).join('|');
    throw new ConfigError(`${key} must be {"order": ${choices(CHANNEL_ORDERS)}, "mean": [r, g, b] or null, "std": [r, g, b] (> 0), "resize": ${choices(RESIZE_MODES)}, "resizeTo": n}, got ${JSON.stringify(v)}`);
  }
}

/** Every leaf of a config by dotted key; the schedule and the input spec are leaves (one value each). */
type ConfigKey = 'preset' | 'seed' | `model.${keyof ModelOptions}` | `train.${keyof TrainOptions}` | `data.${keyof DataOptions}`;

/** The check of every leaf, by dotted key, in the order keys are listed to users. */
const SCHEMA: Readonly<Record<ConfigKey, Check>> = {
  preset: oneOf(PRESET_NAMES),
  seed: num(0, 2 ** 53 - 1, true),
  'model.classes': num(1, 1e6, true, true),
  'model.inputRule': oneOf(INPUT_RULES, true),
  'model.lrnAlphaConvention': oneOf(LRN_ALPHA_CONVENTIONS, true),
  'model.lrnK': num(0, 1e6, false, true),
  'model.lrnScope': oneOf(LRN_SCOPES, true),
  'model.poolRounding': oneOf(POOL_ROUNDINGS, true),
  'model.dropoutScaling': oneOf(DROPOUT_SCALINGS, true),
  'model.dropProbability': num(0, 0.99, false, true),
  'model.positiveBias': num(-1e6, 1e6, false, true),
  'model.activation': oneOf(ACTIVATIONS, true),
  'model.lrn': orNull(bool),
  'model.poolKernel': num(1, 64, true, true),
  'model.columns': oneOfNumbers(COLUMN_COUNTS, true),
  'train.batchSize': num(1, 1e6, true),
  'train.epochs': num(0, 1e6, true),
  'train.learningRate': num(0, 1e3),
  'train.momentum': num(0, 1),
  'train.weightDecay': num(0, 1),
  'train.momentumForm': oneOf(MOMENTUM_FORMS),
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
  'data.pcaUnits': oneOf(PCA_UNITS),
  'data.mean': oneOf(MEAN_MODES),
  'data.input': (v, key) => validateInputSpec(v, key),
  'data.workers': num(0, 256, true),
  'data.limit': num(1, 2 ** 31, true, true),
  'data.valLimit': num(1, 2 ** 31, true, true),
  'data.valViews': oneOfNumbers(VAL_VIEWS),
};

export const CONFIG_KEYS: readonly string[] = Object.keys(SCHEMA);

/** Whether `key` names a leaf of a config (an object value under it is one value, not more keys). */
export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(SCHEMA, key);
}

/** Throws a ConfigError unless `key` is a config key and `value` a valid value of it; unknown keys get a suggestion. */
export function checkOverride(key: string, value: Json): void {
  if (!isConfigKey(key)) {
    const s = suggest(key, CONFIG_KEYS);
    throw new ConfigError(`unknown config key '${key}'${s ? ` (did you mean '${s}'?)` : ''}; keys: ${CONFIG_KEYS.join(', ')}`);
  }
  SCHEMA[key](value, key);
}

/** Whether `v` is a JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is Record<string, Json> {
  return isObj(v);
}
