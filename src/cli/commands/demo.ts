// The README's main job (`npm start`): train the mini preset on the
// Fashion-MNIST subset shipped in the repository, evaluate it with the
// centre crop and the paper's 10 views, and write the run's HTML report.
// No download and no argument needed.
import { join } from 'node:path';
import type { Command } from '../args.js';
import { parseArgs } from '../args.js';
import { timestamp, trainCommand } from './train.js';
import { evaluationReport, formatEvalReport } from '../eval-report.js';
import { loadRun, writeRunReport } from '../../index.js';

export const demoCommand: Command = {
  spec: {
    name: 'demo',
    summary: 'Train mini on the embedded Fashion-MNIST subset, evaluate it, write the HTML report (npm start).',
    usage: ['[--epochs <n>] [--run <dir>]'],
    description: `The whole system end to end in a few minutes on a laptop CPU: the 8,000 + 2,000-image
Fashion-MNIST subset in data/ is prepared (once), the mini preset is trained with its recipe
(the paper's SGD with momentum and weight decay, dropout, flips, the learning rate divided by 10
every 6 epochs), evaluated with the centre crop and the 10 views, and <run>/report.html gathers the training curves,
the conv1 kernels, nearest neighbours in fc7 and the evaluation tables.`,
    options: [
      { name: 'epochs', alias: 'e', type: 'integer', value: '<n>', default: 10, help: 'training epochs' },
      { name: 'run', alias: 'o', type: 'string', value: '<dir>', help: 'run folder [default: runs/demo-<time>]' },
      { name: 'progress', type: 'boolean', default: true, help: 'progress bar on stderr (--no-progress to hide)', advanced: true },
    ],
    examples: ['npm start', 'alexnet demo --epochs 3', 'alexnet demo --run runs/demo && open runs/demo/report.html'],
  },
  async run(args) {
    const run = (args.options.run as string | undefined) ?? join('runs', `demo-${timestamp()}`);
    const trainArgs = ['--preset', 'mini', '--run', run, '--epochs', String(args.options.epochs)];
    if (!args.options.progress) trainArgs.push('--no-progress');
    const code = await trainCommand.run(parseArgs(trainCommand.spec, trainArgs));
    if (code !== 0) return code;
    console.log('\nevaluating (centre crop and 10 views)…');
    const net = await loadRun(run);
    console.log(formatEvalReport(await evaluationReport(net, [net], [1, 10], {})));
    const html = await writeRunReport(run, { views: [1, 10], log: (l) => console.log(l) });
    console.log(`\nreport: ${html}\nnext: open it in a browser; 'alexnet --help' lists every command.`);
    return 0;
  },
};
