// `npm run bench -- --backend webgpu`: training and inference on the WebGPU
// device, for the paper and torchvision presets: images per second (median
// of the timed steps, each ended by the step's one read), per-layer forward
// and backward times, and the GPU memory batch-128 training holds. Per-layer
// times are the GPU's own timestamps around each layer's compute passes where
// the adapter has 'timestamp-query' (kernel time only: uploads between passes
// are not in them); elsewhere the host clock around each layer with the queue
// drained before and after (device.sync), one submission each. The output
// says which; the step figures are the ones to compare.
//   node dist/bench/webgpu.js [--presets paper,torchvision] [--batch 128] [--steps 5] [--infer-batches 1,128] [--json]
//   node dist/bench/webgpu.js --probe     one JSON line naming the adapter; exit 2 without one, 3 for a CPU driver
import { sharedWebGpuDevice, closeSharedWebGpuDevice, createWebGpuDevice } from '../src/backend/webgpu/gpu.js';
import { WebGpuDevice } from '../src/backend/webgpu/device.js';
import { registerNative } from '../src/backend/select.js';
import { setBackend } from '../src/ops/registry.js';
import { buildAlexNet, initAlexNet } from '../src/models/alexnet.js';
import { getPreset } from '../src/models/presets.js';
import { Rng } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { toDevice } from '../src/tensor/device.js';
import { Sgd } from '../src/train/sgd.js';
import { trainStepOn } from '../src/train/step.js';
import type { Layer } from '../src/nn/layer.js';

const argv = process.argv.slice(2);
const opt = (f: string, d: string) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : d);
const presets = opt('--presets', 'paper,torchvision').split(',');
const batch = Number(opt('--batch', '128'));
const steps = Number(opt('--steps', '5'));
const inferBatches = opt('--infer-batches', '1,128').split(',').map(Number);
const json = argv.includes('--json');

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

interface Row { preset: string; train_img_s: number; infer: Record<string, number>; peak_gpu_mb: number; layers: { layer: string; fwd_ms: number; bwd_ms: number }[] }
/** How the per-layer times were taken. */
const layerClock = () => (dev.hasTimestamps ? 'GPU timestamps (timestamp-query)' : 'host clock, queue drained around each layer (no timestamp-query)');

if (argv.includes('--probe')) {
  // Seconds, where a run on the wrong adapter wastes minutes: the device script asks first.
  const probed = await createWebGpuDevice().catch((e: Error) => e);
  if (probed instanceof Error) {
    console.log(JSON.stringify({ adapter: null, error: probed.message }));
    process.exit(2);
  }
  const i = probed.adapterInfo;
  const cpu = WebGpuDevice.isCpuAdapter(i);
  console.log(JSON.stringify({ adapter: `${i.vendor} ${i.architecture} ${i.device} ${i.description}`.replace(/\s+/g, ' ').trim(), cpu, maxBufferMiB: probed.gpu.limits.maxBufferSize / 2 ** 20, features: [...probed.gpu.features].sort() }));
  await probed.destroy();
  process.exit(cpu ? 3 : 0);
}

