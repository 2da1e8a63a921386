// One rank of `npm run bench:mpi` (bench/mpi.ts starts it under mpirun):
// data-parallel training steps of a preset on synthetic images, timed by part.
// Rank 0 prints one JSON line.
import { PRESETS } from '../src/models/presets.js';
import { buildAlexNet, initAlexNet } from '../src/models/alexnet.js';
import { Rng } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Sgd } from '../src/train/sgd.js';
import { trainStepDetailed } from '../src/train/step.js';
import { selectDefaultBackend } from '../src/backend/select.js';
import { DataParallel } from '../src/parallel/data-parallel.js';
import { joinJob } from '../src/parallel/launch.js';
import { partRange } from '../src/data/part.js';

const [presetName = 'mini', batchArg = '128', stepsArg = '8', warmArg = '2'] = process.argv.slice(2);
const preset = PRESETS[presetName];
if (!preset) throw new Error(`unknown preset ${presetName}`);
const job = joinJob();
if (!job) throw new Error('bench/mpi-worker.js runs under mpirun (npm run bench:mpi starts it)');
selectDefaultBackend();
const batch = Number(batchArg);
const dist = new DataParallel(job, batch);
const model = buildAlexNet(preset);
initAlexNet(model, new Rng(1, 1));
const sgd = new Sgd(model.params(), { momentum: 0.9, weightDecay: 0.0005, form: 'paper' });
const buckets = dist.attach(model.net.layers, model.params());
dist.syncState(model.params(), sgd.velocity, new Rng(1, 2), { epoch: 0, stepInEpoch: 0, globalStep: 0 });
const [a, b] = partRange(batch, dist.part);
const data = new Rng(7, job.rank);
const x = Tensor.zeros([b - a, preset.inputChannels, preset.inputSize, preset.inputSize]);
for (let i = 0; i < x.size; i++) x.data[i] = data.normal() * 50;
const labels = Int32Array.from({ length: b - a }, () => data.int(preset.classes));
const rng = new Rng(1, 2);

const median = (v: number[]) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
const rows: { step: number; exposed: number; inBackward: number; starting: number }[] = [];
for (let s = 0; s < Number(warmArg) + Number(stepsArg); s++) {
  job.mpi.barrier();
  const t = { ...buckets.times };
  const t0 = performance.now();
  trainStepDetailed(model.net, sgd, x, labels, 1e-4, rng, dist);
  const step = performance.now() - t0;
  if (s >= Number(warmArg)) rows.push({ step, exposed: buckets.times.exposedWait - t.exposedWait, inBackward: buckets.times.inBackward - t.inBackward, starting: buckets.times.starting - t.starting });
}
// The same sums, blocking and alone: what the all-reduce costs when nothing hides it.
const blocking: number[] = [];
for (let r = 0; r < 5; r++) {
  job.mpi.barrier();
  const t0 = performance.now();
  for (const bk of buckets.buckets) job.mpi.allreduceSum(bk.staging);
  blocking.push(performance.now() - t0);
}
const tiny = new Float32Array(2);
const latency: number[] = [];
for (let r = 0; r < 50; r++) {
  const t0 = performance.now();
  job.mpi.allreduceSum(tiny);
  latency.push(performance.now() - t0);
}
const result = {
  preset: presetName, ranks: job.size, batch, library: job.library,
  threads: Number(process.env.ALEXNET_THREADS ?? 0),
  progressThread: job.progressThread,
  gradientBytes: buckets.floats * 4, buckets: buckets.buckets.length,
  stepMs: median(rows.map((r) => r.step)),
  exposedMs: median(rows.map((r) => r.exposed)),
  inBackwardMs: median(rows.map((r) => r.inBackward)),
  startingMs: median(rows.map((r) => r.starting)),
  allreduceMs: median(blocking),
  latencyMs: median(latency),
};
if (job.rank === 0) console.log(JSON.stringify(result));
job.finish();
