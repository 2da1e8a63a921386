// The inference graph of an AlexNet preset as ONNX (opset 13), weights
// included. Every convention that differs between us and ONNX is settled
// here, explicitly:
// - conv1's overhang rule (cuda-convnet, docs/paper.md §1) becomes asymmetric
//   pads: the extra bottom/right zeros our conv reads are ONNX pads.
// - the paper's two columns are the Conv `group` attribute.
// - LRN: ONNX divides α by `size` (like Caffe), so the paper's per-sum α is
//   exported as α·size; per-column LRN (§3.3) is Split → LRN per column → Concat.
// - dropout at test time: `inverted` is the identity and is dropped; `paper`
//   multiplies by 1 − p (the paper's "multiply the outputs by 0.5"), exported
//   as a Mul by a scalar (exact, and the weights stay those of the file).
// - fully connected layers are Flatten + Gemm with transB (weights [out, in]).
import type { AlexNet } from '../models/alexnet.js';
import type { LayerSpec } from '../models/presets.js';
import { stateDict } from '../nn/state.js';
import { conv2dGeometry } from '../ops/conv2d.js';
import { dropoutScale } from '../ops/dropout.js';
import type { Shape } from '../tensor/shape.js';
import { VERSION } from '../version.js';
import { encodeOnnxModel, type OnnxInitializer, type OnnxModel, type OnnxNode } from './onnx-proto.js';

export const ONNX_OPSET = 13;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'logits';

export interface OnnxExportOptions {
  /** A fixed batch size, or 'dynamic' for a symbolic batch dimension `N`. Default 'dynamic'. */
  readonly batch?: number | 'dynamic';
}

export class OnnxExportError extends Error {
  constructor(layer: string, message: string) {
    super(`ONNX export: ${layer}: ${message}`);
    this.name = 'OnnxExportError';
  }
}

/** Output size along one axis by ONNX's rule for Conv and MaxPool (floor, or ceil with ceil_mode). */
function onnxOutSize(size: number, pads: number, k: number, stride: number, ceil: boolean): number {
  const span = (size + pads - k) / stride;
  return 1 + (ceil ? Math.ceil(span) : Math.floor(span));
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  current = ONNX_INPUT;

  /** Appends a node reading `current` (plus `extra` inputs) and makes its output current. */
  op(opType: string, name: string, attributes: OnnxNode['attributes'] = {}, extra: readonly string[] = []): void {
    this.nodes.push({ opType, name, inputs: [this.current, ...extra], outputs: [name], attributes });
    this.current = name;
  }

  constant(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }
}

function checkShape(layer: string, what: string, onnx: readonly number[], ours: Shape): void {
  if (onnx.join() !== ours.slice(2).join()) throw new OnnxExportError(layer, `${what} would give ${onnx.join('×')} where ours gives ${ours.slice(2).join('×')}`);
}

