import type { Command } from '../args.js';
import { CONFIG_OPTIONS, configFromArgs } from '../config-options.js';
import { describeNetwork } from '../../index.js';

export const info: Command = {
  spec: {
    name: 'info',
    summary: 'Show a preset\'s layers: output shapes, parameters and multiply-adds.',
    usage: ['[--preset <name>] [--json]'],
    description: 'Counts are per image. The paper preset gives 60,965,224 parameters and 724,406,816 multiply-adds (docs/paper.md §1).',
    options: [
      ...CONFIG_OPTIONS,
      { name: 'json', type: 'boolean', help: 'print JSON: {preset, input, layers, params, macs, config}' },
      { name: 'classes', type: 'integer', value: '<n>', help: 'fc8 width (default: the preset\'s)', advanced: true },
    ],
    examples: ['alexnet info --preset paper', 'alexnet info --preset caffe --json', 'alexnet info --preset paper --set model.inputRule=valid'],
  },
  async run(args) {
    const extra: [string, number][] = args.options.classes === undefined ? [] : [['model.classes', args.options.classes as number]];
    const config = configFromArgs(args, extra);
    const i = await describeNetwork({ config });
    const input = [3, i.inputSize, i.inputSize];
    const rows = i.layers.map((l) => ({ name: l.name, output: l.shape, params: l.parameters, macs: l.multiplyAdds }));
    const params = i.parameters;
    const macs = i.multiplyAdds;
    if (args.options.json) {
      console.log(JSON.stringify({ preset: i.preset, input, layers: rows, params, macs, config }, null, 2));
      return 0;
    }
    const fmt = (n: number) => n.toLocaleString('en-US');
    console.log(`${i.preset}: ${i.description}`);
    console.log(`input ${input.join('×')}\n`);
    const head = ['layer', 'output', 'params', 'multiply-adds'];
    const body = rows.map((r) => [r.name, r.output.join('×'), r.params ? fmt(r.params) : '', r.macs ? fmt(r.macs) : '']);
    body.push(['total', '', fmt(params), fmt(macs)]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    body.forEach((b, i) => {
      if (i === body.length - 1) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
      console.log(line(b));
    });
    return 0;
  },
};
