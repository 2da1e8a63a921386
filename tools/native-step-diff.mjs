#!/usr/bin/env node
// One training step of the mini network from identical weights on the native
// and the reference kernels, compared layer by layer (outputs, input
// gradients, parameter gradients), then the pooling and LRN kernels of both
// on identical inputs, and the pooling windows whose gradient the two runs
// route to different inputs. Why native training losses leave the
// reference's on Fashion-MNIST (docs/webgpu.md, "Why the comparison…").
//   npm run build && node tools/native-step-diff.mjs [prepared dataset, default runs/.data/fashion-mnist-mini]
import { registerNative } from '../dist/src/backend/select.js';
import { setBackend } from '../dist/src/ops/registry.js';
import { buildAlexNet, initAlexNet } from '../dist/src/models/alexnet.js';
import { getPreset } from '../dist/src/models/presets.js';
import { Rng } from '../dist/src/tensor/random.js';
import { Tensor } from '../dist/src/tensor/tensor.js';
import { openLoader } from '../dist/src/data/loader.js';
import { crossEntropy, crossEntropyBackward } from '../dist/src/ops/crossentropy.js';
import { maxPool2d } from '../dist/src/ops/maxpool2d.js';
import { lrn } from '../dist/src/ops/lrn.js';

const addon = registerNative();
if (addon instanceof Error) throw addon;
const preset = getPreset('mini');
const loader = await openLoader(process.argv[2] ?? 'runs/.data/fashion-mnist-mini', 'train', { batchSize: 32, mode: 'train', cropSize: 28,
  augment: { randomCrop: false, flip: true, pcaStd: 0, pcaUnits: 'paper', mean: 'pixel' }, seed: 1, shuffle: true, dropLast: true, workers: 0, limit: 256 });
const it = loader.epoch(0);
const batch = (await it.next()).value;
await loader.close();

function run(backend) {
  setBackend(backend);
  const m = buildAlexNet(preset);
  initAlexNet(m, new Rng(1, 1));
  const ctx = { training: true, rng: new Rng(7, 7) };
  const outs = [];
  const ins = [];
  let h = batch.x;
  for (const l of m.net.layers) { ins.push(new Tensor(h.data.slice(), h.shape)); h = l.forward(h, ctx); outs.push(h.data.slice()); }
  const { loss, probs } = crossEntropy(h, batch.labels);
  let dy = crossEntropyBackward(probs, batch.labels);
  const dxs = []; const grads = [];
  for (let i = m.net.layers.length - 1; i >= 0; i--) {
    const l = m.net.layers[i];
    const dx = i === 0 ? null : Tensor.zeros(ins[i].shape);
    const r = l.backward(dy, dx);
    dxs[i] = r ? r.data.slice() : null;
    grads[i] = l.params().map((p) => p.grad.data.slice());
    if (r) dy = r;
  }
  return { m, loss, outs, ins, dxs, grads };
}
const rel = (a, b) => { let n = 0, d = 0; for (let i = 0; i < a.length; i++) { n += (a[i] - b[i]) ** 2; d += b[i] ** 2; } return Math.sqrt(n / (d || 1)); };
const R = run('reference');
const N = run('native');
console.log(`loss ref ${R.loss} native ${N.loss}`);
R.m.net.layers.forEach((l, i) => {
  const g = R.grads[i].map((gr, k) => rel(N.grads[i][k], gr).toExponential(2)).join(' ');
  console.log(`${l.name.padEnd(8)} out ${rel(N.outs[i], R.outs[i]).toExponential(2)}  dx ${R.dxs[i] ? rel(N.dxs[i], R.dxs[i]).toExponential(2) : '-'}  grads ${g}`);
});
// Kernels on identical inputs: the reference network's input of each pool / LRN / conv layer.
R.m.net.layers.forEach((l, i) => {
  const x = R.ins[i];
  if (l.constructor.name === 'MaxPoolLayer') {
    setBackend('reference'); const a = maxPool2d(x, l.attrs); const ra = Int32Array.from(a.argmax);
    setBackend('native'); const b = maxPool2d(x, l.attrs); const nb = Int32Array.from(b.argmax);
    let diff = 0; for (let k = 0; k < ra.length; k++) if (ra[k] !== nb[k]) diff++;
    // How many windows hold an exact tie at the maximum (on this input)?
    console.log(`${l.name}: same input, argmax differs at ${diff}/${ra.length}; y rel ${rel(b.y.data, a.y.data).toExponential(2)}`);
  }
  if (l.constructor.name === 'LrnLayer') {
    setBackend('reference'); const a = lrn(x, l.attrs);
    setBackend('native'); const b = lrn(x, l.attrs);
    console.log(`${l.name}: same input, y rel ${rel(b.y.data, a.y.data).toExponential(2)}`);
  }
});
// Where the full runs route pool gradients differently: exact ties in the reference's input?
R.m.net.layers.forEach((l, i) => {
  if (l.constructor.name !== 'MaxPoolLayer') return;
  const xr = R.ins[i], xn = N.ins[i];
  setBackend('reference'); const a = Int32Array.from(maxPool2d(xr, l.attrs).argmax);
  setBackend('native'); const b = Int32Array.from(maxPool2d(xn, l.attrs).argmax);
  const [n, c, H, W] = xr.shape; const plane = H * W; const OH = R.outs[i].length / (n * c);
  let diff = 0, refTie = 0, natTie = 0, zero = 0; const gaps = [];
  for (let k = 0; k < a.length; k++) {
    if (a[k] === b[k]) continue;
    diff++;
    const base = Math.floor(k / OH) * plane;
    const ra = xr.data[base + a[k]], rb = xr.data[base + b[k]], na = xn.data[base + a[k]], nb = xn.data[base + b[k]];
    if (ra === rb) refTie++;
    if (na === nb) natTie++;
    if (ra === 0) zero++;
    gaps.push(Math.abs(ra - rb) / Math.max(Math.abs(ra), 1e-30));
  }
  gaps.sort((p, q) => p - q);
  console.log(`${l.name}: full runs route ${diff}/${a.length} windows differently; exact tie in the reference input ${refTie}, in native's ${natTie}, at value 0: ${zero}; largest relative gap between the two picks (ref input) ${gaps.length ? gaps[gaps.length - 1].toExponential(2) : '-'}`);
});
