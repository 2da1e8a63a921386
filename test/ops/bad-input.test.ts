// Invalid calls fail with an OpError naming the op and the shapes involved.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { OpError } from '../../src/ops/errors.js';
import { conv2d, conv2dBackward } from '../../src/ops/conv2d.js';
import { linear } from '../../src/ops/linear.js';
import { lrn } from '../../src/ops/lrn.js';
import { maxPool2d } from '../../src/ops/maxpool2d.js';
import { dropout } from '../../src/ops/dropout.js';
import { crossEntropy } from '../../src/ops/crossentropy.js';
import { softmax } from '../../src/ops/softmax.js';
import { tanh, tanhBackward } from '../../src/ops/tanh.js';

function throwsOp(fn: () => unknown, op: string, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OpError, `expected OpError, got ${String(e)}`);
    assert.equal(e.op, op);
    assert.ok(e.message.startsWith(`${op}: `), e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `message "${e.message}" lacks "${f}"`);
    return true;
  });
}

const z = (...shape: number[]) => Tensor.zeros(shape);

describe('bad input', () => {
  it('tanh: an output or gradient of another size', () => {
    throwsOp(() => tanh(z(2, 3), z(2, 4)), 'tanh', '[2, 4]', '[2, 3]');
    throwsOp(() => tanhBackward(z(2, 3), z(3, 3)), 'tanh', '[3, 3]', '[2, 3]');
  });
  it('conv2d: channels that do not match the weight', () => {
    throwsOp(() => conv2d(z(2, 3, 8, 8), z(4, 4, 3, 3), null), 'conv2d', '[2, 3, 8, 8]', '[4, 4, 3, 3]');
  });
  it('conv2d: groups that do not divide the channels', () => {
    throwsOp(() => conv2d(z(1, 3, 8, 8), z(4, 1, 3, 3), null, { groups: 2 }), 'conv2d', 'groups=2', '3 channels', '[1, 3, 8, 8]');
    throwsOp(() => conv2d(z(1, 4, 8, 8), z(3, 2, 3, 3), null, { groups: 2 }), 'conv2d', 'groups=2', '[3, 2, 3, 3]');
  });
  it('conv2d: kernel larger than the padded input', () => {
    throwsOp(() => conv2d(z(1, 3, 5, 5), z(2, 3, 7, 7), null, { padding: 0 }), 'conv2d', 'larger than the padded input', '[1, 3, 5, 5]', '[2, 3, 7, 7]');
  });
  it('conv2d: wrong rank, bias and gradient shapes, bad attributes', () => {
    throwsOp(() => conv2d(z(3, 8, 8), z(2, 3, 3, 3), null), 'conv2d', '4-D', '[3, 8, 8]');
    throwsOp(() => conv2d(z(1, 3, 8, 8), z(2, 3, 3, 3), z(3)), 'conv2d', 'bias [3]', '[2]');
    throwsOp(() => conv2dBackward(z(1, 3, 8, 8), z(2, 3, 3, 3), z(1, 2, 5, 5)), 'conv2d', '[1, 2, 5, 5]', '[1, 2, 6, 6]');
    throwsOp(() => conv2d(z(1, 3, 8, 8), z(2, 3, 3, 3), null, { stride: 0 }), 'conv2d', 'stride');
    throwsOp(() => conv2d(z(1, 3, 8, 8), z(2, 3, 3, 3), null, { padding: -1 }), 'conv2d', 'padding');
  });
  it('linear: feature mismatch and bias', () => {
    throwsOp(() => linear(z(2, 9216), z(4096, 9215), null), 'linear', '[2, 9216]', '[4096, 9215]');
    throwsOp(() => linear(z(2, 4), z(3, 4), z(4)), 'linear', 'bias [4]');
  });
  it('lrn: groups that do not divide the channels, bad convention', () => {
    throwsOp(() => lrn(z(1, 5, 2, 2), { size: 5, alpha: 1e-4, beta: 0.75, k: 2, alphaConvention: 'perSum', groups: 2 }), 'lrn', 'groups=2', '[1, 5, 2, 2]');
    // @ts-expect-error: an invalid convention must be rejected at run time too (configs come from JSON)
    throwsOp(() => lrn(z(1, 4, 2, 2), { size: 5, alpha: 1e-4, beta: 0.75, k: 2, alphaConvention: 'caffe' }), 'lrn', 'alphaConvention');
  });
  it('maxpool2d: kernel larger than the input', () => {
    throwsOp(() => maxPool2d(z(1, 2, 2, 2), { kernel: 3, stride: 2 }), 'maxpool2d', 'larger than the padded input', '[1, 2, 2, 2]');
  });
  it('dropout: probability outside [0, 1) and a mismatched mask', () => {
    throwsOp(() => dropout(z(2, 3), null, { dropProbability: 1, scaling: 'paper' }), 'dropout', 'dropProbability');
    throwsOp(() => dropout(z(2, 3), z(2, 4), { dropProbability: 0.5, scaling: 'paper' }), 'dropout', '[2, 4]', '[2, 3]');
  });
  it('crossEntropy and softmax: labels out of range or miscounted, wrong rank', () => {
    throwsOp(() => crossEntropy(z(2, 10), Int32Array.of(3, 10)), 'crossEntropy', 'label 10', '[0, 10)');
    throwsOp(() => crossEntropy(z(2, 10), Int32Array.of(3)), 'crossEntropy', '1 labels', '[2, 10]');
    throwsOp(() => softmax(z(2, 10, 1)), 'softmax', '2-D', '[2, 10, 1]');
  });
});
