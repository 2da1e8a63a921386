// §1 convolution on the GPU: forward, backward-data and backward-weights as
// implicit GEMMs (gemm.ts) over the same geometry as the reference kernel —
// stride, per-side padding (the overhang rule is padding after the last
// row/column), groups (one GEMM per column, workgroup z). Batches whose
// activations exceed the binding limit run in chunks of images.
import type { Conv2dGeometry, Conv2dKernels } from '../../../ops/conv2d.js';
import type { DeviceMemory } from '../../../ops/memory.js';
import type { DeviceArray } from '../../../tensor/tensor.js';
import type { WebGpuDevice } from '../device.js';
import { gemm } from '../gemm.js';
import { chunkItems, grid, linearId, runKernel } from '../shader.js';

/**
 * The geometry as WGSL constants, part of the pipeline's key: index arithmetic
 * then divides by constants, which compilers turn into multiplications (a
 * division per gathered value otherwise dominates on CPU drivers).
 */
function geometry(g: Conv2dGeometry): { key: string; wgsl: string } {
  const Cg = g.C / g.groups;
  const Og = g.O / g.groups;
  const c: Record<string, number> = {
    C: g.C, H: g.H, W: g.W, O: g.O, KW: g.KW, OH: g.OH, OW: g.OW, sh: g.strideH, sw: g.strideW,
    pt: g.padTop, pl: g.padLeft, Cg, Og, KHW: g.KH * g.KW, KK: Cg * g.KH * g.KW, OHW: g.OH * g.OW, HW: g.H * g.W,
  };
  return {
    key: Object.values(c).join(','),
    wgsl: Object.entries(c).map(([k, v]) => `const ${k} = ${v}u;`).join('\n'),
  };
}

/** Input pixel (img, c, kh, kw) seen by output pixel `pix` through the kernel tap; 0 outside the input. */
const GATHER_X = `
fn gatherX(g: u32, img: u32, pix: u32, tap: u32) -> f32 {
  let oh = pix / OW; let ow = pix - oh * OW;
  let c = tap / KHW; let r = tap - c * KHW;
  let kh = r / KW; let kw = r - kh * KW;
  let ih = i32(oh * sh + kh) - i32(pt);
  let iw = i32(ow * sw + kw) - i32(pl);
  if (ih < 0 || iw < 0 || ih >= i32(H) || iw >= i32(W)) { return 0.0; }
  return x[p.o_x + ((img * C + g * Cg + c) * H + u32(ih)) * W + u32(iw)];
}`;

/** The GEMM fields that carry the geometry: constants in the WGSL, the shape in the pipeline key. */
function shape(g: Conv2dGeometry, gathersX: boolean): { shapeKey: string; helpers: string } {
  const geo = geometry(g);
  return { shapeKey: geo.key, helpers: gathersX ? `${geo.wgsl}\n${GATHER_X}` : geo.wgsl };
}

/** Images per dispatch so that input and output windows fit the binding limit. */
function imagesPerChunk(dev: WebGpuDevice, g: Conv2dGeometry): number {
  return chunkItems(dev, g.N, [g.C * g.H * g.W, g.O * g.OH * g.OW]);
}

/** Slices of the pixel sum for a weight gradient: enough workgroups to fill a large GPU, a fixed function of the shape. */
function splitsFor(tiles: number, reduction: number): number {
  return Math.max(1, Math.min(64, Math.ceil(512 / tiles), Math.floor(reduction / 1024)));
}

/** out[c] (+)= Σ over images and pixels of dy[img, c, pix]: one workgroup per channel, a fixed-order tree. */
export function channelSums(dev: WebGpuDevice, dy: DeviceArray, start: number, images: number, C: number, HW: number, out: DeviceArray, accumulate: boolean): void {
  runKernel(dev, {
    key: 'channel-sums',
    params: { C: [C, 'u32'], HW: [HW, 'u32'], total: [images * HW, 'u32'], accum: [accumulate ? 1 : 0, 'u32'] },
    operands: [{ name: 'dy', array: dy, start, count: images * C * HW }, { name: 'out', array: out, write: true }],
    prelude: 'var<workgroup> part: array<f32, 256>;',
    main: `
  let c = wid.x;
  var s = 0.0;
  for (var i = lid.x; i < p.total; i += 256u) {
    let img = i / p.HW; let pix = i - img * p.HW;
    s += dy[p.o_dy + (img * p.C + c) * p.HW + pix];
  }
  part[lid.x] = s;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w >>= 1u) {
    if (lid.x < w) { part[lid.x] += part[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    var r = part[0];
    if (p.accum != 0u) { r += out[p.o_out + c]; }
    out[p.o_out + c] = r;
  }`,
    workgroupSize: [256, 1, 1],
    workgroups: [C, 1, 1],
  });
}

