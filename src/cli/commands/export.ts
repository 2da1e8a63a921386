// `alexnet export`: writes a preset's inference graph, with its weights, in
// a format other tools run. Only ONNX so far; the option names the format so
// others can join it.
import type { Command } from '../args.js';
import { UsageError } from '../args.js';
import { buildAlexNet, initAlexNet } from '../../models/alexnet.js';
import { getPreset, PRESETS } from '../../models/presets.js';
import { readSafetensors } from '../../io/safetensors-file.js';
import { applyWeights, PRESET_KEY } from '../../io/weights.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { encodeOnnx, ONNX_OPSET } from '../../export/onnx.js';
import { Rng } from '../../tensor/random.js';

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
      { name: 'preset', alias: 'p', type: 'string', value: '<name>', help: 'network preset', choices: Object.keys(PRESETS) },
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
    const weights = weightsFile === undefined ? null : readSafetensors(weightsFile);
    const presetName = (args.options.preset as string | undefined) ?? weights?.metadata[PRESET_KEY] ?? 'paper';
    const model = buildAlexNet(getPreset(presetName));
    if (weights && weightsFile) {
      const r = applyWeights(model, weights, weightsFile);
      if (r.converted.size) console.error(`alexnet export: widened ${r.converted.size} tensor(s) to float32 (${[...new Set(r.converted.values())].join(', ')})`);
    } else {
      console.error(`alexnet export: no --weights given; writing the '${presetName}' preset's random initialisation`);
      initAlexNet(model, new Rng(0));
    }
    const bytes = Buffer.concat(encodeOnnx(model, { batch }));
    writeFileAtomic(out, bytes);
    console.log(`wrote ${out}: preset ${presetName}, batch ${batch}, ${(bytes.length / 1e6).toFixed(1)} MB`);
    return 0;
  },
};
