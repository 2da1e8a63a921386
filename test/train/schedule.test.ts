import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LrSchedule } from '../../src/train/schedule.js';

describe('learning-rate schedules (docs/paper.md §4)', () => {
  it('plateau: divides by 10 after `patience` epochs without improvement beyond the threshold, at most maxDrops times', () => {
    const s = new LrSchedule({ kind: 'plateau', factor: 0.1, patience: 1, threshold: 0.01, maxDrops: 2 }, 0.01);
    const errors = [0.5, 0.4, 0.395, 0.39, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3];
    const rates = errors.map((e) => s.endEpoch(e).learningRate);
    // 0.395 and 0.39 improve on 0.4 by less than 0.01: the second such epoch drops the rate.
    assert.deepEqual(rates.map((r) => +r.toPrecision(3)), [0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 0.0001, 0.0001, 0.0001, 0.0001]);
    assert.equal(s.state.drops, 2);
  });
  it('plateau without validation never drops', () => {
    const s = new LrSchedule({ kind: 'plateau', factor: 0.1, patience: 0, threshold: 0, maxDrops: 3 }, 0.01);
    for (let i = 0; i < 5; i++) assert.equal(s.endEpoch(null).dropped, false);
  });
  it('step: multiplies by the factor every n epochs', () => {
    const s = new LrSchedule({ kind: 'step', factor: 0.1, every: 2 }, 1);
    const rates = [1, 2, 3, 4, 5].map(() => s.endEpoch(null).learningRate);
    assert.deepEqual(rates.map((r) => +r.toPrecision(3)), [1, 0.1, 0.1, 0.01, 0.01]);
  });
  it('constant stays; a manual rate on resume replaces the current one and later drops start from it', () => {
    const c = new LrSchedule({ kind: 'constant' }, 0.05);
    assert.equal(c.endEpoch(0.1).learningRate, 0.05);
    const s = new LrSchedule({ kind: 'step', factor: 0.5, every: 1 }, 1);
    s.endEpoch(null);
    const restored = new LrSchedule(s.config, 1, JSON.parse(JSON.stringify(s.state)));
    assert.equal(restored.learningRate, 0.5);
    restored.setLearningRate(0.2);
    assert.equal(restored.endEpoch(null).learningRate, 0.1);
  });
});
