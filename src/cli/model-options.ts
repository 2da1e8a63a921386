// The options every command that runs a trained network shares: where the
// network comes from (--run, or --weights with --preset) and which prepared
// dataset gives its class names, mean image and images (--data).
import type { OptionSpec, Parsed } from './args.js';
import { UsageError } from './args.js';
import { PRESETS } from '../models/presets.js';
import { loadModels, type LoadedModels } from '../eval/model-source.js';
import { resolveDataDir } from './data-options.js';
import { loadImages, type ImageBatch, type Preprocessing } from '../eval/preprocess.js';

export const MODEL_OPTIONS: readonly OptionSpec[] = [
  { name: 'run', alias: 'r', type: 'string', value: '<dir>', help: 'a run folder of alexnet train (its config.json and model.safetensors)' },
  { name: 'weights', alias: 'w', type: 'list', value: '<file>', help: 'safetensors weights; several (repeat --weights, or a,b,c): an ensemble, softmax averaged (docs/paper.md §6)' },
  { name: 'preset', alias: 'p', type: 'string', value: '<name>', choices: Object.keys(PRESETS), help: 'network of --weights files that do not record one [default: the file\'s; torchvision for torchvision\'s tensor names; else paper]' },
  { name: 'data', alias: 'd', type: 'string', value: '<dir>', help: 'prepared dataset: class names, mean image, images [default: the run\'s; mini: the embedded Fashion-MNIST subset]' },
];

/** A mean image file for the single-image commands (predict, features): Caffe's published mean. */
export const MEAN_OPTION: OptionSpec = {
  name: 'mean', type: 'string', value: '<file>', advanced: true,
  help: "mean image to subtract instead of the dataset's or the preset's: Caffe's ilsvrc_2012_mean.binaryproto, or a .npy [3, S, S], channels in the network's order (BGR for caffe)",
};

/**
 * Loads the networks the arguments name. With no dataset given or recorded,
 * the mini preset falls back to the embedded Fashion-MNIST subset (as
 * `alexnet train` does); `needData` makes a missing dataset an error.
 */
export async function modelsFromArgs(command: string, args: Parsed, log: (l: string) => void = (l) => console.error(l)): Promise<LoadedModels> {
  const run = args.options.run as string | undefined;
  const weights = args.options.weights as string[] | undefined;
  if (!run && !weights?.length) throw new UsageError(command, 'no network: give --run <dir> (a folder alexnet train wrote) or --weights <file.safetensors> [--preset <name>]');
  const loaded = loadModels({ run, weights, preset: args.options.preset as string | undefined, data: args.options.data as string | undefined, log });
  if (loaded.dataDir || loaded.config.preset !== 'mini') return loaded;
  const dataDir = await resolveDataDir(undefined, loaded.config, () => {});
  return loadModels({ run, weights, preset: args.options.preset as string | undefined, data: dataDir, log });
}

/** Refuses an ensemble where a command works on one network (features, filters). */
export function requireOneNetwork(command: string, args: Parsed): void {
  if (((args.options.weights as string[] | undefined)?.length ?? 0) > 1) throw new UsageError(command, 'one network at a time: give a single --weights file');
}

/** Reads image files for a command; each file that fails is reported on stderr with its reason (the rest go on). */
export async function imagesFromArgs(command: string, files: readonly string[], prep: Preprocessing): Promise<ImageBatch> {
  const b = await loadImages(files, prep);
  for (const f of b.failed) console.error(`alexnet ${command}: ${f.file}: ${f.error}`);
  return b;
}
