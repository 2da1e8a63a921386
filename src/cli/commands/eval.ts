// `alexnet eval`: top-1/top-5 error of a network or an ensemble (docs/paper.md §6)
// with the centre crop and the paper's 10 views (§5).
import type { Command } from '../args.js';
import { MODEL_OPTIONS, networksFromArgs } from '../model-options.js';
import { evaluationReport, formatEvalReport } from '../eval-report.js';
import type { SplitName } from '../../index.js';

const VIEWS: Record<string, (1 | 10)[]> = { '1': [1], '10': [10], both: [1, 10] };

export const evalCommand: Command = {
  spec: {
    name: 'eval',
    summary: 'Top-1 and top-5 error on a validation set, centre crop and 10 views (docs/paper.md §5, §6).',
    usage: ['--run <dir> [--views 1|10|both] [--limit <n>] [--json]', '--weights <file>[,<file>…] [--preset <name>] --data <dir> [options]'],
    description: [
      'Runs the network in evaluation mode over the validation split and prints top-1 and',
      'top-5 error for the centre crop and for the paper\'s 10 views (4 corners + centre,',
      'and their mirror images; softmax outputs averaged), then per-class accuracy and the',
      'class pairs most often confused. Several --weights files are an ensemble: their',
      'softmax outputs are averaged, as the paper\'s 5 CNNs.',
      '',
      'On a run folder the figures for --views 1 equal the validation error the trainer',
      'logged for the same split (metrics/epochs.jsonl), when the run validated on all of it.',
    ].join('\n'),
    options: [
      ...MODEL_OPTIONS,
      { name: 'views', type: 'string', value: '<1|10|both>', choices: Object.keys(VIEWS), default: 'both', help: 'crops per image' },
      { name: 'json', type: 'boolean', help: 'print the results as JSON (for scripts)' },
      { name: 'limit', type: 'integer', value: '<n>', help: 'the first n images only (class-balanced order)', advanced: true },
      { name: 'split', type: 'string', value: '<name>', choices: ['val', 'train', 'test'], default: 'val', help: 'split to evaluate (test: datasets prepared with --val-split)', advanced: true },
      { name: 'top-confusions', type: 'integer', value: '<n>', default: 10, help: 'confused class pairs listed', advanced: true },
      { name: 'workers', type: 'integer', value: '<n>', help: 'loader worker threads [default: the run\'s]', advanced: true },
    ],
    examples: [
      'alexnet eval --run runs/mini-20260101-120000',
      'alexnet eval --run runs/paper --views 10 --json > eval.json',
      'alexnet eval --weights a.safetensors,b.safetensors,c.safetensors --data data/ilsvrc256   # ensemble',
    ],
  },
  async run(args) {
    const { target, networks } = await networksFromArgs('eval', args);
    const json = args.options.json === true;
    const report = await evaluationReport(target, networks, VIEWS[args.options.views as string], {
      split: args.options.split as SplitName, data: args.options.data as string | undefined,
      limit: args.options.limit as number | undefined,
      topConfusions: args.options['top-confusions'] as number,
      workers: args.options.workers as number | undefined,
      onProgress: process.stderr.isTTY && !json ? (v, done, total) => process.stderr.write(`\r${v} view(s): ${done}/${total} images`) : undefined,
    });
    if (process.stderr.isTTY && !json) process.stderr.write('\r\x1b[K');
    process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : formatEvalReport(report));
    return 0;
  },
};