if (!(registerNative() instanceof Error)) setBackend('native');
const dev = await sharedWebGpuDevice();
const rows: Row[] = [];
for (const name of presets) {
  const preset = getPreset(name);
  const model = buildAlexNet(preset, dev);
  initAlexNet(model, new Rng(1, 1));
  const sgd = new Sgd(model.params(), { momentum: 0.9, weightDecay: 5e-4, form: 'paper' });
  const rng = new Rng(1, 2);
  const shape = [batch, preset.inputChannels, preset.inputSize, preset.inputSize];
  const x = new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37) * 50), shape);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % preset.classes);
  // The batch stays in GPU memory, as PyTorch's side keeps its input on the GPU: the steps time
  // the network, not a 77 MB upload each.
  const resident = toDevice(x, dev);
  await trainStepOn(model.net, sgd, resident, labels, 0.001, rng); // compiles the pipelines
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    await trainStepOn(model.net, sgd, resident, labels, 0.001, rng);
    times.push(performance.now() - t0);
  }
  const peak = dev.memory.peak;
  // Per layer: forward each layer, then backward in reverse. With 'timestamp-query' the GPU
  // times each layer's compute passes itself (no queue drains in between); otherwise the host
  // clock runs around each layer with the queue drained before and after.
  const layers: Row['layers'] = [];
  const ctx = { training: true, rng };
  const net = model.net.layers as readonly Layer[];
  const timed = dev.hasTimestamps;
  /** Runs one layer's pass: its result, and its host-clock time (0 when the GPU times it). */
  const clock = async <T>(label: string, run: () => T): Promise<[T, number]> => {
    if (timed) {
      dev.timeAs(label);
      return [run(), 0];
    }
    const t0 = performance.now();
    const out = run();
    await dev.sync();
    return [out, performance.now() - t0];
  };
  let h = model.onDevice(x);
  const outs: Tensor[] = [h];
  await dev.sync();
  for (const [i, l] of net.entries()) {
    const [y, ms] = await clock(`${i} fwd`, () => l.forward(h, ctx));
    layers.push({ layer: l.name, fwd_ms: ms, bwd_ms: 0 });
    outs.push((h = y));
  }
  let dy = dev.zeros(h.shape);
  for (let i = net.length - 1; i >= 0; i--) {
    const dx = i === 0 ? null : dev.zeros(outs[i].shape);
    const [r, ms] = await clock(`${i} bwd`, () => net[i].backward(dy, dx));
    layers[i].bwd_ms = ms;
    if (r) dy = r.shape.length === outs[i].shape.length ? r : r.reshape(outs[i].shape);
  }
  if (timed) {
    dev.timeAs(null);
    const ns = await dev.readTimes();
    layers.forEach((l, i) => {
      l.fwd_ms = (ns.get(`${i} fwd`) ?? 0) / 1e6;
      l.bwd_ms = (ns.get(`${i} bwd`) ?? 0) / 1e6;
    });
  }
  model.eval();
  const infer: Record<string, number> = {};
  for (const b of inferBatches) {
    const xb = toDevice(x.batch(0, Math.min(b, batch)), dev);
    await model.forwardToHost(xb);
    const t: number[] = [];
    for (let s = 0; s < steps; s++) {
      const t0 = performance.now();
      await model.forwardToHost(xb);
      t.push(performance.now() - t0);
    }
    infer[String(b)] = (xb.shape[0] * 1000) / median(t);
    dev.free(xb);
  }
  rows.push({ preset: name, train_img_s: (batch * 1000) / median(times), infer, peak_gpu_mb: peak / 2 ** 20, layers });
  for (const p of model.params()) {
    dev.free(p.value);
    dev.free(p.grad);
  }
  dev.free(resident);
}
const info = dev.adapterInfo;
if (json) console.log(JSON.stringify({ adapter: `${info.vendor} ${info.architecture} ${info.description}`, batch, layer_clock: layerClock(), rows }));
else {
  console.log(`WebGPU adapter: ${info.vendor} / ${info.architecture} / ${info.description}; GEMM ${dev.gemmVariant}; batch ${batch}, median of ${steps} steps`);
  console.log(`per-layer times: ${layerClock()}`);
  for (const r of rows) {
    console.log(`${r.preset}: train ${r.train_img_s.toFixed(1)} img/s; ${Object.entries(r.infer).map(([b, v]) => `infer b${b} ${v.toFixed(1)} img/s`).join('; ')}; GPU memory ${r.peak_gpu_mb.toFixed(0)} MiB`);
    for (const l of r.layers) console.log(`  ${l.layer.padEnd(12)} fwd ${l.fwd_ms.toFixed(2).padStart(9)} ms  bwd ${l.bwd_ms.toFixed(2).padStart(9)} ms`);
  }
}
await closeSharedWebGpuDevice();
