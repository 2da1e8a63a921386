// The bf16 kernels (native-bf16: bf16 products, fp32 sums) against the fp32
// reference kernels, per output, within the error bf16 rounding allows:
//
//   |y − y_ref| ≤ (2·2⁻⁸ + 2⁻¹⁶ + 2·K·2⁻²⁴)·Σ_k |a_k·b_k| + 2⁻²³·|y_ref|
//
// Rounding an fp32 operand to bf16 (8-bit significand, to nearest even)
// changes it by at most 2⁻⁸ of itself, so a product of two rounded operands is
// off by at most (1 + 2⁻⁸)² − 1 = 2·2⁻⁸ + 2⁻¹⁶ of |a·b|; the products of bf16
// values are exact in fp32, and our fp32 sum of K of them and the reference's
// fp32 sum each add at most K·2⁻²⁴ of Σ|a·b|; the last term covers the bias
// added in fp32 on each side. Σ|a·b| is the same op on |a| and |b|,
// computed by the reference kernels. Every pass (forward, backward-data,
// backward-weights) of convolutions that take the bf16 GEMM (no Winograd),
// linear layers above batch 8, and the plain GEMM, with ragged tiles, odd K
// and K spanning several blocks; bf16 results bit-identical at 1 and 3
// threads. Skipped, with the reason, where the CPU lacks AVX512-BF16.
import '../../src/backend/reference/index.js';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { setBackend, REFERENCE_BACKEND } from '../../src/ops/registry.js';
import { NATIVE_BF16_BACKEND } from '../../src/backend/native/index.js';
import { conv2d, conv2dBackward, type Conv2dAttrs } from '../../src/ops/conv2d.js';
import { linear, linearBackward } from '../../src/ops/linear.js';
import { nativeOrSkip } from '../helpers/native.js';

const addon = nativeOrSkip();
const rng = new Rng(11);
const rand = (shape: number[], scale = 1) => new Tensor(rng.fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), -scale, scale), shape);
const abs = (t: Tensor) => new Tensor(t.data.map(Math.abs), [...t.shape]);

const U = 2 ** -8, E = 2 ** -24;

let worst = { ratio: 0, what: 'none' };
/** Every output within the bound above for a sum of K products whose absolute sum is `absSum`. */
function withinBf16(what: string, ours: Float32Array, ref: Float32Array, absSum: Float32Array, K: number): void {
  assert.equal(ours.length, ref.length, `${what}: size`);
  const rel = 2 * U + U * U + 2 * K * E;
  let bad = -1, ratio = 0;
  for (let i = 0; i < ours.length; i++) {
    const bound = rel * absSum[i] + 2 * E * Math.abs(ref[i]);
    const d = Math.abs(ours[i] - ref[i]);
    if (!(d <= bound)) { bad = i; break; }
    if (bound > 0) ratio = Math.max(ratio, d / bound);
  }
  assert.ok(bad < 0, `${what}: output ${bad}: |${ours[bad]} − ${ref[bad]}| > bound ${(rel * absSum[bad] + 2 * E * Math.abs(ref[bad])).toExponential(3)} (K ${K})`);
  if (ratio > worst.ratio) worst = { ratio, what };
}

/** Runs f on native-bf16. */
function onBf16<T>(f: () => T): T {
  setBackend(NATIVE_BF16_BACKEND);
  try {
    return f();
  } finally {
    setBackend(REFERENCE_BACKEND);
  }
}

function sameBits(what: string, a: Float32Array, b: Float32Array): void {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) assert.fail(`${what}: output ${i} differs between 1 and 3 threads (${a[i]} vs ${b[i]})`);
}

