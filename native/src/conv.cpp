// Which kernel computes each convolution pass: the choice by geometry and
// ISA lives here, the kernels in their own files.
//   forward:       Winograd (winograd.h), output channels along the lanes
//                  (conv_lanes.h), the direct kernel (conv_direct.h), else
//                  the implicit GEMM (conv_gemm.h);
//   input grad.:   the transposed convolution through conv_forward, or
//                  col2im (conv_col2im.h);
//   weight grad.:  Winograd (winograd_grad.h) or the implicit GEMM, and the
//                  bias gradient (conv_wgrad.h).
#include "conv.h"

#include <cstddef>

#include "conv_col2im.h"
#include "conv_direct.h"
#include "conv_gemm.h"
#include "conv_lanes.h"
#include "conv_wgrad.h"
#include "gemm.h"
#include "winograd.h"
#include "winograd_grad.h"

namespace anx {

void conv_forward(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
  if (winograd_applies(g)) return conv_forward_winograd(g, x, w, b, y, relu);
  if (lanes_applies(g)) return conv_forward_lanes(g, x, w, b, y, relu);
  if (direct_applies(g)) return conv_forward_direct(g, x, w, b, y, relu);
  conv_forward_gemm(g, x, w, b, y, relu);
}

void conv_backward_data(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, KK = g.KH * g.KW;
  // A packed value serves Cg rows in the transposed convolution and CKK rows
  // (Og multiply-adds each) through col2im, whose scatter-add costs about one
  // add per value. Measured (64 images): col2im wins by ~15% on paper conv2
  // (Cg 48, Og 128) and loses by ~5–15% on conv3 (256, 384) and conv5 (192,
  // 128): col2im where Og ≥ 2·Cg, and for strided layers.
  // A 3×3 or 5×5 stride-1 layer takes the transposed convolution anyway: it runs as Winograd.
  ConvGeom t{g.N, g.O, g.OH, g.OW, g.C, g.KH, g.KW, g.H, g.W, 1, 1, g.KH - 1 - g.pt, g.KW - 1 - g.pl, g.groups};
  const bool col2im = Og >= 2 * Cg && !winograd_applies(t);
  if (g.sh == 1 && g.sw == 1 && !col2im) {
    // Stride 1: dx is the convolution of dy with the flipped, transposed
    // kernels W'[c, o, kh, kw] = W[o, c, KH−1−kh, KW−1−kw], padded by K−1−pad.
    // Slot C: conv_forward below uses slots A and B.
    float* wt = thread_scratch(0, SLOT_OP_C, (size_t)g.O * Cg * KK);
    for (int gr = 0; gr < g.groups; gr++)
      for (int o = 0; o < Og; o++)
        for (int c = 0; c < Cg; c++)
          for (int k = 0; k < KK; k++)
            wt[(((size_t)gr * Cg + c) * Og + o) * KK + (KK - 1 - k)] = w[(((size_t)gr * Og + o) * Cg + c) * KK + k];
    conv_forward(t, dy, wt, nullptr, dx, false);
    return;
  }
  conv_backward_data_col2im(g, dy, w, dx);
}

void conv_backward_weights(const ConvGeom& g, const float* x, const float* dy, float* dw, float* db) {
  if (winograd_applies(g))
    conv_backward_weights_winograd(g, x, dy, dw);
  else
    conv_backward_weights_gemm(g, x, dy, dw);
  if (db) conv_backward_bias(g, dy, db);
}

}  // namespace anx
