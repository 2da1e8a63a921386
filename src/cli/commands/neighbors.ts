// `alexnet neighbors`: the training images nearest to query images in fc7
// (docs/paper.md §6.1, Figure 4 right), as a contact sheet and JSON.
import type { Command } from '../args.js';
import { UsageError } from '../args.js';
import { imagesFromArgs, MODEL_OPTIONS, modelsFromArgs } from '../model-options.js';
import { resolvePreprocessing } from '../../eval/preprocess.js';
import { nearestNeighbors, neighborsJson, validationQueries, type NeighborQuery } from '../../eval/neighbors.js';
import { ensembleProbabilities } from '../../eval/predict.js';
import { topK } from '../../eval/metrics.js';
import { contactSheet } from '../../viz/contact-sheet.js';
import { writePng } from '../../viz/png.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { Tensor } from '../../tensor/tensor.js';

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
    const loaded = await modelsFromArgs('neighbors', args);
    const model = loaded.models[0];
    const dataDir = loaded.dataDir;
    if (!dataDir) throw new UsageError('neighbors', 'no training images: pass --data <prepared dataset the network was trained on>');
    const crop = loaded.preset.inputSize;
    const prep = resolvePreprocessing({ dataDir, runDir: loaded.runDir, cropSize: crop, mean: loaded.config.data.mean, input: loaded.config.data.input });
    let queries: NeighborQuery[];
    let failed = 0;
    if (args.positionals.length) {
      const b = await imagesFromArgs('neighbors', args.positionals, prep);
      failed = b.failed.length;
      const per = 3 * crop * crop;
      queries = b.files.map((file, i) => ({ name: file, x: b.x.data.slice(i * per, (i + 1) * per), label: null }));
    } else {
      queries = await validationQueries(dataDir, loaded.config, crop, args.options.queries as number);
    }
    if (queries.length === 0) return 1;
    const results = await nearestNeighbors(model, queries, dataDir, loaded.config, prep, {
      k: args.options.k as number, layer: args.options.layer as string, limit: args.options.limit as number | undefined,
    });
    // Files have no label: compare the neighbours with the class the network predicts.
    const qx = new Float32Array(queries.flatMap((q) => Array.from(q.x)));
    const probs = await ensembleProbabilities([model], new Tensor(qx, [queries.length, 3, crop, crop]));
    const k = loaded.classes.length;
    const queryClass = queries.map((q, i) => q.label ?? topK(probs, i * k, k, 1)[0]);
    const sheet = await contactSheet(results, crop, queryClass);
    writePng(out, sheet.png);
    console.error(`wrote ${out}: ${results.length} queries × ${args.options.k as number} neighbours (${sheet.layout.width}×${sheet.layout.height})`);
    const json = args.options.json as string | undefined;
    if (json) {
      const text = JSON.stringify(neighborsJson(results, loaded.classes, args.options.layer as string), null, 2) + '\n';
      if (json === '-') process.stdout.write(text);
      else writeFileAtomic(json, text);
    }
    return failed ? 1 : 0;
  },
};
