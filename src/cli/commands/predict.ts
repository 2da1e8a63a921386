// `alexnet predict`: the top-5 classes of image files (docs/paper.md §6.1, Figure 4 left).
import type { Command } from '../args.js';
import { imageError, MEAN_OPTION, MODEL_OPTIONS, networksFromArgs } from '../model-options.js';

export const predictCommand: Command = {
  spec: {
    name: 'predict',
    summary: 'Top-5 classes, with names and probabilities, of JPEG/PNG/WebP images.',
    usage: ['--run <dir> [--top <k>] [--json] <image>…', '--weights <file>[,<file>…] [--preset <name>] [--data <dir>] <image>…'],
    description: [
      'Each image is preprocessed as the network\'s training data was. torchvision and caffe',
      'weights bring their own normalisation (torchvision: resize 256, centre 224, [0,1]',
      'pixels, ImageNet mean/std; caffe: 256×256, centre 227, BGR minus the mean pixel), so',
      'they need no --data. Otherwise (docs/paper.md §5): shorter side to the dataset\'s prepared',
      'size, central square, the centre crop, minus the training set\'s mean, which comes from',
      '--data, else from the run folder (stored there as mean.safetensors the first time).',
      'A file that cannot be read is reported on stderr with the reason and the others are',
      'still predicted; the exit status is then 1.',
    ].join('\n'),
    positionals: { min: 1, max: Infinity, name: '<image>…' },
    options: [
      ...MODEL_OPTIONS,
      MEAN_OPTION,
      { name: 'top', alias: 'k', type: 'integer', value: '<k>', default: 5, help: 'classes per image' },
      { name: 'json', type: 'boolean', help: 'print JSON: {predictions: [{file, top: [{index, id, name, probability}]}], failed: [{file, error}]}' },
    ],
    examples: [
      'alexnet predict --run runs/paper cat.jpg dog.png',
      'alexnet predict --weights alexnet-torchvision.safetensors dog.jpg   # from alexnet convert',
      'alexnet predict --weights a.safetensors,b.safetensors --data data/ilsvrc256 *.jpg   # an ensemble',
      'alexnet predict --run runs/mini --json shoe.webp | jq .predictions[0].top[0].name',
    ],
  },
  async run(args) {
    const { target } = await networksFromArgs('predict', args);
    // Batches of 64, as evaluation reads them.
    const outcomes = await target.classifyEach(args.positionals, { topK: args.options.top as number, batchSize: 64 });
    const r = {
      predictions: outcomes.flatMap((o) => ('top' in o ? [{ file: o.image as string, top: o.top.map((c) => ({ id: c.id, name: c.label, index: c.index, probability: c.probability })) }] : [])),
      failed: outcomes.flatMap((o) => ('error' in o ? [{ file: o.image as string, error: imageError(o.error) }] : [])),
    };
    for (const f of r.failed) console.error(`alexnet predict: ${f.file}: ${f.error}`);
    if (args.options.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    } else {
      for (const p of r.predictions) {
        console.log(p.file);
        for (const c of p.top) console.log(`  ${(100 * c.probability).toFixed(2).padStart(6)}%  ${c.name}${c.name !== c.id ? ` (${c.id})` : ''}`);
      }
    }
    return r.failed.length ? 1 : 0;
  },
};
