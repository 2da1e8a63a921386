// Per-layer inference profile, ours against ONNX Runtime, in one process:
// `node dist/bench/layers.js --preset torchvision --batch 128 --reps 3`.
// Ours: each layer's eval forward timed around its call; ONNX Runtime: its
// own profiler's node times on the preset's exported graph (every graph
// optimisation, as many intra-op threads as ours), each node counted to the
// layer whose name it carries (`conv1.relu_nchwc` → conv1, `fused fc6` →
// fc6; layout reorders and the like under "other"). Medians over the
// repetitions after two warm-up runs. Where `npm run bench` measures each
// side in its own process, this puts both in one minute of the machine, so
// its ratios are the ones to read when the machine is noisy.
import * as ort from 'onnxruntime-node';
import { buildAlexNet, initAlexNet } from '../src/models/alexnet.js';
import { getPreset } from '../src/models/presets.js';
import { encodeOnnx } from '../src/export/onnx.js';
import { Rng } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { selectDefaultBackend } from '../src/backend/select.js';
import { loadAddon } from '../src/backend/native/addon.js';
import { arg, median, timeRunsAsync } from './timing.js';
import { profileOrt } from './ort-profile.js';

const preset = getPreset(arg('preset', 'torchvision'));
const batch = Number(arg('batch', '1'));
const reps = Number(arg('reps', batch === 1 ? '30' : '5'));
const WARMUP = 2;
selectDefaultBackend();
const addon = loadAddon();
const threads = addon instanceof Error ? 1 : addon.info().threads;
const rng = new Rng(0);
const model = buildAlexNet(preset);
initAlexNet(model, rng);
model.eval();
const S = preset.inputSize;
const data = rng.fillNormal(new Float32Array(batch * 3 * S * S));

// Ours, layer by layer.
const layers = model.net.layers;
const ours = layers.map(() => [] as number[]);
const oursTotal: number[] = [];
const x = new Tensor(data, [batch, 3, S, S]);
for (let r = 0; r < reps + WARMUP; r++) {
  let h = x;
  const t0 = performance.now();
  layers.forEach((l, i) => {
    const t = performance.now();
    h = l.forward(h, { training: false, rng });
    if (r >= WARMUP) ours[i].push(performance.now() - t);
  });
  if (r >= WARMUP) oursTotal.push(performance.now() - t0);
}

// ONNX Runtime, node by node.
const options: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential',
};
const onnx = Buffer.concat(encodeOnnx(model));
const runs = (await profileOrt(onnx, options, new ort.Tensor('float32', data, [batch, 3, S, S]), reps + WARMUP)).slice(WARMUP);
const names = layers.map((l) => l.name);
const owner = (node: string) => names.find((n) => node.split(/[^A-Za-z0-9]+/).includes(n)) ?? 'other';
const ortPer = new Map<string, number[]>([...names, 'other'].map((n) => [n, []]));
const ortTotal: number[] = [];
for (const run of runs) {
  const sums = new Map<string, number>();
  for (const e of run) sums.set(owner(e.node), (sums.get(owner(e.node)) ?? 0) + e.us / 1000);
  for (const [n, v] of ortPer) v.push(sums.get(n) ?? 0);
  ortTotal.push(run.reduce((a, e) => a + e.us / 1000, 0));
}

// ONNX Runtime end to end (session.run on a session without profiling), as `npm run bench` times it.
const session = await ort.InferenceSession.create(onnx, options);
const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, [batch, 3, S, S]) };
const ortWall = (await timeRunsAsync(() => session.run(feeds), reps, WARMUP)).map((s) => s * 1000);
await session.release();

const fmt = (v: number) => v.toFixed(v < 10 ? 3 : 1).padStart(9);
console.log(`${preset.name}, batch ${batch}, ${threads} threads, ${reps} repetitions; ms (medians), ours / ONNX Runtime ${ort.env.versions.node ?? ''}`);
console.log(`${'layer'.padEnd(8)}${'ours'.padStart(9)}${'onnxrt'.padStart(9)}${'ratio'.padStart(8)}`);
const row = (name: string, a: number, b: number) =>
  console.log(`${name.padEnd(8)}${fmt(a)}${fmt(b)}${(a > 0 && b > 0 ? (b / a).toFixed(2) : '—').padStart(8)}`);
names.forEach((n, i) => row(n, median(ours[i]), median(ortPer.get(n)!)));
row('other', 0, median(ortPer.get('other')!));
row('nodes', median(oursTotal), median(ortTotal));
row('run', median(oursTotal), median(ortWall));
console.log('(ratio: ONNX Runtime time ÷ ours, above 1 where ours is faster. nodes: ONNX Runtime\'s node times summed; run: its session.run, as npm run bench times it)');
