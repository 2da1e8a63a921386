// §1 fully connected layers on the GPU as GEMMs (gemm.ts). fc6's weight
// (4096 × 9216, 151 MB) exceeds WebGPU's default 128 MiB binding, so every
// pass walks the weight in chunks of output rows that fit the device's
// limit; the input gradient accumulates over those chunks in a fixed order.
import type { LinearKernels } from '../../../ops/linear.js';
import type { DeviceMemory } from '../../../ops/memory.js';
import type { WebGpuDevice } from '../device.js';
import { gemm } from '../gemm.js';
import { chunkItems, grid, linearId, runKernel } from '../shader.js';

export function webgpuLinear(dev: WebGpuDevice): LinearKernels<DeviceMemory> {
  const rowsPerChunk = (N: number, I: number, O: number) => chunkItems(dev, O, [I, N]);
  return {
    forward({ N, I, O }, x, w, b, y, relu) {
      const per = rowsPerChunk(N, I, O);
      for (let o0 = 0; o0 < O; o0 += per) {
        const oc = Math.min(per, O - o0);
        gemm(dev, {
          key: 'linear-forward', M: N, N: oc, K: I, groups: 1,
          params: { I: [I, 'u32'], O: [O, 'u32'], o0: [o0, 'u32'], hasBias: [b ? 1 : 0, 'u32'], relu: [relu ? 1 : 0, 'u32'] },
          operands: [
            { name: 'x', array: x },
            { name: 'w', array: w, start: o0 * I, count: oc * I },
            { name: 'bias', array: b ?? x },
            { name: 'y', array: y, write: true },
          ],
          loadA: 'return x[p.o_x + m * p.I + k];',
          loadB: 'return w[p.o_w + n * p.I + k];',
          store: `
  let o = p.o0 + n;
  var r = v;
  if (p.hasBias != 0u) { r += bias[p.o_bias + o]; }
  if (p.relu != 0u) { r = max(r, 0.0); }
  y[p.o_y + m * p.O + o] = r;`,
          aContiguous: 'k', bContiguous: 'k',
        });
      }
    },

    backwardData({ N, I, O }, dy, w, dx) {
      const per = rowsPerChunk(N, I, O);
      for (let o0 = 0; o0 < O; o0 += per) {
        const oc = Math.min(per, O - o0);
        gemm(dev, {
          key: 'linear-backward-data', M: N, N: I, K: oc, groups: 1,
          params: { I: [I, 'u32'], O: [O, 'u32'], o0: [o0, 'u32'], accum: [o0 > 0 ? 1 : 0, 'u32'] },
          operands: [
            { name: 'dy', array: dy },
            { name: 'w', array: w, start: o0 * I, count: oc * I },
            { name: 'dx', array: dx, write: true },
          ],
          loadA: 'return dy[p.o_dy + m * p.O + p.o0 + k];',
          loadB: 'return w[p.o_w + k * p.I + n];',
          store: `
  let i = p.o_dx + m * p.I + n;
  if (p.accum != 0u) { dx[i] = dx[i] + v; } else { dx[i] = v; }`,
          aContiguous: 'k', bContiguous: 'n',
        });
      }
    },

    backwardWeights({ N, I, O }, x, dy, dw, db) {
      const per = rowsPerChunk(N, I, O);
      for (let o0 = 0; o0 < O; o0 += per) {
        const oc = Math.min(per, O - o0);
        gemm(dev, {
          key: 'linear-backward-weights', M: oc, N: I, K: N, groups: 1,
          params: { I: [I, 'u32'], O: [O, 'u32'], o0: [o0, 'u32'] },
          operands: [
            { name: 'x', array: x },
            { name: 'dy', array: dy },
            { name: 'dw', array: dw, start: o0 * I, count: oc * I, write: true },
          ],
          loadA: 'return dy[p.o_dy + k * p.O + p.o0 + m];',
          loadB: 'return x[p.o_x + k * p.I + n];',
          store: 'dw[p.o_dw + m * p.I + n] = v;',
          aContiguous: 'm', bContiguous: 'n',
        });
      }
      if (db) {
        runKernel(dev, {
          key: 'column-sums',
          params: { N: [N, 'u32'], O: [O, 'u32'] },
          operands: [{ name: 'dy', array: dy }, { name: 'db', array: db, write: true }],
          main: `
  let o = ${linearId()};
  if (o >= p.O) { return; }
  var s = 0.0;
  for (var n = 0u; n < p.N; n++) { s += dy[p.o_dy + n * p.O + o]; }
  db[p.o_db + o] = s;`,
          workgroupSize: [256, 1, 1],
          workgroups: grid(O),
        });
      }
    },
  };
}