// Geometries the bf16 GEMM takes (no Winograd: under 16 channels a group, or batches below its threshold, or
// strided) in every pass or some (where conv.cpp keeps an fp32 kernel, the fp32 result must meet the bound too);
// K = C/groups·KH·KW forward.
const CONV_CASES: [string, number[], number[], Conv2dAttrs][] = [
  ['3x3 pad 1, ragged tiles, odd K 45', [3, 5, 17, 19], [7, 5, 3, 3], { padding: 1 }],
  ['conv1-like stride 4 overhang, odd K 363, dx by col2im', [2, 3, 39, 39], [9, 3, 11, 11], { stride: 4, outputRule: 'overhang' }],
  ['groups 2, stride 2, overhang', [2, 6, 15, 12], [10, 3, 4, 4], { stride: 2, groups: 2, outputRule: 'overhang' }],
  ['9x9, odd K 567 over two blocks', [2, 7, 20, 20], [13, 7, 9, 9], {}],
  ['3x3 stride 1, 1183 outputs a channel: forward and dx by the bf16 GEMM', [7, 32, 13, 13], [80, 32, 3, 3], { padding: 1 }],
  ['conv3 shape, batch 1 (dw by bf16, K 2304 over five blocks)', [1, 256, 13, 13], [384, 256, 3, 3], { padding: 1 }],
  ['groups 2, asymmetric padding, 1352 outputs a channel', [8, 64, 13, 13], [64, 32, 3, 3], { padding: [1, 0, 2, 1], groups: 2 }],
];

const LINEAR_CASES: [number, number, number][] = [[9, 49, 1], [17, 1001, 50], [65, 300, 77], [130, 257, 96], [4, 515, 33]];

