// The instruction-set choice (setIsa, ALEXNET_ISA) reaches every native
// loop, the plain ones compiled per level (native/src/isa_targets.h)
// included: on the generic and AVX2 paths those loops use no FMA, so each
// product is rounded and the results equal float32 arithmetic done step by
// step in JavaScript, bit for bit, whatever the CPU. (A loop that chose its
// variant by CPUID alone would run fused multiply-adds here on an AVX-512
// machine and differ in the last bits.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { addonPath } from '../../src/backend/native/addon.js';
import type { NativeAddon } from '../../src/backend/native/addon.js';
import { Rng } from '../../src/tensor/random.js';
import { isaPaths, nativeOrSkip } from '../helpers/native.js';

const addon = nativeOrSkip();
const f = Math.fround;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const N = 70001; // several blocks of the elementwise split and a partial one

function inputs(seed: number) {
  const rng = new Rng(seed);
  const r = (scale: number) => rng.fillUniform(new Float32Array(N), -scale, scale);
  return { y: r(1), dy: r(1), w: r(1), v: r(0.01), g: r(1) };
}

/** tanh backward and three SGD steps of each form through the addon. */
function native(a: NativeAddon, seed: number) {
  const { y, dy, w, v, g } = inputs(seed);
  const dx = new Float32Array(N);
  a.tanhBackward(N, y, dy, dx);
  const out = [dx];
  for (const pytorch of [false, true]) {
    const ws = w.slice(), vs = v.slice();
    for (let s = 0; s < 3; s++) a.sgdUpdate(N, ws, vs, g, 0.01, 0.9, 5e-4, pytorch);
    out.push(ws, vs);
  }
  return out;
}

/** The same in float32 with every operation rounded, in the C++ expressions' order (elementwise.cpp). */
function rounded(seed: number) {
  const { y, dy, w, v, g } = inputs(seed);
  const dx = y.map((yi, i) => f(dy[i] * f(1 - f(yi * yi))));
  const out = [dx];
  const lr = f(0.01), mu = f(0.9), decay = f(5e-4);
  for (const pytorch of [false, true]) {
    const ws = w.slice(), vs = v.slice();
    for (let s = 0; s < 3; s++)
      for (let i = 0; i < N; i++) {
        if (pytorch) {
          const vi = f(f(f(mu * vs[i]) + g[i]) + f(decay * ws[i]));
          vs[i] = vi;
          ws[i] = f(ws[i] - f(lr * vi));
        } else {
          const vi = f(f(f(mu * vs[i]) - f(f(decay * lr) * ws[i])) - f(lr * g[i]));
          vs[i] = vi;
          ws[i] = f(ws[i] + vi);
        }
      }
    out.push(ws, vs);
  }
  return out;
}

if (addon) {
  describe('native instruction-set choice', () => {
    const best = isaPaths(addon)[0];
    const unfused = isaPaths(addon).filter((isa) => isa !== 'avx512');

    for (const isa of unfused) {
      it(`setIsa('${isa}') reaches the plain loops: tanh backward and SGD round every product`, () => {
        try {
          assert.equal(addon.setIsa(isa), isa);
          assert.equal(addon.info().isa, isa);
          const got = native(addon, 7), want = rounded(7);
          got.forEach((a, i) => assert.deepEqual(bits(a), bits(want[i]), `output ${i}`));
        } finally {
          addon.setIsa(best);
        }
      });
    }

    it('ALEXNET_ISA=generic chooses the generic path for the whole process', () => {
      const script = `
        const a = require(${JSON.stringify(addonPath())});
        const dx = new Float32Array(3), y = new Float32Array([0.3, -0.7, 0.9]), dy = new Float32Array([1.1, 0.2, -0.6]);
        a.tanhBackward(3, y, dy, dx);
        console.log(JSON.stringify({ isa: a.info().isa, dx: Array.from(new Uint32Array(dx.buffer)) }));`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ALEXNET_ISA: 'generic' } });
      assert.equal(r.status, 0, r.stderr);
      const { isa, dx } = JSON.parse(r.stdout) as { isa: string; dx: number[] };
      assert.equal(isa, 'generic');
      const y = [0.3, -0.7, 0.9].map(f), dy = [1.1, 0.2, -0.6].map(f);
      assert.deepEqual(dx, bits(new Float32Array(y.map((yi, i) => f(dy[i] * f(1 - f(yi * yi)))))));
    });

    it('setIsa never goes above the detected level', () => {
      try {
        assert.equal(addon.setIsa('avx512'), addon.info().detectedIsa);
        assert.equal(addon.setIsa('generic'), 'generic');
      } finally {
        addon.setIsa(best);
      }
    });
  });
}
