// `alexnet neighbors`: the training images nearest to query images in fc7
// (docs/paper.md §6.1, Figure 4 right), as a contact sheet and JSON.
import type { Command } from '../args.js';
import { UsageError } from '../args.js';
import { imageError, MODEL_OPTIONS, networksFromArgs } from '../model-options.js';
import { neighboursFigure, writeFileAtomic } from '../../index.js';

export const neighborsCommand: Command = {
  spec: {
    name: 'neighbors',
    summary: 'Training images nearest to query images in fc7 (docs/paper.md §6.1, Figure 4), as a PNG sheet and JSON.',
    usage: ['--run <dir> --out <sheet.png> [--k <n>] [--queries <n>] [--json <file>]', '--run <dir> --out <sheet.png> <image>…'],
    description: [
      'For each query, the k training images whose activations in --layer (default fc7,',
      'the paper\'s 4096-d last hidden layer) are nearest in Euclidean distance. Queries',
      'are image files, or else the first --queries validation images (one per class',
      'first). The sheet has one row per query (blue border), then its neighbours,',
      'nearest first, with a green border when of the query\'s class (its true class,',
      'or for files the class predicted), red otherwise. The JSON lists the same with',
      'class names and distances.',
    ].join('\n'),
    positionals: { min: 0, max: Infinity, name: '<image>…' },
    options: [
      ...MODEL_OPTIONS,
      { name: 'out', alias: 'o', type: 'string', value: '<sheet.png>', help: 'contact sheet to write' },
      { name: 'k', type: 'integer', value: '<n>', default: 6, help: 'neighbours per query' },
      { name: 'queries', alias: 'q', type: 'integer', value: '<n>', default: 8, help: 'validation images as queries when no images are given' },
      { name: 'json', type: 'string', value: '<file>|-', help: 'also write the neighbours as JSON (- for stdout)' },
      { name: 'layer', type: 'string', value: '<name>', default: 'fc7', help: 'layer compared', advanced: true },
      { name: 'limit', type: 'integer', value: '<n>', help: 'search the first n training images only', advanced: true },
    ],
    examples: [
      'alexnet neighbors --run runs/mini --out neighbours.png',
      'alexnet neighbors --run runs/paper --out n.png --json n.json --k 8 elephant.jpg',
    ],
  },
  async run(args) {
    const out = args.options.out as string | undefined;
    if (!out) throw new UsageError('neighbors', 'missing --out <sheet.png>');
    const { networks: [net] } = await networksFromArgs('neighbors', args);
    const images = args.positionals.length ? args.positionals : undefined;
    const layer = args.options.layer as string;
    const f = await neighboursFigure(net, {
      images, queries: args.options.queries as number, k: args.options.k as number, layer,
      limit: args.options.limit as number | undefined, data: args.options.data as string | undefined,
    });
    for (const x of f.failed) console.error(`alexnet neighbors: ${x.image as string}: ${imageError(x.error)}`);
    if (f.json.queries.length === 0) return 1;
    writeFileAtomic(out, f.png);
    console.error(`wrote ${out}: ${f.json.queries.length} queries × ${args.options.k as number} neighbours (${f.layout.width}×${f.layout.height})`);
    const json = args.options.json as string | undefined;
    if (json) {
      const text = JSON.stringify(f.json, null, 2) + '\n';
      if (json === '-') process.stdout.write(text);
      else writeFileAtomic(json, text);
    }
    return f.failed.length ? 1 : 0;
  },
};
