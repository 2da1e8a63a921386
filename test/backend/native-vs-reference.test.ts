// Every native kernel against the reference kernel on random inputs, with
// ragged shapes that exercise the GEMM tile edges, batch-1 splitting, fused
// ReLU, both SGD forms; plus determinism across thread counts and the
// addon's own argument checks.
import '../../src/backend/reference/index.js';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { setBackend, REFERENCE_BACKEND } from '../../src/ops/registry.js';
import { NATIVE_BACKEND } from '../../src/backend/native/index.js';
import { conv2d, conv2dBackward, type Conv2dAttrs } from '../../src/ops/conv2d.js';
import { linear, linearBackward } from '../../src/ops/linear.js';
import { lrn, lrnBackward, type LrnAttrs } from '../../src/ops/lrn.js';
import { maxPool2d, maxPool2dBackward, maxPool2dValues, type MaxPool2dAttrs } from '../../src/ops/maxpool2d.js';
import { relu, reluBackward } from '../../src/ops/relu.js';
import { tanh, tanhBackward } from '../../src/ops/tanh.js';
import { dropout, dropoutMask, type DropoutAttrs } from '../../src/ops/dropout.js';
import { sgdUpdate, type SgdStep } from '../../src/ops/sgd.js';
import { relativeError, TOLERANCE } from '../helpers/fixtures.js';
import { isaPaths, nativeOrSkip } from '../helpers/native.js';

const addon = nativeOrSkip();
const rng = new Rng(3);
const rand = (shape: number[], scale = 1) => new Tensor(rng.fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), -scale, scale), shape);

/** Runs `f` on both backends and returns [native, reference] results. */
function both<T>(f: () => T): [T, T] {
  setBackend(NATIVE_BACKEND);
  const n = f();
  setBackend(REFERENCE_BACKEND);
  const r = f();
  return [n, r];
}

let worstSeen = { err: 0, what: 'none' };
function close(what: string, ours: Tensor | Float32Array, ref: Tensor | Float32Array): void {
  const a = ours instanceof Tensor ? ours.data : ours;
  const b = ref instanceof Tensor ? ref.data : ref;
  assert.equal(a.length, b.length, `${what}: size`);
  const err = relativeError(a, b);
  if (err > worstSeen.err) worstSeen = { err, what };
  assert.ok(err <= TOLERANCE, `${what}: relative error ${err.toExponential(2)} > ${TOLERANCE}`);
}

