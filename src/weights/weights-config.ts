// The config a weights file implies when no run folder gives one: its
// preset (recorded, else guessed from the tensor names), its class count and
// input normalisation. Pure: \`alexnet eval/predict --weights\` (model-source.ts)
// and the browser app's "open weights" use it.
import { defaultConfig, validateInputSpec, type Config } from '../config/config.js';
import type { ClassInfo, InputSpec } from '../data/types.js';
import { getPreset, type Preset } from '../models/presets.js';
import type { SafetensorsFile } from '../io/safetensors.js';
import { INPUT_KEY, PRESET_KEY } from './weights.js';

/** Class ids a weights file records (`classes`, a JSON list), or null. */
export function metadataClassIds(file: SafetensorsFile): string[] | null {
  const raw = file.metadata.classes;
  if (raw === undefined) return null;
  try {
    const ids = JSON.parse(raw) as unknown;
    return Array.isArray(ids) && ids.every((x) => typeof x === 'string') ? ids as string[] : null;
  } catch {
    return null;
  }
}

/** The input normalisation a weights file records (INPUT_KEY), or null; a damaged record is an error, not a silent default. */
function metadataInput(file: SafetensorsFile, source: string): InputSpec | null {
  const raw = file.metadata[INPUT_KEY];
  if (raw === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = null;
  }
  try {
    validateInputSpec(v);
  } catch (e) {
    throw new Error(`${source}: metadata '${INPUT_KEY}' is not an input normalisation (${(e as Error).message}); rewrite the file with 'alexnet convert'`);
  }
  return v as InputSpec;
}

/** Width of the preset's last linear layer as stored in the file (its bias), or null. */
function storedClasses(preset: Preset, file: SafetensorsFile): number | null {
  const last = [...preset.layers].reverse().find((l) => l.kind === 'linear');
  if (!last || last.kind !== 'linear') return null;
  return file.tensors.get(`${last.stateName}.bias`)?.shape[0] ?? null;
}

/** Names for output ids: the dataset's, else ILSVRC-2012's for WordNet ids, else the ids themselves. */
export function nameIds(ids: readonly string[], dataClasses: readonly ClassInfo[] | null, ilsvrcClasses: readonly ClassInfo[]): ClassInfo[] {
  const fromData = new Map((dataClasses ?? []).map((c) => [c.id, c.name]));
  const ilsvrc = new Map(ilsvrcClasses.map((c) => [c.id, c.name]));
  return ids.map((id) => ({ id, name: fromData.get(id) ?? ilsvrc.get(id) ?? id }));
}

/**
 * The config of a weights file: `o.preset` if given, else the file's; its
 * recorded classes (ids) and input normalisation. Published weights (an
 * input with a fixed mean) need no dataset: without one (`o.withData`
 * false) the fixed mean stands in for the dataset's mean image.
 */
export function weightsConfig(parsed: SafetensorsFile, source: string, o: { readonly preset?: string; readonly withData: boolean }): { config: Config; ids: string[] | null } {
  // A file without a recorded preset (saved from PyTorch): torchvision's names say torchvision; conv1… stays 'paper'.
  const named = parsed.tensors.has('features.0.weight') ? 'torchvision' : undefined;
  const presetName = o.preset ?? parsed.metadata[PRESET_KEY] ?? named ?? 'paper';
  const ids = metadataClassIds(parsed);
  const base = defaultConfig(presetName);
  const width = ids?.length ?? storedClasses(getPreset(presetName), parsed);
  const input = metadataInput(parsed, source) ?? base.data.input;
  const mean = !o.withData && input?.mean && base.data.mean !== 'fixed' ? 'fixed' : base.data.mean;
  return { config: { ...base, model: { ...base.model, classes: width }, data: { ...base.data, input, mean } }, ids };
}
