// The native thread pool under failure: an exception thrown inside a parallel
// loop, on the calling thread or a worker, reaches JavaScript as an Error
// with its message (not std::terminate), and a nested parallel loop is
// refused with an Error; afterwards the pool and the kernels work as before.
// The failures come from the addon's poolSelfTest hook, which runs one item on
// each pool thread and fails on the one asked for.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { nativeOrSkip } from '../helpers/native.js';

const addon = nativeOrSkip();

if (addon) {
  describe('native thread pool failures', () => {
    const rng = new Rng(11);
    // A 3×3 convolution with its gradients: a real workload whose bits must not change after a failure.
    const [N, C, H, O] = [2, 16, 13, 32];
    const x = rng.fillUniform(new Float32Array(N * C * H * H), -1, 1), w = rng.fillUniform(new Float32Array(O * C * 9), -0.2, 0.2);
    const dy = rng.fillUniform(new Float32Array(N * O * H * H), -1, 1);
    const conv = () => {
      const geo = [N, C, H, H, O, 3, 3, H, H, 1, 1, 1, 1, 1] as const;
      const y = new Float32Array(N * O * H * H), dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(O);
      addon.conv2dForward(...geo, x, w, null, y, true);
      addon.conv2dBackwardData(...geo, dy, w, dx);
      addon.conv2dBackwardWeights(...geo, x, dy, dw, db);
      return [y, dx, dw, db];
    };
    const threads0 = addon.info().threads;
    const before = conv();

    for (const threads of [1, 3]) {
      it(`an exception inside a loop's item reaches JavaScript, on any pool thread (${threads} threads)`, () => {
        try {
          assert.equal(addon.setThreads(threads), threads);
          for (const on of new Set([0, threads - 1])) {
            assert.throws(() => addon.poolSelfTest('throw', on),
              (e: unknown) => e instanceof Error && e.message === `native poolSelfTest: test exception from pool thread ${on}`);
            assert.equal(addon.poolSelfTest('run', -1), threads, 'every thread runs an item of the next loop');
          }
          conv().forEach((a, i) => assert.deepEqual(a, before[i], `conv output ${i} after the failures`));
        } finally {
          addon.setThreads(threads0);
        }
      });

      it(`a nested parallel loop is refused with an Error (${threads} threads)`, () => {
        try {
          addon.setThreads(threads);
          for (const on of new Set([0, threads - 1]))
            assert.throws(() => addon.poolSelfTest('nested', on),
              /^Error: native poolSelfTest: parallel_for called from inside a parallel loop's item: nested parallel loops are not supported/);
          assert.equal(addon.poolSelfTest('run', -1), threads);
          conv().forEach((a, i) => assert.deepEqual(a, before[i], `conv output ${i} after the refusals`));
        } finally {
          addon.setThreads(threads0);
        }
      });
    }

    it('the hook checks its arguments like every entry point', () => {
      // @ts-expect-error: not a mode
      assert.throws(() => addon.poolSelfTest('explode', 0), (e: unknown) => e instanceof TypeError && /native poolSelfTest: mode must be/.test(e.message));
    });
  });
}
