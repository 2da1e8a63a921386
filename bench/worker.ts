// One preset's measurements for `npm run bench`, in a process of its own so
// that its peak resident memory is its own: training first (batch 128, the
// paper's SGD step), then inference at each batch, then a per-layer profile.
// Prints one JSON object.
import { buildAlexNet, initAlexNet } from '../src/models/alexnet.js';
import { getPreset } from '../src/models/presets.js';
import { Sgd } from '../src/train/sgd.js';
import { trainStep } from '../src/train/step.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Rng } from '../src/tensor/random.js';
import { activeBackend } from '../src/ops/registry.js';
import { selectDefaultBackend } from '../src/backend/select.js';
import { loadAddon } from '../src/backend/native/addon.js';
import { forwardMacs } from '../src/models/cost.js';
import { arg, inferReps, median, timeRuns } from './timing.js';

const presetName = arg('preset', 'paper');
const reps = Number(arg('reps', '3'));
const trainBatch = Number(arg('train-batch', '128'));
const inferBatches = arg('infer-batches', '1,32,128').split(',').map(Number);
selectDefaultBackend();
const preset = getPreset(presetName);
const rng = new Rng(0);
const model = buildAlexNet(preset);
initAlexNet(model, rng);
const S = preset.inputSize;
const input = (b: number) => new Tensor(rng.fillNormal(new Float32Array(b * 3 * S * S)), [b, 3, S, S]);

// Training.
const sgd = new Sgd(model.net.params(), { momentum: 0.9, weightDecay: 5e-4, form: 'paper' });
const x = input(trainBatch);
const labels = Int32Array.from({ length: trainBatch }, (_, i) => (i * 7919) % preset.classes);
const trainTimes = timeRuns(() => trainStep(model.net, sgd, x, labels, 0.01, rng), reps);
const peakRssMb = process.resourceUsage().maxRSS / 1024;

// Per-layer profile at the training batch: forward and backward of each layer.
const layers = model.net.layers;
const fw = layers.map(() => [] as number[]);
const bw = layers.map(() => [] as number[]);
const shapes: (readonly number[])[] = [];
const gradBufs = new Map<number, Tensor>(); // reused: fresh buffers would time page faults, not kernels
for (let r = 0; r < reps + 1; r++) {
  const keep = r > 0; // the first pass only settles buffers
  let h = x;
  const ins: Tensor[] = [];
  layers.forEach((l, i) => {
    ins.push(h);
    const t = performance.now();
    h = l.forward(h, { training: true, rng });
    if (keep) fw[i].push(performance.now() - t);
  });
  let dy = new Tensor(new Float32Array(h.size).fill(1e-3), h.shape);
  for (let i = layers.length - 1; i >= 0; i--) {
    shapes[i] = ins[i].shape;
    if (i > 0 && !gradBufs.has(i)) gradBufs.set(i, Tensor.zeros(ins[i].shape));
    const dx = i === 0 ? null : gradBufs.get(i)!;
    const t = performance.now();
    const res = layers[i].backward(dy, dx);
    if (keep) bw[i].push(performance.now() - t);
    if (res) dy = res.shape.length === ins[i].shape.length ? res : res.reshape(ins[i].shape);
  }
}
const layerRows = layers.map((l, i) => {
  const macs = forwardMacs(l, shapes[i]);
  // Backward: weights, plus the input gradient except for the first layer.
  const bwdMacs = macs * (i === 0 ? 1 : 2);
  const f = median(fw[i]) / 1000, b = median(bw[i]) / 1000;
  return { layer: l.name, fwd_ms: f * 1000, bwd_ms: b * 1000, fwd_gflop_s: macs ? (2 * macs) / f / 1e9 : null, bwd_gflop_s: macs ? (2 * bwdMacs) / b / 1e9 : null };
});

// Inference.
model.net.forward(input(1), { training: false, rng }); // settle buffers
const infer: Record<string, { img_s: number; seconds: number[] }> = {};
for (const b of inferBatches) {
  const xb = input(b);
  const times = timeRuns(() => model.net.forward(xb, { training: false, rng }), inferReps(b, reps));
  infer[String(b)] = { img_s: b / median(times), seconds: times };
}

const addon = loadAddon();
console.log(JSON.stringify({
  preset: presetName,
  backend: activeBackend(),
  native: addon instanceof Error ? null : addon.info(),
  train: { batch: trainBatch, img_s: trainBatch / median(trainTimes), seconds: trainTimes },
  peak_rss_mb: peakRssMb,
  infer,
  layers: layerRows,
}));