if (!addon || !addon.info().bf16) {
  const why = !addon ? 'no native addon' : addon.info().detectedBf16
    ? `AVX512-BF16 (vdpbf16ps) present but the kernels run ${addon.info().isa}` : 'this CPU lacks AVX512-BF16 (vdpbf16ps)';
  describe('native-bf16 kernels', () => {
    it('skipped', { skip: why }, () => {});
  });
} else {
  describe('native-bf16 kernels vs the fp32 reference', () => {
    after(() => console.log(`# native-bf16: worst |error| / bound ${worst.ratio.toFixed(3)} (${worst.what})`));

    it('gemm: ragged tiles, odd K, K over several blocks', () => {
      for (const [M, N, K] of [[1, 1, 1], [8, 48, 2], [9, 49, 3], [17, 100, 257], [23, 97, 1025], [200, 530, 515]]) {
        const a = rand([M, K]).data, b = rand([K, N]).data;
        const c = new Float32Array(M * N);
        addon.gemm(M, N, K, a, b, c, true);
        const ref = new Float32Array(M * N), absSum = new Float32Array(M * N);
        for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
          let s = 0, t = 0;
          for (let k = 0; k < K; k++) { const p = a[m * K + k] * b[k * N + n]; s += p; t += Math.abs(p); }
          ref[m * N + n] = s;
          absSum[m * N + n] = t;
        }
        withinBf16(`gemm ${M}x${N}x${K}`, c, ref, absSum, K);
      }
    });

    for (const [name, xs, ws, attrs] of CONV_CASES) {
      it(`conv2d ${name}: forward, dx, dw, db; 1 and 3 threads`, () => {
        const x = rand(xs), w = rand(ws, 0.3), b = rand([ws[0]]);
        setBackend(REFERENCE_BACKEND);
        const yRef = conv2d(x, w, b, attrs, { relu: true });
        const dy = rand([...yRef.shape]);
        const gRef = conv2dBackward(x, w, dy, attrs);
        const yAbs = conv2d(abs(x), abs(w), null, attrs);
        const gAbs = conv2dBackward(abs(x), abs(w), abs(dy), attrs);
        const [N, C, , ] = xs, [O, Cg, KH, KW] = ws, groups = C / Cg, OHW = yRef.shape[2] * yRef.shape[3];
        const threads = addon.info().threads;
        const runs = [1, 3].map((t) => {
          addon.setThreads(t);
          try {
            return onBf16(() => ({ y: conv2d(x, w, b, attrs, { relu: true }), g: conv2dBackward(x, w, dy, attrs) }));
          } finally {
            addon.setThreads(threads);
          }
        });
        const { y, g } = runs[0];
        withinBf16(`${name} y`, y.data, yRef.data, yAbs.data, Cg * KH * KW);
        withinBf16(`${name} dx`, g.dx!.data, gRef.dx!.data, gAbs.dx!.data, (O / groups) * KH * KW);
        withinBf16(`${name} dw`, g.dw.data, gRef.dw.data, gAbs.dw.data, N * OHW);
        // The bias gradient is a sum of dy alone: fp32 (in double) on both paths.
        withinBf16(`${name} db`, g.db!.data, gRef.db!.data, gAbs.db!.data, N * OHW);
        sameBits(`${name} y`, runs[0].y.data, runs[1].y.data);
        sameBits(`${name} dx`, runs[0].g.dx!.data, runs[1].g.dx!.data);
        sameBits(`${name} dw`, runs[0].g.dw.data, runs[1].g.dw.data);
      });
    }

    for (const [n, i, o] of LINEAR_CASES) {
      it(`linear ${n}x${i}x${o}: forward, dx, dw, db; 1 and 3 threads`, () => {
        const x = rand([n, i]), w = rand([o, i], 0.05), b = rand([o]);
        setBackend(REFERENCE_BACKEND);
        const yRef = linear(x, w, b, { relu: true });
        const dy = rand([n, o]);
        const gRef = linearBackward(x, w, dy);
        const yAbs = linear(abs(x), abs(w), null);
        const gAbs = linearBackward(abs(x), abs(w), abs(dy));
        const threads = addon.info().threads;
        const runs = [1, 3].map((t) => {
          addon.setThreads(t);
          try {
            return onBf16(() => ({ y: linear(x, w, b, { relu: true }), g: linearBackward(x, w, dy) }));
          } finally {
            addon.setThreads(threads);
          }
        });
        const { y, g } = runs[0];
        withinBf16(`linear ${n}x${i}x${o} y`, y.data, yRef.data, yAbs.data, i);
        withinBf16(`linear ${n}x${i}x${o} dx`, g.dx!.data, gRef.dx!.data, gAbs.dx!.data, o);
        withinBf16(`linear ${n}x${i}x${o} dw`, g.dw.data, gRef.dw.data, gAbs.dw.data, n);
        withinBf16(`linear ${n}x${i}x${o} db`, g.db!.data, gRef.db!.data, gAbs.db!.data, n);
        sameBits(`linear ${n}x${i}x${o} y`, runs[0].y.data, runs[1].y.data);
        sameBits(`linear ${n}x${i}x${o} dx`, runs[0].g.dx!.data, runs[1].g.dx!.data);
        sameBits(`linear ${n}x${i}x${o} dw`, runs[0].g.dw.data, runs[1].g.dw.data);
      });
    }

    it('bf16 is not fp32: the bf16 GEMM rounds its operands', () => {
      // 1 + 2⁻¹⁰ rounds to 1 in bf16: the product is exactly 1, where fp32 gives 1 + 2⁻¹⁰.
      const c = new Float32Array(1);
      addon.gemm(1, 1, 1, new Float32Array([1 + 2 ** -10]), new Float32Array([1]), c, true);
      assert.equal(c[0], 1);
      addon.gemm(1, 1, 1, new Float32Array([1 + 2 ** -10]), new Float32Array([1]), c, false);
      assert.equal(c[0], 1 + 2 ** -10);
    });

    it('refuses bf16 below the avx512 path, naming the instruction', () => {
      const isa = addon.info().isa;
      addon.setIsa('avx2');
      try {
        assert.equal(addon.info().bf16, false);
        assert.throws(() => addon.gemm(1, 1, 1, new Float32Array(1), new Float32Array(1), new Float32Array(1), true), /AVX512-BF16 instructions \(vdpbf16ps\).*avx2/);
        assert.throws(() => addon.linearForward(16, 4, 4, new Float32Array(64), new Float32Array(16), null, new Float32Array(64), false, true), /AVX512-BF16/);
      } finally {
        addon.setIsa(isa);
      }
    });

    it('peak probe: the dpbf16 chains run', () => {
      assert.ok(addon.peakGflops(0.05, true) > 0);
    });
  });
}
