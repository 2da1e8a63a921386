// Reference conv2d: direct convolution in plain loops with float64 accumulation.
// Readable rather than fast; every faster kernel is tested against it.
import type { Conv2dGeometry, Conv2dKernels } from '../../ops/conv2d.js';

/**
 * Outputs o in [lo, hi] whose tap at kernel offset k lands inside the input:
 * 0 ≤ o·stride − pad + k ≤ size − 1. Taps outside read zero (padding, overhang).
 */
function validOutputs(k: number, pad: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - k) / stride));
  const hi = Math.min(outSize - 1, Math.floor((size - 1 + pad - k) / stride));
  return [lo, hi];
}

/**
 * Visits every (output pixel, input pixel) pair joined by kernel tap
 * (c, kh, kw) of output channel o: the one loop nest shared by forward,
 * backward-data and backward-weights. `visit(yIndex, xIndex)` gets offsets
 * into the output plane of o and the input plane of channel c.
 */
function forEachTap(g: Conv2dGeometry, kh: number, kw: number, visit: (yIndex: number, xIndex: number) => void): void {
  const [oh0, oh1] = validOutputs(kh, g.padTop, g.strideH, g.H, g.OH);
  const [ow0, ow1] = validOutputs(kw, g.padLeft, g.strideW, g.W, g.OW);
  for (let oh = oh0; oh <= oh1; oh++) {
    const xRow = (oh * g.strideH - g.padTop + kh) * g.W - g.padLeft + kw;
    for (let ow = ow0; ow <= ow1; ow++) visit(oh * g.OW + ow, xRow + ow * g.strideW);
  }
}

export const conv2d: Conv2dKernels = {
  forward(g, x, w, b, y, relu) {
    const { N, C, H, W, O, KH, KW, OH, OW, groups } = g;
    const Cg = C / groups;
    const Og = O / groups;
    const acc = new Float64Array(OH * OW);
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        const firstC = Math.floor(o / Og) * Cg;
        acc.fill(b ? b[o] : 0);
        for (let c = 0; c < Cg; c++) {
          const xPlane = (n * C + firstC + c) * H * W;
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              const wv = w[((o * Cg + c) * KH + kh) * KW + kw];
              forEachTap(g, kh, kw, (yi, xi) => { acc[yi] += wv * x[xPlane + xi]; });
            }
          }
        }
        if (relu) for (let i = 0; i < acc.length; i++) acc[i] = acc[i] > 0 ? acc[i] : 0;
        y.set(acc, (n * O + o) * OH * OW);
      }
    }
  },

  backwardData(g, dy, w, dx) {
    const { N, C, H, W, O, KH, KW, OH, OW, groups } = g;
    const Cg = C / groups;
    const Og = O / groups;
    const acc = new Float64Array(dx.length);
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        const firstC = Math.floor(o / Og) * Cg;
        const yPlane = (n * O + o) * OH * OW;
        for (let c = 0; c < Cg; c++) {
          const xPlane = (n * C + firstC + c) * H * W;
          for (let kh = 0; kh < KH; kh++) {
            for (let kw = 0; kw < KW; kw++) {
              const wv = w[((o * Cg + c) * KH + kh) * KW + kw];
              forEachTap(g, kh, kw, (yi, xi) => { acc[xPlane + xi] += wv * dy[yPlane + yi]; });
            }
          }
        }
      }
    }
    dx.set(acc);
  },

  backwardWeights(g, x, dy, dw, db) {
    const { N, C, H, W, O, KH, KW, OH, OW, groups } = g;
    const Cg = C / groups;
    const Og = O / groups;
    for (let o = 0; o < O; o++) {
      const firstC = Math.floor(o / Og) * Cg;
      for (let c = 0; c < Cg; c++) {
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            let acc = 0;
            for (let n = 0; n < N; n++) {
              const xPlane = (n * C + firstC + c) * H * W;
              const yPlane = (n * O + o) * OH * OW;
              forEachTap(g, kh, kw, (yi, xi) => { acc += dy[yPlane + yi] * x[xPlane + xi]; });
            }
            dw[((o * Cg + c) * KH + kh) * KW + kw] = acc;
          }
        }
      }
      if (db) {
        let acc = 0;
        for (let n = 0; n < N; n++) {
          const yPlane = (n * O + o) * OH * OW;
          for (let i = 0; i < OH * OW; i++) acc += dy[yPlane + i];
        }
        db[o] = acc;
      }
    }
  },
};
