// Top-k, 10-view averaging, per-class accuracy and confusions against
// hand-computed cases (docs/paper.md §5, §6).
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { averageViews, labelRank, mostConfused, perClassAccuracy, softmaxRows, Tally, topK } from '../../src/eval/metrics.js';

describe('top-k', () => {
  const scores = Float64Array.from([0.1, 0.4, 0.2, 0.4, 0.05, 0.3, 0.9]); // 7 classes; a tie between 1 and 3
  it('ranks the true class, ties towards the lower index', () => {
    assert.equal(labelRank(scores, 0, 7, 6), 0);
    assert.equal(labelRank(scores, 0, 7, 1), 1); // only class 6 is higher
    assert.equal(labelRank(scores, 0, 7, 3), 2); // 6, and 1 (tie, lower index)
    assert.equal(labelRank(scores, 0, 7, 4), 6);
  });
  it('lists the k best, best first', () => {
    assert.deepEqual(topK(scores, 0, 7, 5), [6, 1, 3, 5, 2]);
    assert.deepEqual(topK(scores, 0, 7, 10), [6, 1, 3, 5, 2, 0, 4]);
  });
  it('tallies top-1 and top-5 errors: class 4 is 7th of 7, so top-5 wrong', () => {
    const t = new Tally(7);
    const probs = new Float64Array(3 * 7);
    for (let r = 0; r < 3; r++) probs.set(scores, r * 7);
    t.add(probs, Int32Array.from([6, 2, 4])); // ranks 0, 4, 6
    assert.deepEqual([t.top1, t.top5, t.images], [1, 2, 3]);
    assert.equal(t.top1Error, 1 - 1 / 3);
    assert.equal(t.top5Error, 1 - 2 / 3);
  });
});

describe('10-view averaging (§5)', () => {
  it('averages the softmax of each image\'s 10 rows', () => {
    // 2 images × 10 views × 3 classes: image 0's views all say class 0 except two
    // confident class-2 views; the average still says 0 (0.64 vs 0.2).
    const k = 3;
    const rows: number[][] = [];
    for (let v = 0; v < 10; v++) rows.push(v < 8 ? [0.8, 0.15, 0.05] : [0, 0, 1]);
    for (let v = 0; v < 10; v++) rows.push([v / 10, 1 - v / 10, 0]);
    const avg = averageViews(Float64Array.from(rows.flat()), 2, 10, k);
    const want = [0.64, 0.12, 0.24, 0.45, 0.55, 0];
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(avg[i] - want[i]) < 1e-12, `${i}: ${avg[i]} vs ${want[i]}`);
  });
  it('softmax rows sum to 1 and match exp/sum by hand', () => {
    const p = softmaxRows(Float32Array.from([0, Math.log(3), 1000, 1000]), 2, 2);
    assert.ok(Math.abs(p[0] - 0.25) < 1e-7 && Math.abs(p[1] - 0.75) < 1e-7);
    assert.deepEqual([p[2], p[3]], [0.5, 0.5]); // no overflow
  });
});

describe('per-class accuracy and confusions', () => {
  // confusion[true·3 + predicted]: class 0: 8 right, 2 → 1; class 1: 3 right, 5 → 2, 2 → 0; class 2: none.
  const c = Int32Array.from([8, 2, 0, 2, 3, 5, 0, 0, 0]);
  it('divides the diagonal by each class\'s images', () => {
    const a = perClassAccuracy(c, 3);
    assert.deepEqual(a.slice(0, 2), [{ images: 10, correct: 8, accuracy: 0.8 }, { images: 10, correct: 3, accuracy: 0.3 }]);
    assert.ok(Number.isNaN(a[2].accuracy));
  });
  it('lists the off-diagonal pairs, most first', () => {
    assert.deepEqual(mostConfused(c, 3, 2), [
      { actual: 1, predicted: 2, count: 5, rate: 0.5 },
      { actual: 0, predicted: 1, count: 2, rate: 0.2 },
    ]);
    assert.equal(mostConfused(c, 3, 10).length, 3);
  });
});
