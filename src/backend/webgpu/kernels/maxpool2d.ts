// §3.4 overlapping max pooling on the GPU. Forward: one thread per output,
// the first maximum in row-major order wins (strictly greater replaces, NaN
// propagates), its index kept. Backward gathers instead of scattering: one
// thread per input sums the gradients of the windows that chose it, in a
// fixed order, so no atomics are needed and results are deterministic.
import type { MaxPool2dGeometry, MaxPool2dKernels } from '../../../ops/maxpool2d.js';
import type { DeviceMemory } from '../../../ops/memory.js';
import type { WebGpuDevice } from '../device.js';
import { chunkItems, grid, linearId, runKernel, type Scalar } from '../shader.js';

function params(g: MaxPool2dGeometry, n: number): Record<string, readonly [number, Scalar]> {
  return {
    n: [n, 'u32'], H: [g.H, 'u32'], W: [g.W, 'u32'], OH: [g.OH, 'u32'], OW: [g.OW, 'u32'],
    k: [g.kernel, 'u32'], s: [g.stride, 'u32'], pad: [g.padding, 'u32'],
  };
}

export function webgpuMaxPool2d(dev: WebGpuDevice): MaxPool2dKernels<DeviceMemory> {
  const chunks = (g: MaxPool2dGeometry, f: (p0: number, pc: number) => void) => {
    const planes = g.N * g.C;
    const per = chunkItems(dev, planes, [g.H * g.W]);
    for (let p0 = 0; p0 < planes; p0 += per) f(p0, Math.min(per, planes - p0));
  };
  return {
    forward(g, x, y, argmax) {
      chunks(g, (p0, pc) => {
        const out = { start: p0 * g.OH * g.OW, count: pc * g.OH * g.OW };
        runKernel(dev, {
          // argmax null (inference): the same shader without the index output.
          key: argmax ? 'maxpool-forward' : 'maxpool-forward-values', params: params(g, pc * g.OH * g.OW),
          operands: [
            { name: 'x', array: x, start: p0 * g.H * g.W, count: pc * g.H * g.W }, { name: 'y', array: y, ...out, write: true },
            ...(argmax ? [{ name: 'am', array: argmax, ...out, write: true }] : []),
          ],
          main: `
  let i = ${linearId()};
  if (i >= p.n) { return; }
  let ow = i % p.OW;
  let oh = (i / p.OW) % p.OH;
  let plane = i / (p.OW * p.OH);
  let h0 = max(0, i32(oh * p.s) - i32(p.pad));
  let h1 = min(i32(p.H), i32(oh * p.s) - i32(p.pad) + i32(p.k));
  let w0 = max(0, i32(ow * p.s) - i32(p.pad));
  let w1 = min(i32(p.W), i32(ow * p.s) - i32(p.pad) + i32(p.k));
  let xb = p.o_x + plane * p.H * p.W;
  var best = -3.4028234663852886e38;
  var first = true;
  var at = h0 * i32(p.W) + w0;
  for (var h = h0; h < h1; h++) {
    for (var w = w0; w < w1; w++) {
      let v = x[xb + u32(h * i32(p.W) + w)];
      // NaN compares unequal to itself: it replaces and then stays, as in PyTorch.
      if (first || v > best || v != v) { best = v; at = h * i32(p.W) + w; first = false; }
    }
  }
  y[p.o_y + i] = best;${argmax ? `
  am[p.o_am + i] = at;` : ''}`,
          workgroupSize: [256, 1, 1], workgroups: grid(pc * g.OH * g.OW),
        });
      });
    },
    backward(g, dy, argmax, dx) {
      chunks(g, (p0, pc) => {
        const out = { start: p0 * g.OH * g.OW, count: pc * g.OH * g.OW };
        runKernel(dev, {
          key: 'maxpool-backward', params: params(g, pc * g.H * g.W),
          operands: [{ name: 'dy', array: dy, ...out }, { name: 'am', array: argmax, ...out }, { name: 'dx', array: dx, start: p0 * g.H * g.W, count: pc * g.H * g.W, write: true }],
          main: `
  let i = ${linearId()};
  if (i >= p.n) { return; }
  let iw = i % p.W;
  let ih = (i / p.W) % p.H;
  let plane = i / (p.W * p.H);
  let me = i32(ih * p.W + iw);
  // Windows oh whose rows [oh·s − pad, oh·s − pad + k) contain ih.
  let top = i32(ih + p.pad);
  let left = i32(iw + p.pad);
  let oh0 = max(0, (top - i32(p.k) + i32(p.s)) / i32(p.s));
  let oh1 = min(i32(p.OH) - 1, top / i32(p.s));
  let ow0 = max(0, (left - i32(p.k) + i32(p.s)) / i32(p.s));
  let ow1 = min(i32(p.OW) - 1, left / i32(p.s));
  var s = 0.0;
  let ob = plane * p.OH * p.OW;
  for (var oh = oh0; oh <= oh1; oh++) {
    for (var ow = ow0; ow <= ow1; ow++) {
      let o = ob + u32(oh * i32(p.OW) + ow);
      if (am[p.o_am + o] == me) { s += dy[p.o_dy + o]; }
    }
  }
  dx[p.o_dx + i] = s;`,
          workgroupSize: [256, 1, 1], workgroups: grid(pc * g.H * g.W),
        });
      });
    },
  };
}
