// Native results do not depend on the thread count: the forward and both
// backward passes of a convolution by each strategy (direct rows and flat,
// output channels along the lanes, implicit GEMM split by channels or by
// columns, Winograd 3×3 and 5×5, col2im), the fully connected layer's paths
// (small-batch rows, weight streaming, GEMM split by columns or by rows), and
// two training steps of the mini network, bit for bit at 1, 3 and 8 threads,
// on every instruction-set path. Several of those choices do depend on the
// thread count (how a GEMM or a direct kernel is cut into jobs); each output's
// sum is still computed whole by one job, and the weight gradients' fixed
// four-way split of the pixel sum is added in a fixed order. (8 threads on a
// smaller machine: oversubscribed, slower, the same bits.)
import '../../src/backend/reference/index.js';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { setBackend, REFERENCE_BACKEND } from '../../src/ops/registry.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';
import { conv2d, conv2dBackward, type Conv2dAttrs } from '../../src/ops/conv2d.js';
import { linear, linearBackward } from '../../src/ops/linear.js';
import { buildAlexNet, initAlexNet } from '../../src/models/alexnet.js';
import { getPreset } from '../../src/models/presets.js';
import { Sgd } from '../../src/train/sgd.js';
import { trainStep } from '../../src/train/step.js';
import { isaPaths, nativeOrSkip } from '../helpers/native.js';

// Waiting threads sleep at once: spinning workers would take the cores from
// the working ones when 8 threads share fewer. (Timing only; read at the
// pool's first multi-threaded loop.)
process.env.ALEXNET_SPIN_US = '0';

const addon = nativeOrSkip();
const THREADS = [1, 3, 8];
const bits = (a: Float32Array | Float64Array) => new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);

function tensor(rng: Rng, shape: number[], scale = 1): Tensor {
  return new Tensor(rng.fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), -scale, scale), shape);
}

/** The case's outputs at each thread count, compared with those at the first. */
function sameAtEveryThreadCount(what: string, run: () => (Float32Array | Float64Array)[]): void {
  const threads0 = addon!.info().threads;
  try {
    let first: Uint32Array[] | null = null;
    for (const t of THREADS) {
      assert.equal(addon!.setThreads(t), t);
      const out = run().map((a) => Uint32Array.from(bits(a)));
      if (!first) first = out;
      else out.forEach((o, i) => assert.deepEqual(o, first![i], `${what}: output ${i} at ${t} threads differs from ${THREADS[0]}`));
    }
  } finally {
    addon!.setThreads(threads0);
  }
}

// [name, x shape, w shape, attrs, Winograd from 0 tiles, lanes allowed]; the strategy named is the AVX-512 path's
// (the others take the GEMM, or Winograd, for the same layers).
const convCases: [string, number[], number[], Conv2dAttrs, boolean, boolean][] = [
  // 55-wide rows: direct, rows tiling, split into row blocks by thread count; dx by col2im (strided).
  ['direct rows, stride 4', [2, 3, 100, 227], [10, 3, 11, 11], { stride: 4, padding: 2 }, false, true],
  // Stride 1, 24 channels (no lanes), 98 tiles (no Winograd): direct, flat tiling; dx by the
  // transposed convolution, whose 16 output channels take the lanes kernel.
  ['direct flat; dx by lanes', [2, 16, 13, 13], [24, 16, 3, 3], { padding: 1 }, false, true],
  // Output channels along the lanes, pixel chunks per thread count.
  ['lanes', [1, 64, 13, 13], [96, 64, 3, 3], { padding: 1 }, false, true],
  // Stride 2, no lanes: the implicit GEMM, output channels split at 1 and 3 threads, columns at 8
  // (64 channels < 8 threads × 2 strips of 8); dx by col2im.
  ['GEMM, channel or column split', [1, 64, 27, 27], [64, 64, 3, 3], { stride: 2, padding: 1 }, false, false],
  ['GEMM, column chunks, groups 2', [8, 32, 27, 27], [64, 16, 5, 5], { stride: 2, padding: 2, groups: 2 }, false, false],
  // Og ≥ 2·Cg at stride 1: dx by col2im; 392 tiles, below Winograd's threshold.
  ['col2im at stride 1', [2, 16, 27, 27], [64, 16, 5, 5], { padding: 2 }, false, false],
  // Winograd: forward, dx (transposed convolution) and dw (four fixed tile ranges).
  ['Winograd 3x3 (784 tiles, the default threshold)', [16, 32, 13, 13], [32, 32, 3, 3], { padding: 1 }, false, true],
  ['Winograd 5x5, groups 2', [4, 32, 27, 27], [64, 16, 5, 5], { padding: 2, groups: 2 }, true, true],
];