function emitLayer(g: GraphBuilder, spec: LayerSpec, input: Shape, output: Shape, weights: ReadonlyMap<string, { shape: Shape; data: Float32Array }>): void {
  const param = (stateName: string, kind: 'weight' | 'bias'): string => {
    const t = weights.get(`${stateName}.${kind}`);
    if (!t) throw new OnnxExportError(spec.name, `the network has no parameter ${stateName}.${kind}`);
    return g.constant(`${stateName}.${kind}`, t.shape, t.data);
  };
  switch (spec.kind) {
    case 'conv': {
      const w = param(spec.stateName, 'weight');
      const geo = conv2dGeometry(input, weights.get(w)!.shape, { stride: spec.stride, padding: spec.padding, groups: spec.groups, outputRule: spec.outputRule });
      const pads = [geo.padTop, geo.padLeft, geo.padBottom, geo.padRight]; // ONNX: all begins, then all ends
      checkShape(spec.name, 'ONNX Conv', [onnxOutSize(geo.H, geo.padTop + geo.padBottom, geo.KH, geo.strideH, false), onnxOutSize(geo.W, geo.padLeft + geo.padRight, geo.KW, geo.strideW, false)], output);
      g.op('Conv', spec.name, {
        kernel_shape: { ints: [geo.KH, geo.KW] }, strides: { ints: [geo.strideH, geo.strideW] },
        pads: { ints: pads }, group: { int: geo.groups }, dilations: { ints: [1, 1] },
      }, [w, param(spec.stateName, 'bias')]);
      if (spec.relu) g.op('Relu', `${spec.name}.relu`);
      return;
    }
    case 'lrn': {
      // ONNX's window is [c − ⌊(n−1)/2⌋, c + ⌈(n−1)/2⌉]; ours is [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋]: the same only for odd n.
      if (spec.size % 2 === 0) throw new OnnxExportError(spec.name, `LRN size ${spec.size} is even; ONNX centres even windows differently`);
      const attrs = { size: { int: spec.size }, alpha: { float: spec.alphaConvention === 'perSum' ? spec.alpha * spec.size : spec.alpha }, beta: { float: spec.beta }, bias: { float: spec.k } };
      if (spec.groups === 1) {
        g.op('LRN', spec.name, attrs);
        return;
      }
      const cols = Array.from({ length: spec.groups }, (_, i) => `${spec.name}.column${i}`);
      g.nodes.push({ opType: 'Split', name: `${spec.name}.split`, inputs: [g.current], outputs: cols, attributes: { axis: { int: 1 } } });
      for (const c of cols) g.nodes.push({ opType: 'LRN', name: `${c}.lrn`, inputs: [c], outputs: [`${c}.lrn`], attributes: attrs });
      g.nodes.push({ opType: 'Concat', name: spec.name, inputs: cols.map((c) => `${c}.lrn`), outputs: [spec.name], attributes: { axis: { int: 1 } } });
      g.current = spec.name;
      return;
    }
    case 'maxpool': {
      const ceil = spec.rounding === 'ceil';
      checkShape(spec.name, 'ONNX MaxPool', [onnxOutSize(input[2], 0, spec.kernel, spec.stride, ceil), onnxOutSize(input[3], 0, spec.kernel, spec.stride, ceil)], output);
      g.op('MaxPool', spec.name, { kernel_shape: { ints: [spec.kernel, spec.kernel] }, strides: { ints: [spec.stride, spec.stride] }, pads: { ints: [0, 0, 0, 0] }, ceil_mode: { int: ceil ? 1 : 0 } });
      return;
    }
    case 'dropout': {
      const scale = dropoutScale(spec, false);
      if (scale !== 1) g.op('Mul', spec.name, {}, [g.constant(`${spec.name}.test_scale`, [], Float32Array.of(scale))]);
      return;
    }
    case 'linear':
      if (input.length !== 2) g.op('Flatten', `${spec.name}.flatten`, { axis: { int: 1 } });
      g.op('Gemm', spec.name, { transB: { int: 1 } }, [param(spec.stateName, 'weight'), param(spec.stateName, 'bias')]);
      if (spec.relu) g.op('Relu', `${spec.name}.relu`);
      return;
  }
}

/** The ONNX model as data: nodes, initializers (the live weights, not copies), inputs and outputs. */
export function toOnnxModel(model: AlexNet, options: OnnxExportOptions = {}): OnnxModel {
  const { preset, net } = model;
  const batch = options.batch ?? 'dynamic';
  if (batch !== 'dynamic' && !(Number.isSafeInteger(batch) && batch >= 1)) throw new OnnxExportError('input', `batch must be a positive integer or 'dynamic', got ${batch}`);
  if (preset.activation === 'tanh') throw new OnnxExportError(preset.name, 'tanh networks (model.activation=tanh, the §3.1 ablation) are not exported; export a relu network');
  const inputShape: Shape = [1, preset.inputChannels, preset.inputSize, preset.inputSize];
  const shapes = net.shapes(inputShape);
  if (shapes.length !== preset.layers.length) throw new OnnxExportError(preset.name, `the network has ${shapes.length} layers, its preset ${preset.layers.length}`);
  const weights = new Map([...stateDict(net)].map(([n, t]) => [n, { shape: t.shape, data: t.data }]));
  const g = new GraphBuilder();
  preset.layers.forEach((spec, i) => emitLayer(g, spec, i === 0 ? inputShape : shapes[i - 1], shapes[i], weights));
  const last = g.nodes[g.nodes.length - 1];
  g.nodes[g.nodes.length - 1] = { ...last, outputs: [ONNX_OUTPUT] };
  const n = batch === 'dynamic' ? 'N' : batch;
  return {
    producerName: 'alexnet-ts',
    producerVersion: VERSION,
    docString: `AlexNet, preset '${preset.name}': ${preset.description}. Input: ${ONNX_INPUT} [N, ${preset.inputChannels}, ${preset.inputSize}, ${preset.inputSize}] float32 NCHW, preprocessed as for training; output: ${ONNX_OUTPUT} [N, ${preset.classes}] (before softmax).`,
    opsetVersion: ONNX_OPSET,
    graphName: `alexnet_${preset.name}`,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: ONNX_INPUT, dims: [n, preset.inputChannels, preset.inputSize, preset.inputSize] }],
    outputs: [{ name: ONNX_OUTPUT, dims: [n, preset.classes] }],
    metadata: { preset: preset.name },
  };
}

/** The serialised model, as chunks that reference the weights (concatenate or write them in order). */
export function encodeOnnx(model: AlexNet, options: OnnxExportOptions = {}): Uint8Array[] {
  return encodeOnnxModel(toOnnxModel(model, options));
}
