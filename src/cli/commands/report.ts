// `alexnet report`: one self-contained HTML page for a run (src/viz/report.ts).
import { writeFileSync } from 'node:fs';
import type { Command } from '../args.js';
import { UsageError } from '../args.js';
import { trainingCurves, writeFileAtomic, writeRunReport } from '../../index.js';

export const reportCommand: Command = {
  spec: {
    name: 'report',
    summary: 'Write a run\'s HTML report: curves, evaluation, conv1 kernels, neighbours.',
    usage: ['--run <dir> [--out <file.html>] [--data <dir>] [--views 1|10|both] [--no-neighbors]', '--run <dir> --curves <file.svg|file.png>'],
    description: [
      'Gathers in one HTML file, viewable offline (pictures inlined): the training curves',
      '(loss, top-1 and top-5 error per epoch, learning-rate drops marked), top-1/top-5',
      'error with the centre crop and the 10 views, per-class accuracy and confusions, the',
      'conv1 kernels (Figure 3) and fc7 nearest neighbours of validation images (Figure 4).',
      'With --curves only the training curves are written, as SVG or PNG.',
    ].join('\n'),
    options: [
      { name: 'run', alias: 'r', type: 'string', value: '<dir>', help: 'run folder of alexnet train' },
      { name: 'out', alias: 'o', type: 'string', value: '<file.html>', help: 'where to write [default: <run>/report.html]' },
      { name: 'data', alias: 'd', type: 'string', value: '<dir>', help: 'prepared dataset [default: the one the run recorded]' },
      { name: 'views', type: 'string', value: '<1|10|both>', choices: ['1', '10', 'both'], default: 'both', help: 'evaluations to include' },
      { name: 'curves', type: 'string', value: '<file>', help: 'write only the training curves (.svg or .png)' },
      { name: 'neighbors', type: 'boolean', default: true, help: 'include the nearest-neighbour figure (--no-neighbors: skip)', advanced: true },
      { name: 'limit', type: 'integer', value: '<n>', help: 'evaluate on the first n validation images only', advanced: true },
    ],
    examples: [
      'alexnet report --run runs/mini-20260101-120000          # writes <run>/report.html',
      'alexnet report --run runs/paper --views 10 --out paper.html',
      'alexnet report --run runs/paper --curves curves.svg',
    ],
  },
  async run(args) {
    const run = args.options.run as string | undefined;
    if (!run) throw new UsageError('report', 'missing --run <dir> (a folder alexnet train wrote)');
    const curves = args.options.curves as string | undefined;
    if (curves) {
      if (curves.endsWith('.png')) writeFileAtomic(curves, await trainingCurves(run, 'png') as Uint8Array);
      else writeFileSync(curves, await trainingCurves(run, 'svg') as string);
      console.log(`wrote ${curves}`);
      return 0;
    }
    const views = { '1': [1], '10': [10], both: [1, 10] }[args.options.views as '1' | '10' | 'both'] as (1 | 10)[];
    const path = await writeRunReport(run, {
      data: args.options.data as string | undefined, out: args.options.out as string | undefined, views,
      evalLimit: args.options.limit as number | undefined, neighbors: args.options.neighbors ? {} : false,
      log: (l) => console.error(l),
    });
    console.log(`wrote ${path}`);
    return 0;
  },
};
