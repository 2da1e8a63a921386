// Data-parallel training's arithmetic in one process, without MPI:
// the fixed split of a batch, dropout masks that do not depend on the split,
// the global-batch loss scaling, and the gradient buckets' order and sums.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { partRange } from '../../src/data/part.js';
import { buildAlexNet, initAlexNet, type AlexNet } from '../../src/models/alexnet.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { crossEntropy, crossEntropyBackward } from '../../src/ops/crossentropy.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStepDetailed, type GradientReducer } from '../../src/train/step.js';
import { GradientBuckets } from '../../src/parallel/buckets.js';
import { launchedSize, type MpiAddon } from '../../src/parallel/mpi.js';
import { tinyPaper } from '../helpers/tiny-presets.js';

const G = 12;

function model(): AlexNet {
  const m = buildAlexNet(tinyPaper);
  initAlexNet(m, new Rng(3, 1));
  return m;
}

function batch(): { x: Tensor; labels: Int32Array } {
  const r = new Rng(4, 9);
  const x = Tensor.zeros([G, 3, 14, 14]);
  for (let i = 0; i < x.size; i++) x.data[i] = r.normal();
  return { x, labels: Int32Array.from({ length: G }, (_, i) => i % tinyPaper.classes) };
}

/** Σ over the parts of each part's gradient (loss weighted by its share of the global batch). */
function splitGradients(parts: number): Float64Array[] {
  const m = model();
  const { x, labels } = batch();
  const per = x.size / G;
  const sums = m.params().map((p) => new Float64Array(p.grad.size));
  const rng = new Rng(5, 2);
  const start = rng.getState();
  for (let i = 0; i < parts; i++) {
    rng.setState(start); // every rank holds the same generator state
    const [a, b] = partRange(G, { index: i, count: parts });
    const xs = new Tensor(x.data.slice(a * per, b * per), [b - a, 3, 14, 14]);
    const ls = labels.slice(a, b);
    const { probs } = crossEntropy(m.net.forward(xs, { training: true, rng, rows: { start: a, total: G } }), ls);
    m.net.backward(crossEntropyBackward(probs, ls, (b - a) / G));
    m.params().forEach((p, k) => p.grad.data.forEach((g, j) => (sums[k][j] += g)));
  }
  return sums;
}

describe('data-parallel arithmetic', () => {
  it('splits a batch in a fixed way that covers every row once', () => {
    assert.deepEqual([0, 1].map((index) => partRange(128, { index, count: 2 })), [[0, 64], [64, 128]]);
    assert.deepEqual([0, 1, 2].map((index) => partRange(10, { index, count: 3 })), [[0, 3], [3, 6], [6, 10]]);
    assert.throws(() => partRange(10, { index: 3, count: 3 }), /part 3 of 3/);
  });

  it('gradients summed over 2 or 3 parts equal the whole batch\'s (dropout on)', () => {
    const whole = splitGradients(1);
    for (const parts of [2, 3]) {
      const split = splitGradients(parts);
      whole.forEach((w, k) => {
        let d = 0;
        let s = 0;
        w.forEach((v, j) => {
          d += (v - split[k][j]) ** 2;
          s += v * v;
        });
        assert.ok(s > 0 && Math.sqrt(d / s) < 1e-5, `tensor ${k}, ${parts} parts: ${Math.sqrt(d / s)}`);
      });
    }
  });

  it('a part\'s dropout mask is its rows of the global batch\'s mask', () => {
    const drop = model().net.layers.find((l) => l.name === 'drop6')!;
    const h = Tensor.zeros([G, 20]);
    h.data.fill(1);
    const whole = Float32Array.from(drop.forward(h, { training: true, rng: new Rng(8, 2) }).data);
    const rows = drop.forward(new Tensor(h.data.slice(5 * 20, 9 * 20), [4, 20]), { training: true, rng: new Rng(8, 2), rows: { start: 5, total: G } });
    assert.deepEqual(Array.from(rows.data), Array.from(whole.subarray(5 * 20, 9 * 20)));
    assert.ok(whole.some((v) => v === 0) && whole.some((v) => v === 1), 'a real mask');
    assert.throws(() => drop.forward(new Tensor(h.data.slice(0, 80), [4, 20]), { training: true, rng: new Rng(8, 2), rows: { start: 10, total: G } }), /outside a global batch of 12/);
  });

  it('a reducer over one process leaves the step bit-identical', () => {
    const run = (reducer?: GradientReducer) => {
      const m = model();
      const sgd = new Sgd(m.params(), { momentum: 0.9, weightDecay: 5e-4, form: 'paper' });
      const { x, labels } = batch();
      const rng = new Rng(5, 2);
      for (let s = 0; s < 3; s++) trainStepDetailed(m.net, sgd, x, labels, 0.01, rng, reducer);
      return m.params().map((p) => Array.from(p.value.data));
    };
    const alone: GradientReducer = { rows: { start: 0, total: G }, reduceStats: (lossSum, correct, images) => ({ lossSum, correct, images }), layerDone: () => undefined, finish: () => undefined };
    assert.deepEqual(run(alone), run());
  });

  it('buckets start as their last layer finishes, in backward order, and write the sums back', () => {
    const m = model();
    const started: number[] = [];
    let layer = -1;
    const fake = {
      iallreduceSum(buf: Float32Array) {
        started.push(layer);
        for (let i = 0; i < buf.length; i++) buf[i] *= 2; // two ranks with the same gradients
        return started.length;
      },
      test: () => true,
      wait: () => undefined,
    } as unknown as MpiAddon;
    const buckets = new GradientBuckets(fake, m.net.layers, m.params(), 4 * 100); // tiny buckets: one per layer with weights
    const params = m.params();
    params.forEach((p, k) => p.grad.data.fill(k + 1));
    for (let i = m.net.layers.length - 1; i >= 0; i--) {
      layer = i;
      buckets.layerDone(i);
    }
    buckets.finish();
    const withWeights = m.net.layers.map((l, i) => (l.params().length ? i : -1)).filter((i) => i >= 0).reverse();
    assert.deepEqual(started, withWeights);
    assert.equal(buckets.floats, params.reduce((a, p) => a + p.grad.size, 0));
    params.forEach((p, k) => assert.ok(p.grad.data.every((g) => g === 2 * (k + 1)), p.name));
  });

  it('knows a process started by mpirun or srun, and one that was not', () => {
    assert.deepEqual(launchedSize({ OMPI_COMM_WORLD_SIZE: '4', OMPI_COMM_WORLD_RANK: '1' }), { variable: 'OMPI_COMM_WORLD_SIZE', size: 4 });
    assert.deepEqual(launchedSize({ PMI_SIZE: '2' }), { variable: 'PMI_SIZE', size: 2 });
    assert.deepEqual(launchedSize({ PMIX_RANK: '0' }), { variable: 'PMIX_RANK', size: 0 });
    assert.equal(launchedSize({ PATH: '/usr/bin' }), null);
  });
});
