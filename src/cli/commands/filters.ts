// `alexnet filters`: the conv1 kernels as a PNG grid (docs/paper.md §6.1, Figure 3).
import type { Command } from '../args.js';
import { UsageError } from '../args.js';
import { MODEL_OPTIONS, requireOneNetwork } from '../model-options.js';
import { filterFigure, loadNetwork, loadRun, writeFileAtomic, type FilterScaling, type PresetName } from '../../index.js';

export const filtersCommand: Command = {
  spec: {
    name: 'filters',
    summary: 'Draw the conv1 kernels as a PNG grid, the two columns apart (docs/paper.md §6.1, Figure 3).',
    usage: ['--run <dir> --out <file.png> [--scaling kernel|joint] [--zoom <n>]', '--weights <file> [--preset <name>] --out <file.png>'],
    description: [
      'Kernels 0…O/2−1 feed column 1 of conv2 and O/2…O−1 column 2 (paper: 48 + 48); as in',
      'the paper\'s figure, column 1 is the top block and column 2 the bottom one. Each',
      'kernel\'s RGB taps are scaled to 0–255: by default each kernel on its own (its',
      'minimum black, its maximum white), with --scaling joint all by one scale.',
    ].join('\n'),
    options: [
      ...MODEL_OPTIONS.filter((o) => o.name !== 'data'),
      { name: 'out', alias: 'o', type: 'string', value: '<file.png>', help: 'PNG to write' },
      { name: 'scaling', type: 'string', value: '<how>', choices: ['kernel', 'joint'], default: 'kernel', help: 'scale each kernel to 0–255, or all jointly' },
      { name: 'zoom', type: 'integer', value: '<n>', help: 'pixels per kernel tap [default: kernels ≥ 40 px]', advanced: true },
      { name: 'per-row', type: 'integer', value: '<n>', help: 'kernels per row of each column [default: 16]', advanced: true },
    ],
    examples: [
      'alexnet filters --run runs/paper --out conv1.png',
      'alexnet filters --weights alexnet-torchvision.safetensors --preset torchvision --out tv.png --scaling joint',
    ],
  },
  async run(args) {
    const out = args.options.out as string | undefined;
    if (!out) throw new UsageError('filters', 'missing --out <file.png>');
    const run = args.options.run as string | undefined;
    const weights = args.options.weights as string[] | undefined;
    if (!run && !weights?.length) throw new UsageError('filters', 'no network: give --run <dir> or --weights <file> [--preset <name>]');
    requireOneNetwork('filters', args);
    if (run && weights?.length) throw new UsageError('filters', 'give --run <dir> or --weights <file>, not both');
    const o = { preset: args.options.preset as PresetName | undefined, log: (l: string) => console.error(l) };
    const net = run ? await loadRun(run, o) : await loadNetwork(weights![0], o);
    const g = await filterFigure(net, {
      scaling: args.options.scaling as FilterScaling, zoom: args.options.zoom as number | undefined, perRow: args.options['per-row'] as number | undefined,
    });
    writeFileAtomic(out, g.png);
    console.log(`wrote ${out}: ${g.layout.kernels} kernels ${g.layout.kernelSize}×${g.layout.kernelSize}, ${g.layout.width}×${g.layout.height} px`);
    return 0;
  },
};