const convCases: [string, number[], number[], Conv2dAttrs][] = [
  ['ragged 3x3 pad 1', [3, 5, 17, 19], [7, 5, 3, 3], { padding: 1 }],
  ['groups 2, stride 2, overhang', [2, 6, 15, 12], [10, 3, 4, 4], { stride: 2, groups: 2, outputRule: 'overhang' }],
  ['conv1-like stride 4 overhang', [2, 3, 39, 39], [9, 3, 11, 11], { stride: 4, outputRule: 'overhang' }],
  ['asymmetric padding, 1x1', [2, 4, 6, 5], [3, 4, 1, 1], { padding: [1, 0, 2, 1] }],
  ['batch 1, conv3 shape', [1, 256, 13, 13], [384, 256, 3, 3], { padding: 1 }],
  ['batch 1, conv4 shape groups 2', [1, 384, 13, 13], [384, 192, 3, 3], { padding: 1, groups: 2 }],
  ['pad larger than kernel', [1, 2, 4, 4], [3, 2, 2, 2], { padding: 3 }],
  // Og ≥ 2·Cg: backward data by col2im at stride 1 (the paper's conv2 path)
  ['col2im, asymmetric padding', [2, 3, 9, 8], [8, 3, 3, 3], { padding: [2, 0, 1, 3] }],
  ['col2im, groups 2, many pixels', [2, 4, 23, 21], [10, 2, 5, 5], { padding: 2, groups: 2 }],
  // 3×3 stride 1 with ≥ 16 channels a group: Winograd F(2×2, 3×3), forward and backward data
  ['winograd, odd output sizes', [2, 20, 9, 11], [18, 20, 3, 3], { padding: 1 }],
  ['winograd, groups 2, asymmetric padding', [2, 32, 7, 6], [34, 16, 3, 3], { padding: [1, 0, 2, 1], groups: 2 }],
  // Tile rows of 20 and 21 (padded rows past 32 columns): the plain transforms on every ISA
  ['winograd, tile chunks that split a tile row', [4, 16, 40, 40], [16, 16, 3, 3], { padding: 1 }],
  // 1323 tiles of rows of 21: chunks (one strip of 48 tiles on AVX-512) end inside a tile row
  ['winograd, chunks and strips that split tile rows', [3, 16, 42, 42], [16, 16, 3, 3], { padding: 1 }],
  // The AVX-512 transforms (winograd_avx512.cpp) at their widest: rows of 15 tiles (32 padded columns),
  // 675 tiles in chunks of 48 that start and end inside tile rows
  ['winograd, widest AVX-512 tile rows, chunks split rows', [3, 16, 29, 30], [16, 16, 3, 3], { padding: 1 }],
  // 5×5 stride 1: Winograd F(2×2, 5×5), forward and (by the transposed convolution) backward data
  ['winograd 5x5, odd output sizes', [2, 16, 13, 11], [18, 16, 5, 5], { padding: 2 }],
  ['winograd 5x5, groups 2, asymmetric padding', [3, 32, 9, 12], [34, 16, 5, 5], { padding: [2, 1, 2, 0], groups: 2 }],
  ['winograd 5x5, many chunks', [6, 16, 27, 27], [20, 16, 5, 5], { padding: 2 }],
  // Rows of 14 tiles (32 padded columns, the AVX-512 transforms' widest) cropped to 27 outputs
  ['winograd 5x5, widest AVX-512 tile rows, odd crop', [2, 16, 28, 27], [24, 16, 5, 5], { padding: 2 }],
  // Output rows 33–64 wide: the direct kernel on AVX-512 (conv_direct.cpp); 10 channels = a 6-strip and a ragged 4
  ['direct, torchvision conv1 geometry, row blocks', [2, 3, 224, 224], [10, 3, 11, 11], { stride: 4, padding: 2 }],
  ['direct, 64 wide (no masked lanes), overhang', [1, 3, 17, 263], [6, 3, 11, 11], { stride: 4, outputRule: 'overhang' }],
  ['direct, 3 vectors, groups 2, stride 1', [2, 4, 9, 36], [14, 2, 3, 3], { padding: 1, groups: 2 }],
  // Flat tiling with more padding right than left: rows of the copy lead with max(left, right) zeros
  ['direct flat, right padding only', [2, 5, 9, 12], [7, 5, 3, 3], { padding: [1, 1, 0, 2] }],
  // Up to 4096 outputs a channel, 16·n channels a group: output channels along the lanes on AVX-512 (conv_lanes.cpp)
  ['lanes, torchvision conv1 geometry (one strip in pixel chunks)', [1, 3, 224, 224], [64, 3, 11, 11], { stride: 4, padding: 2 }],
  ['lanes, 3 vectors, groups 2, stride 2, overhang', [1, 6, 20, 20], [96, 3, 5, 5], { stride: 2, groups: 2, outputRule: 'overhang' }],
  ['lanes, 2 vectors, two images, asymmetric padding', [2, 5, 9, 8], [32, 5, 3, 3], { padding: [1, 0, 2, 1] }],
  ['lanes, 1 vector (80 channels), 2x2 kernel', [1, 4, 6, 7], [80, 4, 2, 2], {}],
];

/**
 * The reference kernels' results for a case, computed on first use and
 * compared with every instruction-set path's: the inputs are the same on
 * every path, and the reference kernels, the slow part of this file, run once.
 */
function once<T>(f: () => T): () => T {
  let v: { value: T } | null = null;
  return () => (v ??= { value: f() }).value;
}

const convReference = new Map(convCases.map(([name, xs, ws, attrs]) => [name, once(() => {
  const x = rand(xs), w = rand(ws, 0.3), b = rand([ws[0]]);
  setBackend(REFERENCE_BACKEND);
  const y = [false, true].map((fuse) => conv2d(x, w, b, attrs, { relu: fuse }));
  const dy = rand([...y[0].shape]);
  return { x, w, b, dy, y, g: conv2dBackward(x, w, dy, attrs) };
})]));

// 17–64 rows: the weight-streaming kernel on AVX-512 (linear_stream.cpp), ragged tiles of 12, 8 and 6 rows
const LINEAR_CASES = [[1, 9216, 4096], [5, 300, 77], [3, 49, 1], [32, 300, 77], [20, 1000, 50], [40, 70, 13], [64, 129, 30]] as const;

