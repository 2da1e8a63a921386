// docs/paper.md §4: the paper's momentum form (learning rate inside the velocity)
// and PyTorch's agree at a constant learning rate and differ right after a drop.
import '../../src/backend/reference/index.js';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { setBackend, REFERENCE_BACKEND } from '../../src/ops/registry.js';
import { sgdUpdate, type MomentumForm } from '../../src/ops/sgd.js';

function run(form: MomentumForm, rates: number[]): number[] {
  setBackend(REFERENCE_BACKEND);
  const w = Tensor.from([1, -2], [2]);
  const v = Tensor.zeros([2]);
  const g = Tensor.from([0.5, 0.25], [2]);
  const trace: number[] = [];
  for (const lr of rates) {
    sgdUpdate(w, v, g, { learningRate: lr, momentum: 0.9, weightDecay: 0, form });
    trace.push(w.data[0]);
  }
  return trace;
}

describe('sgd momentum forms', () => {
  it('agree while the learning rate is constant', () => {
    const a = run('paper', [0.1, 0.1, 0.1]);
    const b = run('pytorch', [0.1, 0.1, 0.1]);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `${a[i]} vs ${b[i]}`);
  });
  it('differ after a drop by μ·v′·(ε₂ − ε₁), v′ the PyTorch velocity', () => {
    const rates = [0.1, 0.1, 0.01];
    const a = run('paper', rates);
    const b = run('pytorch', rates);
    // Before the drop PyTorch's velocity is v′ = g·(1 + μ) = 0.5·1.9 = 0.95 (weight decay 0).
    const vPrime = 0.5 * 1.9;
    const expected = 0.9 * vPrime * (0.01 - 0.1); // paper step − PyTorch step
    const paperStep = a[2] - a[1];
    const torchStep = b[2] - b[1];
    assert.ok(Math.abs(paperStep - torchStep - expected) < 1e-6, `${paperStep - torchStep} vs ${expected}`);
    assert.ok(Math.abs(paperStep) > 5 * Math.abs(torchStep), 'the paper form keeps the old rate in its velocity');
  });
  it('weight decay: λ·ε·w in the paper form, λ·w in the velocity in PyTorch form', () => {
    setBackend(REFERENCE_BACKEND);
    for (const form of ['paper', 'pytorch'] as const) {
      const w = Tensor.from([2], [1]);
      const v = Tensor.zeros([1]);
      sgdUpdate(w, v, Tensor.zeros([1]), { learningRate: 0.1, momentum: 0.9, weightDecay: 0.5, form });
      assert.ok(Math.abs(w.data[0] - (2 - 0.1 * 0.5 * 2)) < 1e-6, `${form}: ${w.data[0]}`);
    }
  });
});
