// A WebGPU device lost in the middle of training (simulated by destroying the
// GPUDevice between two steps, as a driver reset would): the run ends with
// the documented WebGpuError, the last checkpoint is intact, and resuming it
// on a new device ends with the weights of a run that was never interrupted.
import '../../src/backend/reference/index.js';
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
import { WebGpuError } from '../../src/backend/webgpu/errors.js';
import { webgpuOrSkip } from '../helpers/webgpu.js';

// 32 images in batches of 8: 4 steps; a checkpoint every 2 steps, the device lost after step 3.
function data(): MemoryLoader {
  const n = 32;
  const x = new Tensor(new Rng(7).fillUniform(new Float32Array(n * 3 * 28 * 28), -1, 1), [n, 3, 28, 28]);
  const y = Int32Array.from({ length: n }, (_, i) => i % 10);
  return new MemoryLoader(x, y, Array.from({ length: 10 }, (_, i) => ({ id: String(i), name: String(i) })), { batchSize: 8, shuffle: true, seed: 1, dropLast: true });
}
const config = () => resolveConfig('mini', [['train.epochs', 1], ['train.batchSize', 8], ['train.schedule', { kind: 'constant' }]]);
const quiet = { val: null, progress: false, log: () => {} } as const;

const probe = await webgpuOrSkip();
await probe?.destroy();

describe('a WebGPU device lost during training', { skip: probe ? false : 'no WebGPU adapter' }, () => {
  it('ends with the documented error, keeps the last checkpoint, and resumes on a new device to the uninterrupted weights', async () => {
    const straightDevice = (await webgpuOrSkip())!;
    const straight = await train({ ...quiet, config: config(), runDir: null, train: data(), device: straightDevice });
    assert.equal(straight.status, 'completed');
    const want = await straight.model.hostStateDict();
    await straightDevice.destroy();

    const runDir = mkdtempSync(join(tmpdir(), 'alexnet-lost-'));
    const doomed = (await webgpuOrSkip())!;
    let lostAfter = -1;
    const failure = await train({
      ...quiet, config: config(), runDir, train: data(), device: doomed, checkpointEvery: 2,
      onStep: (s) => {
        if (s.position.globalStep === 3) {
          lostAfter = s.position.globalStep;
          doomed.gpu.destroy();
        }
      },
    }).then(() => null, (e: unknown) => e);
    assert.equal(lostAfter, 3);
    assert.ok(failure instanceof WebGpuError, `expected a WebGpuError, got ${String(failure)}`);
    assert.equal(failure.fault, 'lost');
    assert.match(failure.message, /the WebGPU device was lost \(destroyed: .*\); .*Nothing after the last checkpoint was saved; resume with --resume/);

    const last = findCheckpoint(runDir);
    assert.equal(last.meta.position.globalStep, 2, 'the checkpoint of step 2 is the newest');
    for (const [name, t] of last.weights) assert.ok((t.data as Float32Array).every(Number.isFinite), `${name} holds non-finite values`);

    const fresh = (await webgpuOrSkip())!;
    try {
      const resumed = await train({ ...quiet, config: config(), runDir, train: data(), device: fresh, resume: last });
      assert.equal(resumed.status, 'completed');
      const got = await resumed.model.hostStateDict();
      for (const [name, t] of want) assert.deepEqual(got.get(name)!.data, t.data, `${name} differs from the uninterrupted run`);
    } finally {
      await fresh.destroy();
    }
  });
});