const linearReference = new Map(LINEAR_CASES.map(([n, i, o]) => [`${n}x${i}x${o}`, once(() => {
  const x = rand([n, i]), w = rand([o, i], 0.05), b = rand([o]);
  setBackend(REFERENCE_BACKEND);
  const y = [false, true].map((fuse) => linear(x, w, b, { relu: fuse }));
  const dy = rand([n, o]);
  return { x, w, b, dy, y, g: linearBackward(x, w, dy) };
})]));

if (addon) {
  describe('native vs reference kernels', () => {
    after(() => {
      setBackend(REFERENCE_BACKEND);
      console.log(`# native vs reference: worst ${worstSeen.what}: ${worstSeen.err.toExponential(2)}`);
    });

    for (const isa of isaPaths(addon)) {
      for (const [name, xs, ws, attrs] of convCases) {
        it(`conv2d ${name} [${isa}]`, () => {
          addon.setIsa(isa);
          // Every eligible layer by Winograd here, whatever its batch (default: from 512 tiles).
          const minTiles = addon.setWinogradMinTiles(name.startsWith('winograd') ? 0 : 512);
          const ref = convReference.get(name)!();
          const { x, w, b, dy } = ref;
          setBackend(NATIVE_BACKEND);
          try {
            for (const [i, fuse] of [false, true].entries()) close(`${name} y relu=${fuse}`, conv2d(x, w, b, attrs, { relu: fuse }), ref.y[i]);
            const g = conv2dBackward(x, w, dy, attrs);
            close(`${name} dx`, g.dx!, ref.g.dx!);
            close(`${name} dw`, g.dw, ref.g.dw);
            close(`${name} db`, g.db!, ref.g.db!);
          } finally {
            setBackend(REFERENCE_BACKEND);
            addon.setWinogradMinTiles(minTiles);
          }
        });
      }
      for (const [n, i, o] of LINEAR_CASES) {
        it(`linear ${n}x${i} -> ${o} [${isa}]`, () => {
          addon.setIsa(isa);
          const ref = linearReference.get(`${n}x${i}x${o}`)!();
          const { x, w, b, dy } = ref;
          setBackend(NATIVE_BACKEND);
          try {
            for (const [k, fuse] of [false, true].entries()) close(`linear y relu=${fuse}`, linear(x, w, b, { relu: fuse }), ref.y[k]);
            const g = linearBackward(x, w, dy);
            close('linear dx', g.dx!, ref.g.dx!);
            close('linear dw', g.dw, ref.g.dw);
            close('linear db', g.db!, ref.g.db!);
          } finally {
            setBackend(REFERENCE_BACKEND);
          }
        });
      }
    }

    // Per instruction set: the pool and LRN kernels have AVX-512 paths of their own, and every
    // plain loop (elementwise, SGD, LRN) a variant per level that setIsa chooses (isa_targets.h).
    for (const isa of isaPaths(addon)) {
      it(`lrn across pixel chunks, columns and an even window [${isa}]`, () => {
        addon.setIsa(isa);
        for (const attrs of [
          { size: 5, alpha: 1e-4, beta: 0.75, k: 2, alphaConvention: 'perSum', groups: 2 },
          { size: 4, alpha: 1e-3, beta: 0.6, k: 1, alphaConvention: 'dividedByN', groups: 1 },
        ] as LrnAttrs[]) {
          const x = rand([3, 12, 9, 10], 40); // 90 pixels: one full and one partial chunk of 64
          const [fn, fr] = both(() => lrn(x, attrs));
          close('lrn y', fn.y, fr.y);
          close('lrn scale', fn.scale, fr.scale);
          const dy = rand([...x.shape]);
          const [dn, dr] = both(() => lrnBackward(x, fr.y, fr.scale, dy, attrs));
          close('lrn dx', dn, dr);
        }
      });

      for (const [name, attrs] of [
        ['ceil rounding, padding', { kernel: 3, stride: 2, padding: 1, rounding: 'ceil' }],
        ['3x3 stride 2 (the fast path)', { kernel: 3, stride: 2 }],
      ] as [string, MaxPool2dAttrs][]) {
        it(`maxpool ${name}, with ties and a NaN [${isa}]`, () => {
          addon.setIsa(isa);
          const x = rand([2, 3, 11, 13]);
          for (let i = 0; i < x.size; i += 3) x.data[i] = 0.5; // ties, also across rows of a window
          x.data[200] = NaN;
          const [fn, fr] = both(() => maxPool2d(x, attrs));
          assert.deepEqual(fn.argmax, fr.argmax);
          assert.deepEqual(Array.from(fn.y.data, (v) => (Number.isNaN(v) ? 'NaN' : v)), Array.from(fr.y.data, (v) => (Number.isNaN(v) ? 'NaN' : v)));
          const dy = rand([...fr.y.shape]);
          const [dn, dr] = both(() => maxPool2dBackward(x.shape, fr.argmax, dy, attrs));
          close('pool dx', dn, dr);
        });
      }

      it(`maxpool 3x3 stride 2 over wide rows with ±0 ties: the first maximum, with its sign [${isa}]`, () => {
        addon.setIsa(isa);
        // 71 columns: 35 outputs a row, two full vectors and a partial one on the vector path.
        const x = rand([2, 3, 9, 71]);
        for (let i = 0; i < x.size; i++) if (i % 4 === 0) x.data[i] = i % 8 === 0 ? -0 : 0;
        for (let i = 1; i < x.size; i += 4) x.data[i] = -Math.abs(x.data[i]);
        const attrs: MaxPool2dAttrs = { kernel: 3, stride: 2 };
        const [fn, fr] = both(() => maxPool2d(x, attrs));
        assert.deepEqual(fn.argmax, fr.argmax);
        const signs = (t: Tensor) => Array.from(t.data, (v) => (Object.is(v, -0) ? '-0' : v));
        assert.ok(signs(fr.y).includes('-0'), 'the case has -0 maxima');
        assert.deepEqual(signs(fn.y), signs(fr.y));
      });

      it(`maxpool values only (inference): the argmax path's y bit for bit, with ±0 ties and a NaN [${isa}]`, () => {
        addon.setIsa(isa);
        const bits = (t: Tensor) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size));
        for (const [shape, attrs] of [
          // 71 columns: output columns in chunks of 16 with a partial one; 10 rows: the last input row unused
          [[2, 3, 10, 71], { kernel: 3, stride: 2 }],
          [[1, 4, 27, 27], { kernel: 3, stride: 2 }], // pool2's plane
          [[2, 2, 11, 13], { kernel: 3, stride: 2, padding: 1, rounding: 'ceil' }],
          [[1, 3, 8, 9], { kernel: 2, stride: 2 }],
        ] as [number[], MaxPool2dAttrs][]) {
          const x = rand(shape);
          // All values ≤ 0 with ±0 scattered: most windows tie at 0, and their first zero decides the sign.
          for (let i = 0; i < x.size; i++) x.data[i] = (i * 7) % 5 < 3 ? ((i * 13) % 11 < 5 ? -0 : 0) : -Math.abs(x.data[i]);
          x.data[shape[2] * shape[3] + 5] = NaN; // one plane takes the exact path
          const ref = both(() => maxPool2d(x, attrs).y)[1];
          const [vn, vr] = both(() => maxPool2dValues(x, attrs));
          assert.deepEqual(bits(vr), bits(ref), `reference values path, ${shape}`);
          assert.deepEqual(bits(vn), bits(ref), `native values path, ${shape}`);
          assert.ok(ref.data.some((v) => Object.is(v, -0)) && ref.data.some((v) => Object.is(v, 0)), 'the case has maxima of both signs');
        }
      });

      it(`tanh over several blocks, saturated tails and a partial block [${isa}]`, () => {
        addon.setIsa(isa);
        const x = rand([3, 70001]);
        for (let i = 0; i < x.size; i += 7) x.data[i] *= 12; // |x| up to 12: y = ±1 in float32, dx = 0
        const [yn, yr] = both(() => tanh(x));
        close('tanh y', yn, yr);
        const dy = rand([3, 70001]);
        const [dn, dr] = both(() => tanhBackward(yr, dy));
        close('tanh dx', dn, dr);
      });

      it(`relu and dropout [${isa}]`, () => {
        addon.setIsa(isa);
        const x = rand([3, 70001]);
        const [yn, yr] = both(() => relu(x));
        close('relu y', yn, yr);
        const dy = rand([3, 70001]);
        const [dn, dr] = both(() => reluBackward(yr, dy));
        close('relu dx', dn, dr);
        const attrs: DropoutAttrs = { dropProbability: 0.5, scaling: 'inverted' };
        const mask = dropoutMask(x.shape, attrs, new Rng(1));
        const [on, or] = both(() => dropout(x, mask, attrs));
        close('dropout', on, or);
      });

      for (const form of ['paper', 'pytorch'] as const) {
        it(`sgd update, ${form} form [${isa}]`, () => {
          addon.setIsa(isa);
          const step: SgdStep = { learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4, form };
          const w0 = rand([100003]), v0 = rand([100003], 0.01), g = rand([100003]);
          const [[wn, vn], [wr, vr]] = both(() => {
            const w = w0.clone(), v = v0.clone();
            for (let i = 0; i < 3; i++) sgdUpdate(w, v, g, step);
            return [w, v];
          });
          close('sgd w', wn, wr);
          close('sgd v', vn, vr);
        });
      }
    }

    it('is deterministic: repeated runs and 1 vs 2 threads give identical bits', () => {
      addon.setIsa(isaPaths(addon)[0]);
      setBackend(NATIVE_BACKEND);
      const attrs: Conv2dAttrs = { padding: 2, groups: 2 };
      const x = rand([4, 32, 27, 27]), w = rand([64, 16, 5, 5], 0.2), b = rand([64]);
      const dy = rand([4, 64, 27, 27]);
      const run = () => {
        const y = conv2d(x, w, b, attrs, { relu: true });
        const g = conv2dBackward(x, w, dy, attrs);
        const l = linearBackward(rand([8, 512]), rand([300, 512]), rand([8, 300]));
        // 784 tiles: the Winograd path at its default threshold (forward, input and weight gradients).
        const xw = rand([16, 32, 13, 13]), ww = rand([32, 32, 3, 3], 0.2);
        const yw = conv2d(xw, ww, null, { padding: 1 });
        const gw = conv2dBackward(xw, ww, rand([16, 32, 13, 13]), { padding: 1 });
        // Batch 1: a 13×13 layer with output channels along the lanes (AVX-512; GEMM elsewhere); the fully connected layer by rows.
        const y1 = conv2d(rand([1, 64, 13, 13]), rand([96, 64, 3, 3], 0.2), rand([96]), { padding: 1 }, { relu: true });
        const f1 = linear(rand([1, 1000]), rand([203, 1000]), rand([203]));
        // Batch 32: the weight-streaming kernel, rows split across the threads.
        const f32 = linear(rand([32, 700]), rand([77, 700]), rand([77]), { relu: true });
        // Batch 1, 576 pixels, one strip of 64 channels: the lanes kernel's pixel chunks across the threads.
        const yl = conv2d(rand([1, 3, 100, 100]), rand([64, 3, 11, 11], 0.2), rand([64]), { stride: 4, padding: 2 }, { relu: true });
        // 55-wide rows: the direct kernel, in row blocks split across the threads.
        const yd = conv2d(rand([2, 3, 224, 224]), rand([10, 3, 11, 11], 0.2), rand([10]), { stride: 4, padding: 2 }, { relu: true });
        const p = maxPool2d(rand([4, 8, 27, 27]), { kernel: 3, stride: 2 });
        return [y.data, g.dx!.data, g.dw.data, g.db!.data, l.dw.data, yw.data, gw.dx!.data, gw.dw.data, y1.data, f1.data, f32.data, yd.data, p.y.data, p.argmax, yl.data];
      };
      const threads = addon.info().threads;
      const rngState = rng.getState();
      const a = run();
      rng.setState(rngState);
      const b2 = run();
      addon.setThreads(1);
      rng.setState(rngState);
      const c = run();
      addon.setThreads(threads);
      for (let i = 0; i < a.length; i++) {
        assert.deepEqual(b2[i], a[i], `output ${i} differs between runs`);
        assert.deepEqual(c[i], a[i], `output ${i} differs between 1 and ${threads} threads`);
      }
    });

    it('the addon rejects buffers shorter than the geometry says', () => {
      const small = new Float32Array(10);
      assert.throws(() => addon.conv2dForward(1, 3, 8, 8, 2, 3, 3, 6, 6, 1, 1, 0, 0, 1, small, small, null, small, false),
        /native conv2dForward: argument 1[4-7] holds 10 values, needs \d+/);
      assert.throws(() => addon.linearForward(2, 4, 3, new Float32Array(8), new Float32Array(12), null, new Float32Array(5), false),
        /argument 6 holds 5 values, needs 6/);
      // @ts-expect-error: wrong array type
      assert.throws(() => addon.reluForward(4, new Int32Array(4), new Float32Array(4)), /must be a Float32Array/);
    });
  });
}
