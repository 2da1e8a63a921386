import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';

describe('Tensor', () => {
  it('holds a shape over contiguous float32 storage with row-major strides', () => {
    const t = Tensor.zeros([2, 3, 4, 5]);
    assert.equal(t.size, 120);
    assert.deepEqual(t.strides, [60, 20, 5, 1]);
    assert.ok(t.data instanceof Float32Array);
  });
  it('reshape and batch are views that share storage', () => {
    const t = Tensor.from([0, 1, 2, 3, 4, 5, 6, 7], [4, 2]);
    const r = t.reshape([2, -1]);
    assert.deepEqual(r.shape, [2, 4]);
    const b = t.batch(1, 3);
    assert.deepEqual(b.shape, [2, 2]);
    assert.deepEqual([...b.data], [2, 3, 4, 5]);
    b.data[0] = 42;
    assert.equal(t.data[2], 42);
    assert.equal(r.data[2], 42);
  });
  it('rejects sizes that do not match', () => {
    assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), /holds 5 values but shape \[2, 3\] needs 6/);
    assert.throws(() => Tensor.zeros([2, 3]).reshape([4, 2]), /\[2, 3\] has 6 values/);
    assert.throws(() => Tensor.zeros([2, 3]).batch(1, 3), /outside leading dimension 2/);
    assert.throws(() => Tensor.zeros([2, -3]), /non-negative integers/);
  });
});
