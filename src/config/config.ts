// The resolved configuration of a run: a preset plus overrides. Every
// ambiguity of docs/paper.md §7 is a named field (./types.ts); overrides come
// from a JSON file (`--config`), then from flags (`--set key=value` and the
// common shortcuts), each checked against ./schema.ts, and the result is
// printed at start and stored in every checkpoint, so a run is always
// described by one JSON object. The network a config describes is its preset
// with the model options applied (../models/ablations.ts).
import { applyModelOptions, columnsConflict, inputRuleConflict, PRESET_AS_IS } from '../models/ablations.js';
import { getPreset, type Preset } from '../models/presets.js';
import { checkOverride, ConfigError, isConfigKey, isJsonObject } from './schema.js';
import type { Config, Json } from './types.js';

export type { Config, DataOptions, Json, ModelOptions, TrainOptions, ValViews } from './types.js';
export { CONFIG_KEYS, ConfigError, validateInputSpec } from './schema.js';

/** The config of a preset with nothing overridden: its recipe, its data settings, every model option null. */
export function defaultConfig(presetName: string): Config {
  const p = getPreset(presetName);
  const { imageSize, augment, ...sgd } = p.recipe;
  return {
    preset: p.name,
    seed: 1,
    model: { ...PRESET_AS_IS },
    train: { ...sgd, initFrom: null, freeze: [] },
    data: { imageSize, ...augment, input: p.input, workers: 1, limit: null, valLimit: null, valViews: 1 },
  };
}

function setPath(target: Record<string, Json>, key: string, value: Json): void {
  const parts = key.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) o = o[p] as Record<string, Json>;
  o[parts[parts.length - 1]] = value;
}

/** Flattens a partial config object to dotted keys (a schedule or an input spec stays one value). */
function flatten(obj: Record<string, Json>, prefix = ''): [string, Json][] {
  const out: [string, Json][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isJsonObject(v) && !isConfigKey(key)) out.push(...flatten(v, key));
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
    checkOverride(k, v);
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
    checkOverride(k, v);
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
  if (!isJsonObject(v)) throw new ConfigError(`${source}: a config file must hold a JSON object like {"train": {"learningRate": 0.01}}`);
  return v;
}
