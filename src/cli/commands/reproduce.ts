import { join } from 'node:path';
import type { Command } from '../args.js';
import { timestamp } from './train.js';
import { formatDuration, formatGain, formatSummary, reproduce } from '../../index.js';

export const reproduceCommand: Command = {
  spec: {
    name: 'reproduce',
    summary: "Re-measure the paper's claims (ReLU vs tanh, LRN, overlapping pooling, two columns, dropout, augmentation, 10 views, ensembles).",
    usage: ['[--quick] [--run <dir>] [--data <dir>]'],
    description: `Trains every variant of docs/reproduce.md (config overrides of the mini and convnet4 presets,
several seeds each, each its own run folder under <run>/), then reads the test split once and writes
<run>/claims.json and <run>/report.html: each claim's figures beside the paper's, with a verdict.
Without --data: the embedded Fashion-MNIST subset, with 1,000 of its training images as the validation
split. Interrupt at any time (Ctrl-C, kill): the same command continues, finished experiments are not
repeated and a half-done one resumes from its checkpoint. ALEXNET_THREADS sets the threads of each run.`,
    options: [
      { name: 'quick', type: 'boolean', help: 'the whole suite in a few minutes (640 images, 1 epoch, 2 seeds): checks the machinery, not the claims' },
      { name: 'run', alias: 'o', type: 'string', value: '<dir>', help: 'suite folder [default: runs/reproduce-<time>]' },
      { name: 'data', alias: 'd', type: 'string', value: '<dir>', help: "prepared dataset with train, val and test splits (alexnet prepare --val-split <n>)" },
      { name: 'progress', type: 'boolean', default: true, help: 'progress bar on stderr (--no-progress to hide)', advanced: true },
    ],
    examples: [
      'alexnet reproduce --quick',
      'ALEXNET_THREADS=1 nohup alexnet reproduce --run runs/reproduce-full &',
      'alexnet reproduce --run runs/reproduce-fm --data data/fashion28-val   # prepared with --val-split 5000',
    ],
  },
  async run(args) {
    const suiteDir = (args.options.run as string | undefined) ?? join('runs', `reproduce-${timestamp()}`);
    let stopping = false;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      console.error('\nstopping: the running experiment saves a checkpoint; rerun the same command to continue');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const r = await reproduce({
        suiteDir, data: args.options.data as string | undefined, mode: args.options.quick ? 'quick' : 'full',
        log: (l) => console.log(l), progress: args.options.progress as boolean, stopping: () => stopping,
      });
      if (r.status === 'interrupted') {
        console.log(`interrupted after ${formatDuration(r.seconds)}; continue with: alexnet reproduce ${args.options.quick ? '--quick ' : ''}--run ${suiteDir}`);
        return 130;
      }
      for (const c of r.claims) {
        const m = c.measures[0];
        console.log(`${c.id.padEnd(20)} ${c.section.padEnd(16)} ${m.name}: ${Object.entries(m.groups).map(([g, s]) => `${g} ${formatSummary(s, m.unit)}`).join(', ')}; gain ${formatGain(m)} → ${c.verdict}`);
      }
      console.log(`done in ${formatDuration(r.seconds)}: ${join(suiteDir, 'claims.json')}, ${join(suiteDir, 'report.html')}`);
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
