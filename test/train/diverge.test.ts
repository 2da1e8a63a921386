// A NaN or infinite loss stops the run with a clear message and keeps the
// last good checkpoint (issue 4).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { MemoryLoader } from '../../src/data/memory.js';
import { resolveConfig } from '../../src/config/config.js';
import { train } from '../../src/train/trainer.js';
import { findCheckpoint } from '../../src/train/checkpoint.js';

function data(n: number): MemoryLoader {
  const x = new Tensor(new Rng(3).fillUniform(new Float32Array(n * 3 * 28 * 28), -100, 100), [n, 3, 28, 28]);
  const y = Int32Array.from({ length: n }, (_, i) => i % 10);
  return new MemoryLoader(x, y, Array.from({ length: 10 }, (_, i) => ({ id: String(i), name: String(i) })), { batchSize: 16, shuffle: true, seed: 1, dropLast: true });
}

describe('divergence', () => {
  it('stops at the first non-finite loss, applies nothing from that step and points to the last good checkpoint', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'alexnet-nan-'));
    const lines: string[] = [];
    // One good epoch at a sane rate, then resume at an absurd one.
    const cfg = resolveConfig('mini', [['train.epochs', 1], ['train.schedule', { kind: 'constant' }]]);
    const first = await train({ config: cfg, runDir, train: data(64), val: null, progress: false, log: (l) => lines.push(l) });
    assert.equal(first.status, 'completed');
    const good = findCheckpoint(runDir);
    const r = await train({
      config: resolveConfig('mini', [['train.epochs', 3], ['train.schedule', { kind: 'constant' }]]), runDir, train: data(64), val: null,
      resume: good, learningRate: 1e12, progress: false, log: (l) => lines.push(l),
    });
    assert.equal(r.status, 'diverged');
    assert.match(r.message, /the loss became (NaN|Infinity) at epoch \d+, step \d+ .* with learning rate 1000000000000/);
    assert.match(r.message, /resume with a lower rate, e.g\. alexnet train --resume/);
    assert.match(r.message, new RegExp(`The last good checkpoint is .*${good.path.split('/').pop()}|No checkpoint was written in this session`));
    // The weights of the failing step were not applied: every weight is finite.
    for (const p of r.model.params()) assert.ok(p.value.data.every(Number.isFinite), `${p.name} holds non-finite values`);
    // The newest checkpoint is still the good one.
    assert.equal(findCheckpoint(runDir).path, good.path);
  });
});
