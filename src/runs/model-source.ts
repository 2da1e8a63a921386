// Where the networks of eval, predict, features, neighbors and filters come
// from: weight files (`--weights a,b,c` or repeated, an ensemble as in docs/paper.md §6) with a
// preset, or a run folder written by `alexnet train` (its config.json, its
// model.safetensors, and the dataset its checkpoints record).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configuredPreset, defaultConfig, type Config } from '../config/config.js';
import type { ClassInfo } from '../data/types.js';
import { ilsvrc2012Classes } from '../data/classes.js';
import { readDatasetInfo } from '../data/shards.js';
import { buildAlexNet, type AlexNet } from '../models/alexnet.js';
import { getPreset, type Preset } from '../models/presets.js';
import { readSafetensors } from '../io/safetensors-file.js';
import { applyWeights } from '../weights/weights.js';
import { metadataClassIds, nameIds, weightsConfig } from '../weights/weights-config.js';
import { findCheckpoint, checkpointDir } from '../train/checkpoint.js';
import type { Device } from '../tensor/device.js';

export interface ModelSource {
  /** Weight files; more than one is an ensemble whose softmax outputs are averaged (§6). */
  readonly weights?: readonly string[];
  /** A run folder of `alexnet train`: config.json + model.safetensors (or its newest checkpoint). */
  readonly run?: string;
  /** Preset of --weights files without a `preset` in their metadata (default: the metadata's, else 'paper'). */
  readonly preset?: string;
  /** A prepared dataset: class names and the mean image; default: the one the run's checkpoints record. */
  readonly data?: string;
  /** Notes for the user (e.g. "no model.safetensors: using the newest checkpoint"). */
  readonly log?: (line: string) => void;
  /** Where the networks are built (default: host memory). */
  readonly device?: Device;
  /** Their host kernel set (Sequential.hostBackend); default: the active one. */
  readonly hostBackend?: string | null;
}

export interface LoadedModels {
  /** In evaluation mode. */
  readonly models: AlexNet[];
  readonly preset: Preset;
  /** The run's config, or the preset's defaults for bare weight files. */
  readonly config: Config;
  /** Output i is classes[i]. */
  readonly classes: readonly ClassInfo[];
  /** The prepared dataset (resolved path), when known. */
  readonly dataDir: string | null;
  /** The weight files loaded (for messages and reports). */
  readonly files: readonly string[];
  /** The run folder, when the models came from one. */
  readonly runDir: string | null;
}

export class ModelSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelSourceError';
  }
}

/** The run's config.json, with an error that says what a run folder is. */
export function readRunConfig(runDir: string): Config {
  const file = join(runDir, 'config.json');
  if (!existsSync(file)) throw new ModelSourceError(`${runDir}: not a run folder (no config.json); give the folder 'alexnet train --run <dir>' wrote, or --weights <file> --preset <name>`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Config;
  } catch (e) {
    throw new ModelSourceError(`${file}: not valid JSON (${(e as Error).message}); the run folder is damaged`);
  }
}

/** The prepared dataset the run's newest checkpoint records (reads only the JSON, not the tensors). */
export function runDataDir(runDir: string): string | null {
  const dir = checkpointDir(runDir);
  if (!existsSync(dir)) return null;
  const metas = readdirSync(dir).filter((f) => /^ckpt-\d{9}\.json$/.test(f)).sort().reverse();
  for (const m of metas) {
    try {
      const data = (JSON.parse(readFileSync(join(dir, m), 'utf8')) as { data?: string }).data;
      if (data) return data;
    } catch {
      // A damaged checkpoint: try the previous one.
    }
  }
  return null;
}

/**
 * Builds and loads the networks a source names. Every network of an
 * ensemble must have the same preset and classes (their softmax outputs are
 * averaged class by class).
 */
export function loadModels(source: ModelSource): LoadedModels {
  const log = source.log ?? (() => {});
  const runDir = source.run ? resolve(source.run) : null;
  let config: Config | null = runDir ? readRunConfig(runDir) : null;
  let files = [...(source.weights ?? [])];
  let checkpointWeights: Parameters<AlexNet['loadStateDict']>[0] | null = null;
  if (runDir && files.length === 0) {
    const final = join(runDir, 'model.safetensors');
    if (existsSync(final)) files = [final];
    else {
      const ck = findCheckpoint(runDir, (m) => log(`warning: ${m}`));
      log(`${runDir}: no model.safetensors (training has not finished); using ${ck.path}`);
      checkpointWeights = ck.weights;
      files = [ck.path];
    }
  }
  if (files.length === 0) throw new ModelSourceError('no network given: pass --run <dir> (a folder alexnet train wrote) or --weights <file.safetensors> [--preset <name>]');

  const parsed = checkpointWeights ? [] : files.map((f) => {
    if (!existsSync(f)) throw new ModelSourceError(`${f}: no such file; give a .safetensors weights file (alexnet train writes <run>/model.safetensors)`);
    return readSafetensors(f);
  });
  const derived = parsed.length ? weightsConfig(parsed[0], files[0], { preset: source.preset ?? config?.preset, withData: source.data !== undefined }) : null;
  const presetName = source.preset ?? config?.preset ?? derived?.config.preset ?? 'paper';
  getPreset(presetName); // an unknown name fails here, with suggestions
  const ids = derived?.ids ?? null;
  config ??= derived?.config ?? defaultConfig(presetName);
  const dataDir = source.data ? resolve(source.data) : runDir ? runDataDir(runDir) : null;
  const dataInfo = dataDir && existsSync(join(dataDir, 'dataset.json')) ? readDatasetInfo(dataDir) : null;
  if (source.data && !dataInfo) throw new ModelSourceError(`${dataDir}: not a prepared dataset (no dataset.json); prepare one with 'alexnet prepare <images> <out>'`);
  const preset = configuredPreset(config, ids?.length ?? dataInfo?.classes.length);

  const models = files.map((f, i) => {
    const m = buildAlexNet(preset, source.device);
    m.net.hostBackend = source.hostBackend ?? null;
    if (checkpointWeights) m.loadStateDict(checkpointWeights, { source: f });
    else {
      const fileIds = metadataClassIds(parsed[i]);
      if (ids && fileIds && fileIds.join('\n') !== ids.join('\n')) {
        throw new ModelSourceError(`${f}: its classes differ from ${files[0]}'s; an ensemble averages outputs class by class, so every network needs the same classes in the same order`);
      }
      applyWeights(m, parsed[i], f);
    }
    return m.eval();
  });

  let classes: ClassInfo[];
  if (ids) classes = nameIds(ids, dataInfo?.classes ?? null, ids.some((id) => /^n\d{8}$/.test(id)) ? ilsvrc2012Classes() : []);
  else if (dataInfo && dataInfo.classes.length === preset.classes) classes = [...dataInfo.classes];
  else if (preset.classes === 1000) classes = ilsvrc2012Classes().map((c) => ({ id: c.id, name: c.name }));
  else classes = Array.from({ length: preset.classes }, (_, i) => ({ id: String(i), name: String(i) }));
  if (classes.length !== preset.classes) throw new ModelSourceError(`${files[0]}: records ${classes.length} classes but fc8 has ${preset.classes} outputs`);
  return { models, preset, config, classes, dataDir: dataInfo ? dataInfo.dir : dataDir, files, runDir };
}
