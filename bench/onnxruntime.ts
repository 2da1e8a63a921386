// ONNX Runtime's side of `npm run bench` (the second reference):
// the preset's own exported ONNX graph (src/export/onnx.ts, dynamic batch)
// in onnxruntime-node's CPU provider, in a process of its own, with as many
// intra-op threads as our kernels use and every graph optimisation on. The
// ops it ran (after its fusions) are read from one profiled run, so the
// table can say which optimisations took effect. Prints one JSON object.
import '../src/backend/reference/index.js';
import * as ort from 'onnxruntime-node';
import { buildAlexNet, initAlexNet } from '../src/models/alexnet.js';
import { getPreset } from '../src/models/presets.js';
import { encodeOnnx } from '../src/export/onnx.js';
import { Rng } from '../src/tensor/random.js';
import { arg, inferReps, median, timeRunsAsync } from './timing.js';
import { profileOrt } from './ort-profile.js';

const preset = getPreset(arg('preset', 'paper'));
const reps = Number(arg('reps', '3'));
const threads = Number(arg('threads', '2'));
const inferBatches = arg('infer-batches', '1,32,128').split(',').map(Number);
const rng = new Rng(0);
const model = buildAlexNet(preset);
initAlexNet(model, rng);
model.eval();
const bytes = Buffer.concat(encodeOnnx(model)); // as `alexnet export` writes it

const options: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
};
const S = preset.inputSize;
const input = (b: number) => new ort.Tensor('float32', rng.fillNormal(new Float32Array(b * 3 * S * S)), [b, 3, S, S]);

// The node ops ONNX Runtime executes after its graph rewrites, from its profiler.
const ops = new Map<string, number>();
for (const n of (await profileOrt(bytes, options, input(1), 1))[0] ?? []) ops.set(n.op, (ops.get(n.op) ?? 0) + 1);

const session = await ort.InferenceSession.create(bytes, options);
const infer: Record<string, { img_s: number; seconds: number[] }> = {};
for (const b of inferBatches) {
  const feeds = { [session.inputNames[0]]: input(b) };
  const times = await timeRunsAsync(() => session.run(feeds), inferReps(b, reps));
  infer[String(b)] = { img_s: b / median(times), seconds: times };
}
await session.release();
console.log(JSON.stringify({ version: ort.env.versions.node ?? ort.env.versions.common, threads, optimisation: 'all', ops: Object.fromEntries(ops), infer }));
