// `alexnet export`: writes a preset's inference graph, with its weights, in
// a format other tools run. Only ONNX so far; the option names the format so
// others can join it.
import { statSync } from 'node:fs';
import type { Command } from '../args.js';
import { UsageError } from '../args.js';
import { createNetwork, loadNetwork, ONNX_OPSET, PRESET_NAMES, type PresetName } from '../../index.js';

function parseBatch(raw: string): number | 'dynamic' {
  if (raw === 'dynamic') return raw;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new UsageError('export', `--batch expects a positive integer or 'dynamic', got '${raw}'`);
  return n;
}

export const exportCommand: Command = {
  spec: {
    name: 'export',
    summary: 'Write a network with its weights as an ONNX model.',
    usage: ['--onnx <file> [--weights <file>] [--preset <name>] [--batch <n>|dynamic]'],
    description: [
      `Writes the inference graph of a preset (opset ${ONNX_OPSET}) with the weights of a`,
      'safetensors file: logits out, no softmax, dropout at its test-time setting.',
      'Without --weights the preset\'s random initialisation (seed 0) is written,',
      'which is only useful to inspect the graph.',
      '',
      'The preset is taken from --preset, else from the weights file\'s metadata',
      `(files written by alexnet-ts record it), else 'paper'. A torchvision`,
      'state dict saved as safetensors loads with --preset torchvision (docs/weights.md).',
    ].join('\n'),
    options: [
      { name: 'onnx', type: 'string', value: '<file>', help: 'write the ONNX model to <file>' },
      { name: 'weights', alias: 'w', type: 'string', value: '<file>', help: 'safetensors weights to export' },
      { name: 'preset', alias: 'p', type: 'string', value: '<name>', help: 'network preset', choices: PRESET_NAMES },
      { name: 'batch', alias: 'b', type: 'string', value: '<n>|dynamic', help: 'batch dimension of the input and output', default: 'dynamic' },
    ],
    examples: [
      'alexnet export --onnx alexnet.onnx --weights run/best.safetensors',
      'alexnet export --onnx tv.onnx --weights alexnet-torchvision.safetensors --preset torchvision',
      'alexnet export --onnx paper-b1.onnx --preset paper --batch 1   # random weights, graph only',
    ],
  },
  async run(args) {
    const out = args.options.onnx as string | undefined;
    if (out === undefined) throw new UsageError('export', 'missing --onnx <file> (the only output format so far)');
    const batch = parseBatch(args.options.batch as string);
    const weightsFile = args.options.weights as string | undefined;
    const preset = args.options.preset as PresetName | undefined;
    let net;
    if (weightsFile) {
      net = await loadNetwork(weightsFile, { preset });
      const converted = Object.values(net.info().converted);
      if (converted.length) console.error(`alexnet export: widened ${converted.length} tensor(s) to float32 (${[...new Set(converted)].join(', ')})`);
    } else {
      console.error(`alexnet export: no --weights given; writing the '${preset ?? 'paper'}' preset's random initialisation`);
      net = await createNetwork({ preset: preset ?? 'paper', seed: 0 });
    }
    await net.exportOnnx(out, { batch });
    console.log(`wrote ${out}: preset ${net.preset}, batch ${batch}, ${(statSync(out).size / 1e6).toFixed(1)} MB`);
    return 0;
  },
};
