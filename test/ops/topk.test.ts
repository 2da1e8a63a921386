// The top-k op: PyTorch fixtures (ties, K = 1000, 10 views) on the reference
// kernels, its validation, and the tally it feeds (Tally.addRanked) against
// the tally of the probabilities themselves (Tally.add).
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { topk, topK } from '../../src/ops/topk.js';
import { OpError } from '../../src/ops/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { hostDevice } from '../../src/tensor/device.js';
import { setBackend, REFERENCE_BACKEND } from '../../src/ops/registry.js';
import { averageViews, Tally } from '../../src/eval/metrics.js';
import { topkFixtureSuite } from '../helpers/topk.js';
import { generateFloat } from '../helpers/hashfill.js';

topkFixtureSuite(REFERENCE_BACKEND, hostDevice, () => setBackend(REFERENCE_BACKEND));

describe('topk op', () => {
  it('ranks each image like metrics.topK of its float64 view average (ties, 10 views, K = 1000)', () => {
    const x = new Tensor(generateFloat({ shape: [3 * 10, 1000], seed: 7, kind: 'quantized', levels: 5, scale: 1 }), [30, 1000]);
    const { indices, k } = topk(x, 5, { views: 10 });
    const mean = averageViews(x.data, 3, 10, 1000);
    assert.equal(k, 5);
    for (let n = 0; n < 3; n++) assert.deepEqual(Array.from((indices as Int32Array).subarray(5 * n, 5 * n + 5)), topK(mean, n * 1000, 1000, 5));
  });

  it('rejects bad input with the op and the shapes in the message', () => {
    const x = Tensor.zeros([6, 4]);
    assert.throws(() => topk(x, 0), (e: Error) => e instanceof OpError && /k must be a positive integer, got 0/.test(e.message));
    assert.throws(() => topk(x, 2, { views: 4 }), /topk: scores \[6, 4\]: 6 rows are not a whole number of images of 4 views/);
    assert.throws(() => topk(Tensor.zeros([24]), 2), /topk: scores must be 2-D/);
    assert.throws(() => topk(x, 2, { views: 2, labels: Int32Array.of(0, 1) }), /topk: 2 labels for 3 images/);
    assert.throws(() => topk(x, 2, { views: 2, labels: Int32Array.of(0, 1, 4) }), /topk: label 4 of image 2 is outside \[0, 4\)/);
  });
});

describe('Tally.addRanked', () => {
  it('counts what Tally.add counts from the probabilities (exact ties included)', () => {
    const K = 12;
    const n = 40;
    // Few levels: many exact ties, including at the label.
    const probs = Float64Array.from(generateFloat({ shape: [n, K], seed: 11, kind: 'quantized', levels: 3, scale: 1 }));
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % K);
    const a = new Tally(K);
    a.add(probs, labels);
    const { indices, k } = topk(new Tensor(Float32Array.from(probs), [n, K]), 5);
    const b = new Tally(K);
    b.addRanked(indices as Int32Array, k, labels, Float64Array.from(labels, (l, i) => probs[i * K + l]));
    assert.deepEqual([b.images, b.top1, b.top5, b.lossSum], [a.images, a.top1, a.top5, a.lossSum]);
    assert.deepEqual(Array.from(b.confusion), Array.from(a.confusion));
  });

  it('refuses fewer ranked classes than top-5 needs', () => {
    assert.throws(() => new Tally(10).addRanked(new Int32Array(4), 4, Int32Array.of(1), Float32Array.of(0.5)), /need ≥ 5/);
  });
});
