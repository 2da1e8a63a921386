// §3.3 local response normalisation on the GPU: one thread per value, its
// window of channels clipped at the edge of its column (channel group), the
// same formulas as the reference kernel. Chunks of images fit the binding limit.
import type { LrnGeometry, LrnKernels } from '../../../ops/lrn.js';
import type { DeviceMemory } from '../../../ops/memory.js';
import type { WebGpuDevice } from '../device.js';
import { chunkItems, grid, linearId, runKernel, type Scalar } from '../shader.js';

function params(g: LrnGeometry, images: number, before: number, after: number): Record<string, readonly [number, Scalar]> {
  return {
    n: [images * g.C * g.HW, 'u32'], C: [g.C, 'u32'], HW: [g.HW, 'u32'], Cg: [g.C / g.groups, 'u32'],
    before: [before, 'u32'], after: [after, 'u32'], alpha: [g.alphaEff, 'f32'], beta: [g.beta, 'f32'], k: [g.k, 'f32'],
  };
}

/** Decomposes element i into (image base, channel, pixel) and the channel window [lo, hi] inside the channel's group. */
const WINDOW = `
  let i = ${linearId()};
  if (i >= p.n) { return; }
  let pix = i % p.HW;
  let c = (i / p.HW) % p.C;
  let base = i - c * p.HW - pix;
  let first = (c / p.Cg) * p.Cg;
  let lo = max(first, select(0u, c - p.before, c >= p.before));
  let hi = min(first + p.Cg - 1u, c + p.after);`;

export function webgpuLrn(dev: WebGpuDevice): LrnKernels<DeviceMemory> {
  const chunks = (g: LrnGeometry, f: (n0: number, nc: number) => void) => {
    const per = chunkItems(dev, g.N, [g.C * g.HW]);
    for (let n0 = 0; n0 < g.N; n0 += per) f(n0, Math.min(per, g.N - n0));
  };
  return {
    forward(g, x, y, scale) {
      // window(c) = [c − ⌊n/2⌋, c + ⌊(n−1)/2⌋]
      chunks(g, (n0, nc) => {
        const r = { start: n0 * g.C * g.HW, count: nc * g.C * g.HW };
        runKernel(dev, {
          key: 'lrn-forward', params: params(g, nc, Math.floor(g.size / 2), Math.floor((g.size - 1) / 2)),
          operands: [{ name: 'x', array: x, ...r }, { name: 'y', array: y, ...r, write: true }, { name: 'scale', array: scale, ...r, write: true }],
          main: `${WINDOW}
  var sum = 0.0;
  for (var j = lo; j <= hi; j++) { let v = x[p.o_x + base + j * p.HW + pix]; sum += v * v; }
  let s = p.k + p.alpha * sum;
  scale[p.o_scale + i] = s;
  y[p.o_y + i] = x[p.o_x + i] * pow(s, -p.beta);`,
          workgroupSize: [256, 1, 1], workgroups: grid(nc * g.C * g.HW),
        });
      });
    },
    backward(g, x, y, scale, dy, dx) {
      // m ∈ window(i) ⇔ i ∈ [m − ⌊(n−1)/2⌋, m + ⌊n/2⌋]: the transposed window.
      chunks(g, (n0, nc) => {
        const r = { start: n0 * g.C * g.HW, count: nc * g.C * g.HW };
        runKernel(dev, {
          key: 'lrn-backward', params: params(g, nc, Math.floor((g.size - 1) / 2), Math.floor(g.size / 2)),
          operands: [
            { name: 'x', array: x, ...r }, { name: 'y', array: y, ...r }, { name: 'scale', array: scale, ...r },
            { name: 'dy', array: dy, ...r }, { name: 'dx', array: dx, ...r, write: true },
          ],
          main: `${WINDOW}
  var sum = 0.0;
  for (var j = lo; j <= hi; j++) {
    let q = base + j * p.HW + pix;
    sum += (dy[p.o_dy + q] * y[p.o_y + q]) / scale[p.o_scale + q];
  }
  dx[p.o_dx + i] = dy[p.o_dy + i] * pow(scale[p.o_scale + i], -p.beta) - 2.0 * p.alpha * p.beta * x[p.o_x + i] * sum;`,
          workgroupSize: [256, 1, 1], workgroups: grid(nc * g.C * g.HW),
        });
      });
    },
  };
}
