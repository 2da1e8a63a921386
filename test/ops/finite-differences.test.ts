// Finite-difference checks for what PyTorch has no direct op for:
// the paper's per-sum LRN within columns, and cuda-convnet's overhang rule.
// The PyTorch fixtures check these too, through constructions from PyTorch
// pieces; this checks our gradients against our own forward, independently.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { conv2d, conv2dBackward, type Conv2dAttrs } from '../../src/ops/conv2d.js';
import { lrn, lrnBackward, type LrnAttrs } from '../../src/ops/lrn.js';

const rng = new Rng(7);

function random(shape: number[], scale = 1): Tensor {
  return new Tensor(rng.fillUniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), -scale, scale), shape);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function shifted(t: Tensor, v: Tensor, h: number): Tensor {
  const out = t.clone();
  for (let i = 0; i < out.size; i++) out.data[i] += h * v.data[i];
  return out;
}

/**
 * Checks Σ grad·v against the central difference (L(t+hv) − L(t−hv)) / 2h of
 * L(t) = Σ forward(t)·r, for three random directions v; returns the worst relative error.
 */
function directionalCheck(t: Tensor, grad: Tensor, loss: (t: Tensor) => number, h: number): number {
  let worstErr = 0;
  for (let k = 0; k < 3; k++) {
    const v = random([...t.shape]);
    const numeric = (loss(shifted(t, v, h)) - loss(shifted(t, v, -h))) / (2 * h);
    const analytic = dot(grad.data, v.data);
    worstErr = Math.max(worstErr, Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-6));
  }
  return worstErr;
}

describe('finite differences', () => {
  it('conv2d with the overhang rule, groups, stride and asymmetric padding', () => {
    const attrs: Conv2dAttrs = { stride: [3, 2], padding: [1, 0, 2, 1], groups: 2, outputRule: 'overhang' };
    const x = random([2, 4, 13, 11]);
    const w = random([6, 2, 4, 3]);
    const b = random([6]);
    const y = conv2d(x, w, b, attrs);
    assert.deepEqual(y.shape, [2, 6, 5, 7]); // 1+ceil((13+1-4)/3) = 5, 1+ceil((11+3-3)/2) = 7
    const r = random([...y.shape]);
    const { dx, dw, db } = conv2dBackward(x, w, r, attrs);
    const errs = [
      directionalCheck(x, dx!, (t) => dot(conv2d(t, w, b, attrs).data, r.data), 1e-2),
      directionalCheck(w, dw, (t) => dot(conv2d(x, t, b, attrs).data, r.data), 1e-2),
      directionalCheck(b, db!, (t) => dot(conv2d(x, w, t, attrs).data, r.data), 1e-2),
    ];
    console.log(`# conv2d overhang finite differences: worst ${Math.max(...errs).toExponential(2)}`);
    for (const e of errs) assert.ok(e < 1e-3, `relative error ${e}`);
  });

  for (const [name, attrs] of [
    ['per-sum α within two columns', { size: 5, alpha: 1e-3, beta: 0.75, k: 2, alphaConvention: 'perSum', groups: 2 }],
    ['α/n over all channels, even window', { size: 4, alpha: 1e-2, beta: 0.6, k: 1, alphaConvention: 'dividedByN', groups: 1 }],
  ] as [string, LrnAttrs][]) {
    it(`lrn: ${name}`, () => {
      const x = random([2, 10, 3, 3], 30);
      const { y, scale } = lrn(x, attrs);
      const r = random([...y.shape]);
      const dx = lrnBackward(x, y, scale, r, attrs);
      const err = directionalCheck(x, dx, (t) => dot(lrn(t, attrs).y.data, r.data), 1e-2);
      console.log(`# lrn ${name} finite differences: ${err.toExponential(2)}`);
      assert.ok(err < 1e-3, `relative error ${err}`);
    });
  }

  it('lrn confines the window to each column', () => {
    // A large value in channel 4 (last of column 0) must not change channel 5 (first of column 1).
    const attrs: LrnAttrs = { size: 5, alpha: 1e-2, beta: 0.75, k: 2, alphaConvention: 'perSum', groups: 2 };
    const x = Tensor.full([1, 10, 1, 1], 1);
    const base = lrn(x, attrs).y.data.slice();
    x.data[4] = 100;
    const y = lrn(x, attrs).y.data;
    assert.equal(y[5], base[5]);
    assert.notEqual(y[3], base[3]);
    // Over all channels the leak appears.
    const whole = lrn(x, { ...attrs, groups: 1 }).y.data;
    assert.notEqual(whole[5], base[5]);
  });
});
