// Networks from what `alexnet train` leaves and what people pass around in
// Node: a run folder (its config, final weights or newest checkpoint, the
// dataset its checkpoints record and the mean stored beside them), weight
// files (several: an ensemble), a dataset's mean image or Caffe's mean file.
import { existsSync, statSync } from 'node:fs';
import { loadModels, type LoadedModels } from '../runs/model-source.js';
import { PreprocessError, resolvePreprocessing } from '../eval/preprocess.js';
import { EMBEDDED_PREPARED } from './data.js';
import { ensureEmbeddedDataset } from '../data/embedded.js';
import { Network } from './network.js';
import type { NodeImage } from './node-platform.js';
import { NODE_PLATFORM } from './node-platform.js';
import { BACKEND_NAMES, checkChoice, OptionError, PRESET_NAMES, type BackendName, type PresetName } from './types.js';

export interface LoadSourcesOptions {
  readonly preset?: PresetName;
  readonly backend?: BackendName;
  /** The prepared dataset the networks were trained on (class names, mean image); default: the one a run records. */
  readonly data?: string;
  /** A mean image to subtract instead: Caffe's ilsvrc_2012_mean.binaryproto, or a .npy [3, S, S] in the network's channel order. */
  readonly meanFile?: string;
  /** Notes for a person ("no model.safetensors: using the newest checkpoint"). */
  readonly log?: (line: string) => void;
}

/** True for a folder `alexnet train` (or train({ runDir })) wrote. */
export function isRunFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * The networks of a run folder or of weight files (safetensors), with the
 * classes and preprocessing of their dataset. A `mini` network with no
 * dataset given or recorded gets the embedded Fashion-MNIST subset's, as
 * `train` trains it by default.
 */
export async function loadSources(where: string, src: { readonly run?: string; readonly weights?: readonly string[] }, o: LoadSourcesOptions): Promise<{ networks: Network<NodeImage>[]; loaded: LoadedModels }> {
  if (o.preset !== undefined) checkChoice(where, 'preset', o.preset, PRESET_NAMES);
  if (o.backend !== undefined) checkChoice(where, 'backend', o.backend, BACKEND_NAMES);
  if (o.data !== undefined && !existsSync(o.data)) throw new OptionError('data', `${where}: option 'data': ${o.data} does not exist`);
  const opened = await NODE_PLATFORM.openBackend(o.backend, where);
  const source = { run: src.run, weights: src.weights, preset: o.preset, data: o.data, log: o.log, device: opened.device, hostBackend: opened.hostKernels };
  let loaded = loadModels(source);
  if (!loaded.dataDir && loaded.config.preset === 'mini') loaded = loadModels({ ...source, data: await ensureEmbeddedDataset(EMBEDDED_PREPARED) });
  const l = loaded;
  // Found on first use: only images need it (and it may store the dataset's mean in the run folder).
  const preprocessing = () => {
    try {
      return resolvePreprocessing({ dataDir: l.dataDir, runDir: l.runDir, cropSize: l.preset.inputSize, mean: l.config.data.mean, input: l.config.data.input, meanFile: o.meanFile });
    } catch (e) {
      if (!(e instanceof PreprocessError)) throw e;
      // In the library's words: the option to pass, not a flag.
      throw new OptionError('data', e.message.replace(/--data <([^>]+)>/g, "option 'data' ($1)").replace(/--run <dir>/g, 'a run folder'));
    }
  };
  const networks = l.models.map((model, i) => new Network<NodeImage>({
    model, backend: opened.backend, config: l.config, platform: NODE_PLATFORM, preprocessing,
    classes: l.classes.map((c) => ({ id: c.id, name: c.name })), source: l.files[i] ?? l.runDir ?? 'weights', dataDir: l.dataDir,
  }));
  return { networks, loaded };
}
