// `alexnet features`: the activations of one layer as a .npy file (fc7, the
// paper's 4096-d "last hidden layer", docs/paper.md §6.1), for images or for an
// already preprocessed input tensor.
import type { Command } from '../args.js';
import { UsageError } from '../args.js';
import { imageError, MEAN_OPTION, MODEL_OPTIONS, networksFromArgs, requireOneNetwork } from '../model-options.js';
import { readNpy, writeNpy } from '../../index.js';

/** An input .npy as float32 NCHW, with errors that name the file and the fix. */
function readInput(file: string, channels: number, size: number): { data: Float32Array; shape: number[] } {
  const a = readNpy(file);
  const want = `[N, ${channels}, ${size}, ${size}]`;
  if (a.shape.length !== 4 || a.shape[1] !== channels || a.shape[2] !== size || a.shape[3] !== size) {
    throw new Error(`${file}: shape [${a.shape.join(', ')}], but the network takes ${want} (NCHW, preprocessed: cropped and mean subtracted)`);
  }
  if (a.dtype !== 'f4' && a.dtype !== 'f8') throw new Error(`${file}: dtype ${a.dtype}; give float32 (np.float32) values, preprocessed and mean subtracted`);
  const data = a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as Float64Array);
  return { data, shape: [...a.shape] };
}

export const featuresCommand: Command = {
  spec: {
    name: 'features',
    summary: 'Write the activations of any layer (e.g. fc7) for images or a tensor, as .npy.',
    usage: ['--layer <name> --out <file.npy> --weights <file> [--preset <name>] --input <x.npy>', '--layer <name> --out <file.npy> --run <dir> <image>…'],
    description: [
      'Runs the network in evaluation mode up to and including --layer and writes its',
      'output, [N, …] float32, to --out. With --input the tensor is used exactly as given',
      '(NCHW float32, already cropped and mean subtracted): --layer fc8 gives its logits.',
      'Images are preprocessed as in alexnet predict (they need the dataset\'s mean).',
      'Layer names: conv1 norm1 pool1 conv2 norm2 pool2 conv3 conv4 conv5 pool5 fc6 drop6',
      'fc7 drop7 fc8 (every preset names its layers so; --list-layers shows a network\'s).',
    ].join('\n'),
    positionals: { min: 0, max: Infinity, name: '<image>…' },
    options: [
      { name: 'layer', alias: 'l', type: 'string', value: '<name>', default: 'fc7', help: 'layer whose output is written' },
      { name: 'out', alias: 'o', type: 'string', value: '<file.npy>', help: 'where to write the activations' },
      { name: 'input', alias: 'i', type: 'string', value: '<x.npy>', help: 'a preprocessed NCHW float32 tensor instead of images' },
      ...MODEL_OPTIONS,
      MEAN_OPTION,
      { name: 'list-layers', type: 'boolean', help: 'print the network\'s layer names and output shapes, and exit' },
    ],
    examples: [
      'alexnet features --run runs/mini --layer fc7 --out fc7.npy shoe.png bag.jpg',
      'alexnet features --weights tv.safetensors --preset torchvision --input x.npy --layer fc8 --out logits.npy',
      'alexnet features --weights w.safetensors --preset paper --input x.npy --layer fc8 --out logits.npy',
    ],
  },
  async run(args) {
    const out = args.options.out as string | undefined;
    const input = args.options.input as string | undefined;
    const layer = args.options.layer as string;
    const list = args.options['list-layers'] === true;
    if (!out && !list) throw new UsageError('features', 'missing --out <file.npy>');
    if (input && args.positionals.length) throw new UsageError('features', 'give either --input <x.npy> or images, not both');
    if (!input && !args.positionals.length && !list) throw new UsageError('features', 'nothing to run: give images or --input <x.npy>');
    requireOneNetwork('features', args);
    const { networks: [net] } = await networksFromArgs('features', args);
    if (list) {
      for (const l of net.info().layers) console.log(`${l.name.padEnd(8)} [N, ${l.shape.join(', ')}]`);
      return 0;
    }
    let x: { data: Float32Array; shape: number[] };
    let failed = 0;
    if (input) {
      x = readInput(input, 3, net.inputSize);
    } else {
      const rows: Float32Array[] = [];
      const files: string[] = [];
      for (const file of args.positionals) {
        try {
          rows.push(await net.preprocess(file));
          files.push(file);
        } catch (e) {
          failed++;
          console.error(`alexnet features: ${file}: ${imageError(((e as Error).cause as Error | undefined)?.message ?? (e as Error).message)}`);
        }
      }
      if (files.length === 0) return 1;
      if (failed) console.error(`alexnet features: rows of ${out} are, in order: ${files.join(', ')}`);
      const plane = rows[0].length;
      const data = new Float32Array(rows.length * plane);
      rows.forEach((r, i) => data.set(r, i * plane));
      x = { data, shape: [rows.length, 3, net.inputSize, net.inputSize] };
    }
    // Batches of 64 images, so large inputs need one batch of activations at a time.
    const data = await net.activations(x.data, x.shape[0], layer, { batchSize: 64 });
    const y = { data, shape: [x.shape[0], ...(net.info().layers.find((l) => l.name === layer)?.shape ?? [])] };
    writeNpy(out!, { shape: y.shape, data: y.data });
    console.log(`wrote ${out}: ${layer} [${y.shape.join(', ')}] float32`);
    return failed ? 1 : 0;
  },
};
