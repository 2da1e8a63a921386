// §4 softmax and the softmax cross-entropy on the GPU, one thread per row
// (1000 values: small next to the layers). The cross-entropy writes each
// row's loss and whether its first maximum is the label, so the trainer's
// one read per step carries the loss and the training error.
import type { SoftmaxKernels } from '../../../ops/softmax.js';
import type { CrossEntropyKernels } from '../../../ops/crossentropy.js';
import type { DeviceMemory } from '../../../ops/memory.js';
import type { WebGpuDevice } from '../device.js';
import { grid, linearId, runKernel } from '../shader.js';

/** Row r's max, then Σ exp(x − max), and the probabilities written to `y` (as in the reference's softmaxRow). */
const SOFTMAX_ROW = `
  let r = ${linearId(64)};
  if (r >= p.N) { return; }
  let xb = p.o_x + r * p.K;
  let yb = p.o_y + r * p.K;
  var mx = x[xb];
  for (var k = 1u; k < p.K; k++) { mx = max(mx, x[xb + k]); }
  var sum = 0.0;
  for (var k = 0u; k < p.K; k++) { sum += exp(x[xb + k] - mx); }
  for (var k = 0u; k < p.K; k++) { y[yb + k] = exp(x[xb + k] - mx) / sum; }`;

export function webgpuSoftmax(dev: WebGpuDevice): SoftmaxKernels<DeviceMemory> {
  return {
    forward(N, K, x, y) {
      runKernel(dev, {
        key: 'softmax-forward', params: { N: [N, 'u32'], K: [K, 'u32'] },
        operands: [{ name: 'x', array: x }, { name: 'y', array: y, write: true }],
        main: SOFTMAX_ROW, workgroupSize: [64, 1, 1], workgroups: grid(N, 64),
      });
    },
    backward(N, K, y, dy, dx) {
      runKernel(dev, {
        key: 'softmax-backward', params: { N: [N, 'u32'], K: [K, 'u32'] },
        operands: [{ name: 'y', array: y }, { name: 'dy', array: dy }, { name: 'dx', array: dx, write: true }],
        main: `
  let r = ${linearId(64)};
  if (r >= p.N) { return; }
  var dot = 0.0;
  for (var k = 0u; k < p.K; k++) { dot += dy[p.o_dy + r * p.K + k] * y[p.o_y + r * p.K + k]; }
  for (var k = 0u; k < p.K; k++) {
    let q = r * p.K + k;
    dx[p.o_dx + q] = y[p.o_y + q] * (dy[p.o_dy + q] - dot);
  }`,
        workgroupSize: [64, 1, 1], workgroups: grid(N, 64),
      });
    },
  };
}

export function webgpuCrossEntropy(dev: WebGpuDevice): CrossEntropyKernels<DeviceMemory> {
  return {
    forward(N, K, logits, labels, probs, rows) {
      if (!rows) throw new Error('webgpu crossEntropy: the per-row output is required (use crossEntropyRows)');
      runKernel(dev, {
        key: 'cross-entropy-forward', params: { N: [N, 'u32'], K: [K, 'u32'] },
        operands: [{ name: 'x', array: logits }, { name: 'labels', array: labels }, { name: 'y', array: probs, write: true }, { name: 'rows', array: rows, write: true }],
        main: `${SOFTMAX_ROW}
  let label = u32(labels[p.o_labels + r]);
  var best = 0u;
  for (var k = 1u; k < p.K; k++) { if (y[yb + k] > y[yb + best]) { best = k; } }
  rows[p.o_rows + 2u * r] = mx + log(sum) - x[xb + label];
  rows[p.o_rows + 2u * r + 1u] = select(0.0, 1.0, best == label);`,
        workgroupSize: [64, 1, 1], workgroups: grid(N, 64),
      });
    },
    backward(N, K, probs, labels, dLoss, dlogits) {
      runKernel(dev, {
        key: 'cross-entropy-backward', params: { n: [N * K, 'u32'], K: [K, 'u32'], f: [dLoss / N, 'f32'] },
        operands: [{ name: 'y', array: probs }, { name: 'labels', array: labels }, { name: 'dx', array: dlogits, write: true }],
        main: `
  let i = ${linearId()};
  if (i >= p.n) { return; }
  let r = i / p.K;
  let k = i - r * p.K;
  let hot = select(0.0, 1.0, k == u32(labels[p.o_labels + r]));
  dx[p.o_dx + i] = p.f * (y[p.o_y + i] - hot);`,
        workgroupSize: [256, 1, 1], workgroups: grid(N * K),
      });
    },
  };
}
