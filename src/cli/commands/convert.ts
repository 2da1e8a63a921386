// `alexnet convert`: published AlexNet weights (torch.save, .caffemodel) to a
// safetensors weights file that records its preset and input normalisation.
import type { Command } from '../args.js';
import { convertWeights, PRESET_NAMES } from '../../index.js';

export const convertCommand: Command = {
  spec: {
    name: 'convert',
    summary: 'Convert PyTorch (.pth) or Caffe (.caffemodel) weights to a safetensors weights file, without Python.',
    usage: ['<in.pth|in.caffemodel> <out.safetensors> [--preset <name>]'],
    description: [
      'PyTorch: a file written by torch.save (a zip with data.pkl), holding a state dict or a',
      "checkpoint with a 'state_dict' entry. The pickle is read by a restricted reader that",
      'builds only dicts and tensors: one that names other Python code (os.system, a model',
      'class) is refused, never run. torchvision names (features.0 …) give preset torchvision.',
      "Caffe: a .caffemodel (NetParameter); BVLC AlexNet's layers conv1 … fc8 give preset caffe.",
      '',
      'Tensors are copied exactly (float32; float16/bfloat16 widened, float64 rounded), names',
      'and shapes checked against the preset. The output records the preset and the input',
      'normalisation the weights expect (torchvision: [0,1] pixels, ImageNet mean/std, resize',
      '256, centre 224; caffe: BGR 0–255 minus the mean pixel, 256×256, centre 227), so',
      "'alexnet predict --weights <out> photo.jpg' needs nothing else.",
    ].join('\n'),
    positionals: { min: 2, max: 2, name: '<in> <out.safetensors>' },
    options: [
      { name: 'preset', alias: 'p', type: 'string', value: '<name>', choices: PRESET_NAMES, help: "network of the weights where the file does not tell (conv1 … names in a .pth: paper or caffe) [default: torchvision names → torchvision; .caffemodel → caffe]" },
      { name: 'no-shape-check', type: 'boolean', help: 'check only the tensor names, not their shapes (shrunken test networks)', advanced: true },
    ],
    examples: [
      'alexnet convert alexnet-owt-7be5be79.pth alexnet-torchvision.safetensors',
      'alexnet convert bvlc_alexnet.caffemodel alexnet-caffe.safetensors',
      'alexnet convert checkpoint.pth out.safetensors --preset caffe',
    ],
  },
  async run(args) {
    const [input, output] = args.positionals;
    const r = convertWeights(input, output, { preset: args.options.preset as string | undefined, checkShapes: args.options['no-shape-check'] !== true });
    const widened = r.converted.size ? `; ${r.converted.size} tensor(s) converted to float32 from ${[...new Set(r.converted.values())].join(', ')}` : '';
    console.log(`wrote ${output}: preset ${r.preset}, ${r.tensors} tensors, ${r.parameters.toLocaleString('en-US')} parameters (from ${r.format === 'torch' ? `torch.save${r.path ? `, '${r.path}'` : ''}` : 'caffemodel'})${widened}`);
    return 0;
  },
};
