// A NaN or infinite loss stops the run with a clear message and keeps the
// last good checkpoint.
import '../../src/backend/reference/index.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';
import { setBackend } from '../../src/ops/registry.js';
import { nativeOrSkip } from '../helpers/native.js';
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

// Whole training runs: on the native kernels (the reference ones would take minutes).
if (nativeOrSkip()) setBackend(NATIVE_BACKEND);

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
    assert.match(r.message, /(the loss became (NaN|Infinity)|the weights became non-finite) at .*epoch \d+.* with learning rate 1000000000000; nothing from that point was saved/);
    assert.match(r.message, /resume with a lower rate, e.g\. alexnet train --resume/);
    // The newest checkpoint is the one the message names, and its weights are finite.
    const newest = findCheckpoint(runDir);
    assert.ok(r.message.includes(`The last good checkpoint is ${newest.path}`) || (newest.path === good.path && /No checkpoint was written/.test(r.message)), r.message);
    for (const [name, t] of newest.weights) assert.ok((t.data as Float32Array).every(Number.isFinite), `checkpoint ${name} holds non-finite values`);
  });
});
