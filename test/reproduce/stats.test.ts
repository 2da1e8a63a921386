// The verdict rule and the measures behind the claims, on numbers worked by hand.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { difference, pairedDifference, summarize, verdict } from '../../src/reproduce/stats.js';
import { meanHistory, timeToThreshold, type StepRow } from '../../src/reproduce/measures.js';
import type { EpochMetrics } from '../../src/train/checkpoint.js';

describe('reproduce statistics', () => {
  it('mean, sample std, the difference and its standard error', () => {
    const a = summarize([20, 22, 24]); // mean 22, std 2
    const b = summarize([18, 19, 20]); // mean 19, std 1
    assert.equal(a.mean, 22);
    assert.equal(a.std, 2);
    const d = difference(a, b);
    assert.equal(d.mean, 3);
    assert.ok(Math.abs(d.se - Math.sqrt(4 / 3 + 1 / 3)) < 1e-12);
    assert.ok(Number.isNaN(summarize([5]).std));
    // One value (the ensemble of every network) adds no variance of its own.
    assert.ok(Math.abs(difference(a, summarize([19])).se - Math.sqrt(4 / 3)) < 1e-12);
    assert.ok(Number.isNaN(difference(summarize([1]), summarize([2])).se));
    const p = pairedDifference([10, 12, 14], [9, 10, 11]); // differences 1, 2, 3
    assert.equal(p.mean, 2);
    assert.ok(Math.abs(p.se - 1 / Math.sqrt(3)) < 1e-12);
  });

  it('verdicts: beyond +2 se reproduced, below −2 se not reproduced, between within noise, no spread undecided', () => {
    assert.equal(verdict({ mean: 2.1, se: 1 }), 'reproduced');
    assert.equal(verdict({ mean: 1.9, se: 1 }), 'within noise');
    assert.equal(verdict({ mean: -1.9, se: 1 }), 'within noise');
    assert.equal(verdict({ mean: -2.1, se: 1 }), 'not reproduced');
    assert.equal(verdict({ mean: 3, se: NaN }), 'undecided');
  });

  it('steps to a threshold of training error, over a quarter-epoch window', () => {
    // 8 steps an epoch: window 2. Errors 0.9 0.7 0.5 0.3 0.2 …: window means 0.8 0.6 0.4 0.25 → reached at step 5.
    const rows: StepRow[] = [0.9, 0.7, 0.5, 0.3, 0.2, 0.1].map((e, i) => ({ step: i + 1, epoch: 1, top1Error: e, imagesPerSecond: 64 }));
    const t = timeToThreshold(rows, 0.25, 128, 8);
    assert.deepEqual(t, { steps: 5, epochs: 5 / 8, seconds: 10, reached: true });
    const never = timeToThreshold(rows, 0.05, 128, 8);
    assert.deepEqual(never, { steps: 6, epochs: 6 / 8, seconds: 12, reached: false });
  });

  it('mean curves over seeds, cut to the shortest run', () => {
    const m = (epoch: number, err: number): EpochMetrics => ({ epoch, trainLoss: err, trainTop1Error: err, valLoss: null, valTop1Error: err / 2, valTop5Error: 0, learningRate: 0.01, lrDropped: false, seconds: 1, images: 10 });
    const h = meanHistory([[m(1, 0.4), m(2, 0.2)], [m(1, 0.6)]]);
    assert.equal(h.length, 1);
    assert.equal(h[0].trainTop1Error, 0.5);
    assert.equal(h[0].valTop1Error, 0.25);
    assert.equal(h[0].valLoss, null);
  });
});
