// The options every command that runs a trained network shares: where the
// network comes from (--run, or --weights with --preset) and which prepared
// dataset gives its class names, mean image and images (--data).
import type { OptionSpec, Parsed } from './args.js';
import { UsageError } from './args.js';
import { Ensemble, loadEnsemble, loadNetwork, loadRun, PRESET_NAMES, type Network, type NodeImage, type PresetName } from '../index.js';

export const MODEL_OPTIONS: readonly OptionSpec[] = [
  { name: 'run', alias: 'r', type: 'string', value: '<dir>', help: 'a run folder of alexnet train (its config.json and model.safetensors)' },
  { name: 'weights', alias: 'w', type: 'list', value: '<file>', help: 'safetensors weights; several (repeat --weights, or a,b,c): an ensemble, softmax averaged (docs/paper.md §6)' },
  { name: 'preset', alias: 'p', type: 'string', value: '<name>', choices: PRESET_NAMES, help: 'network of --weights files that do not record one [default: the file\'s; torchvision for torchvision\'s tensor names; else paper]' },
  { name: 'data', alias: 'd', type: 'string', value: '<dir>', help: 'prepared dataset: class names, mean image, images [default: the run\'s; mini: the embedded Fashion-MNIST subset]' },
];

/** A mean image file for the single-image commands (predict, features): Caffe's published mean. */
export const MEAN_OPTION: OptionSpec = {
  name: 'mean', type: 'string', value: '<file>', advanced: true,
  help: "mean image to subtract instead of the dataset's or the preset's: Caffe's ilsvrc_2012_mean.binaryproto, or a .npy [3, S, S], channels in the network's order (BGR for caffe)",
};

export interface Networks {
  /** The network, or the ensemble of several --weights files. */
  readonly target: Network<NodeImage> | Ensemble<NodeImage>;
  readonly networks: readonly Network<NodeImage>[];
}

/**
 * Loads the networks the arguments name (through the library's loaders:
 * the mini preset with no dataset given or recorded gets the embedded
 * Fashion-MNIST subset, as `alexnet train` trains it).
 */
export async function networksFromArgs(command: string, args: Parsed, log: (l: string) => void = (l) => console.error(l)): Promise<Networks> {
  const run = args.options.run as string | undefined;
  const weights = args.options.weights as string[] | undefined;
  if (!run && !weights?.length) throw new UsageError(command, 'no network: give --run <dir> (a folder alexnet train wrote) or --weights <file.safetensors> [--preset <name>]');
  if (run && weights?.length) throw new UsageError(command, 'give --run <dir> or --weights <file>, not both');
  const o = { preset: args.options.preset as PresetName | undefined, data: args.options.data as string | undefined, meanFile: args.options.mean as string | undefined, log };
  if (run || weights!.length === 1) {
    const net = run ? await loadRun(run, o) : await loadNetwork(weights![0], o);
    return { target: net, networks: [net] };
  }
  const ensemble = await loadEnsemble(weights!, o);
  return { target: ensemble, networks: ensemble.networks };
}

/** Refuses an ensemble where a command works on one network (features, filters). */
export function requireOneNetwork(command: string, args: Parsed): void {
  if (((args.options.weights as string[] | undefined)?.length ?? 0) > 1) throw new UsageError(command, 'one network at a time: give a single --weights file');
}

/** Why an image could not be used, as the commands print it. */
export function imageError(message: string): string {
  return `${message}; give a JPEG, PNG or WebP image`;
}