export function webgpuConv2d(dev: WebGpuDevice): Conv2dKernels<DeviceMemory> {
  return {
    forward(g, x, w, b, y, relu) {
      const per = imagesPerChunk(dev, g);
      const CHW = g.C * g.H * g.W;
      const OHW = g.OH * g.OW;
      for (let n0 = 0; n0 < g.N; n0 += per) {
        const nc = Math.min(per, g.N - n0);
        gemm(dev, {
          key: 'conv-forward', M: g.O / g.groups, N: nc * OHW, K: (g.C / g.groups) * g.KH * g.KW, groups: g.groups,
          params: { hasBias: [b ? 1 : 0, 'u32'], relu: [relu ? 1 : 0, 'u32'] }, ...shape(g, true),
          operands: [
            { name: 'x', array: x, start: n0 * CHW, count: nc * CHW },
            { name: 'w', array: w },
            { name: 'bias', array: b ?? w },
            { name: 'y', array: y, start: n0 * g.O * OHW, count: nc * g.O * OHW, write: true },
          ],
          loadA: 'return w[p.o_w + (g * Og + m) * KK + k];',
          loadB: 'let img = n / OHW; return gatherX(g, img, n - img * OHW, k);',
          store: `
  let img = n / OHW; let pix = n - img * OHW;
  let o = g * Og + m;
  var r = v;
  if (p.hasBias != 0u) { r += bias[p.o_bias + o]; }
  if (p.relu != 0u) { r = max(r, 0.0); }
  y[p.o_y + (img * O + o) * OHW + pix] = r;`,
          aContiguous: 'k', bContiguous: 'n',
        });
      }
    },

    backwardData(g, dy, w, dx) {
      const per = imagesPerChunk(dev, g);
      const CHW = g.C * g.H * g.W;
      const OOHW = g.O * g.OH * g.OW;
      for (let n0 = 0; n0 < g.N; n0 += per) {
        const nc = Math.min(per, g.N - n0);
        gemm(dev, {
          key: 'conv-backward-data', M: g.C / g.groups, N: nc * g.H * g.W, K: (g.O / g.groups) * g.KH * g.KW, groups: g.groups,
          params: {}, ...shape(g, false),
          operands: [
            { name: 'dy', array: dy, start: n0 * OOHW, count: nc * OOHW },
            { name: 'w', array: w },
            { name: 'dx', array: dx, start: n0 * CHW, count: nc * CHW, write: true },
          ],
          // dx[c, ih, iw] = Σ_{o, kh, kw} w[o, c, kh, kw] · dy[o, (ih + pt − kh)/sh, (iw + pl − kw)/sw] where that divides and lands inside dy.
          loadA: 'let o = k / KHW; return w[p.o_w + ((g * Og + o) * Cg + m) * KHW + (k - o * KHW)];',
          loadB: `
  let o = k / KHW; let r = k - o * KHW; let kh = r / KW; let kw = r - kh * KW;
  let img = n / HW; let pix = n - img * HW; let ih = pix / W; let iw = pix - ih * W;
  let th = i32(ih + pt) - i32(kh); let tw = i32(iw + pl) - i32(kw);
  if (th < 0 || tw < 0) { return 0.0; }
  let uh = u32(th); let uw = u32(tw);
  if (uh % sh != 0u || uw % sw != 0u) { return 0.0; }
  let oh = uh / sh; let ow = uw / sw;
  if (oh >= OH || ow >= OW) { return 0.0; }
  return dy[p.o_dy + ((img * O + g * Og + o) * OH + oh) * OW + ow];`,
          store: 'let img = n / HW; dx[p.o_dx + (img * C + g * Cg + m) * HW + (n - img * HW)] = v;',
          aContiguous: 'k', bContiguous: 'n',
        });
      }
    },

    backwardWeights(g, x, dy, dw, db) {
      const per = imagesPerChunk(dev, g);
      const CHW = g.C * g.H * g.W;
      const OHW = g.OH * g.OW;
      const Og = g.O / g.groups;
      const KK = (g.C / g.groups) * g.KH * g.KW;
      for (let n0 = 0; n0 < g.N; n0 += per) {
        const nc = Math.min(per, g.N - n0);
        const S = splitsFor(Math.ceil(Og / 64) * Math.ceil(KK / 64) * g.groups, nc * OHW);
        const part = dev.scratch('conv-dw', g.groups * S * Og * KK);
        gemm(dev, {
          key: 'conv-backward-weights', M: Og, N: KK, K: nc * OHW, groups: g.groups, splits: S,
          params: {}, ...shape(g, true),
          operands: [
            { name: 'x', array: x, start: n0 * CHW, count: nc * CHW },
            { name: 'dy', array: dy, start: n0 * g.O * OHW, count: nc * g.O * OHW },
            { name: 'part', array: part, count: g.groups * S * Og * KK, write: true },
          ],
          loadA: 'let img = k / OHW; return dy[p.o_dy + (img * O + g * Og + m) * OHW + (k - img * OHW)];',
          loadB: 'let img = k / OHW; return gatherX(g, img, k - img * OHW, n);',
          store: 'part[p.o_part + ((g * p.S + s) * Og + m) * KK + n] = v;',
          aContiguous: 'k', bContiguous: 'k',
        });
        sumSlices(dev, part, S, g.O * KK, dw, n0 > 0, g.groups);
        if (db) channelSums(dev, dy, n0 * g.O * OHW, nc, g.O, OHW, db, n0 > 0);
      }
    },
  };
}

/** out[i] (+)= Σ_s part[s-th slice][i], in slice order; slices are laid out [group][slice][rest]. */
export function sumSlices(dev: WebGpuDevice, part: DeviceArray, S: number, total: number, out: DeviceArray, accumulate: boolean, groups = 1): void {
  runKernel(dev, {
    key: 'sum-slices',
    params: { S: [S, 'u32'], total: [total, 'u32'], G: [groups, 'u32'], accum: [accumulate ? 1 : 0, 'u32'] },
    operands: [{ name: 'part', array: part, count: S * total }, { name: 'out', array: out, count: total, write: true }],
    main: `
  let i = ${linearId()};
  if (i >= p.total) { return; }
  let per = p.total / p.G;
  let g = i / per; let r = i - g * per;
  var acc = 0.0;
  if (p.accum != 0u) { acc = out[p.o_out + i]; }
  for (var s = 0u; s < p.S; s++) { acc += part[p.o_part + (g * p.S + s) * per + r]; }
  out[p.o_out + i] = acc;`,
    workgroupSize: [256, 1, 1],
    workgroups: grid(total),
  });
}