// [N, I, O]: rows (N ≤ 8), weight streaming (17–64, AVX-512), GEMM: 7 column strips of 48 split by
// columns at 1 and 3 threads and by rows at 8 (16 row strips).
const linearCases: [number, number, number][] = [[1, 1000, 203], [5, 300, 77], [32, 700, 77], [128, 300, 300]];

if (addon) {
  describe('native results at 1, 3 and 8 threads', () => {
    after(() => setBackend(REFERENCE_BACKEND));

    for (const isa of isaPaths(addon)) {
      for (const [name, xs, ws, attrs, winograd, lanes] of convCases) {
        it(`conv2d ${name}: forward, dx, dw, db [${isa}]`, () => {
          addon.setIsa(isa);
          setBackend(NATIVE_BACKEND);
          const rng = new Rng(5);
          const x = tensor(rng, xs), w = tensor(rng, ws, 0.2), b = tensor(rng, [ws[0]]);
          const dy = tensor(rng, [...conv2d(x, w, b, attrs).shape]);
          const minTiles = addon.setWinogradMinTiles(winograd ? 0 : 512);
          const maxPixels = addon.setLanesMaxPixels(lanes ? 4096 : 0);
          try {
            sameAtEveryThreadCount(name, () => {
              const y = conv2d(x, w, b, attrs, { relu: true });
              const g = conv2dBackward(x, w, dy, attrs);
              return [y.data, g.dx!.data, g.dw.data, g.db!.data];
            });
          } finally {
            addon.setWinogradMinTiles(minTiles);
            addon.setLanesMaxPixels(maxPixels);
          }
        });
      }

      it(`linear: rows, weight streaming and GEMM, forward, dx, dw, db [${isa}]`, () => {
        addon.setIsa(isa);
        setBackend(NATIVE_BACKEND);
        for (const [n, i, o] of linearCases) {
          const rng = new Rng(6);
          const x = tensor(rng, [n, i]), w = tensor(rng, [o, i], 0.05), b = tensor(rng, [o]), dy = tensor(rng, [n, o]);
          sameAtEveryThreadCount(`linear ${n}x${i}->${o}`, () => {
            const g = linearBackward(x, w, dy);
            return [linear(x, w, b, { relu: true }).data, g.dx!.data, g.dw.data, g.db!.data];
          });
        }
      });

      it(`two training steps of the mini network, batch 16: losses and every parameter [${isa}]`, () => {
        addon.setIsa(isa);
        setBackend(NATIVE_BACKEND);
        const preset = getPreset('mini');
        sameAtEveryThreadCount('mini training', () => {
          const model = buildAlexNet(preset);
          initAlexNet(model, new Rng(1));
          const sgd = new Sgd(model.params(), { momentum: 0.9, weightDecay: 5e-4, form: 'paper' });
          const data = new Rng(2), dropout = new Rng(3);
          const losses: number[] = [];
          for (let s = 0; s < 2; s++) {
            const x = tensor(data, [16, 3, preset.inputSize, preset.inputSize], 100);
            const labels = Int32Array.from({ length: 16 }, (_, i) => (i * 7 + s) % preset.classes);
            losses.push(trainStep(model.net, sgd, x, labels, 0.01, dropout));
          }
          return [new Float64Array(losses), ...[...model.stateDict().values()].map((t) => t.data)];
        });
      });
    }
  });
}
