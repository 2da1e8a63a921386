// Which kernel computes each convolution pass: the choice by geometry and
// ISA lives here, the kernels in their own files.
//   forward:       Winograd (winograd.h), output channels along the lanes
//                  (conv_lanes.h), the direct kernel (conv_direct.h), else
//                  the implicit GEMM (conv_gemm.h);
//   input grad.:   the transposed convolution through conv_forward, or
//                  col2im (conv_col2im.h);
//   weight grad.:  Winograd (winograd_grad.h) or the implicit GEMM, and the
//                  bias gradient (conv_wgrad.h).
// In bf16 (gemm_precision(), gemm.h) each pass either runs the implicit GEMM
// with bf16 products (forward: conv_gemm.h; input grad.: col2im or the
// transposed convolution's forward; weight grad.: conv_wgrad.h) or, where the
// fp32 kernels are faster, exactly the fp32 choice above, in fp32
// (bf16_gemm_pays).
#include "conv.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "conv_col2im.h"
#include "conv_direct.h"
#include "conv_gemm.h"
#include "conv_lanes.h"
#include "conv_wgrad.h"
#include "gemm.h"
#include "winograd.h"
#include "winograd_grad.h"

namespace anx {

namespace {

enum class Pass { Forward, Data, Weights };

// Whether a pass in bf16 runs the bf16 implicit GEMM (true) or the fp32
// kernels. ALEXNET_BF16_CONV=gemm or fp32 overrides the choice, for
// measuring it. Measured, bf16 time / fp32 time per pass (fwd, dx, dw), 2
// Zen 5 cores with AVX512-BF16,
//   ALEXNET_BF16_CONV=gemm node dist/bench/ab.js A.node B.node --bf16
//     --ops conv1,conv2,conv3,conv4,conv5 --batch 128 --reps 5
// (A.node, B.node: two copies of one build):
//   batch 128: conv1 0.85 0.77 0.80 (fp32: direct, col2im, GEMM);
//              conv2 1.00 1.27 1.21, conv3 1.02 1.02 0.94, conv4 1.02 1.05
//              1.02, conv5 1.08 1.04 1.11 (fp32: Winograd, or col2im for
//              conv2 dx);
//   batch 8 (the rule below): conv1 0.80 0.74 0.72; conv3 0.69 0.72 0.78,
//              conv4 0.71 0.73 0.67, conv5 0.82 0.71 0.73 (fp32: lanes or
//              direct; below the Winograd threshold); conv2 Winograd;
//   batch 1, forward: conv1 0.67, conv2 1.08, conv3 0.95, conv4 1.01, conv5
//              1.12 (fp32: lanes); torchvision conv1 0.89 (lanes);
//   torchvision conv1 (--ops conv:N,3,224,64,11,4,2,1) at batch 128 1.07 0.87
//              0.83, at batch 32 1.03 0.82 0.85 (fp32: direct).
bool bf16_gemm_pays(const ConvGeom& g, Pass pass) {
  static const char* env = std::getenv("ALEXNET_BF16_CONV");
  if (env && !std::strcmp(env, "gemm")) return true;
  if (env && !std::strcmp(env, "fp32")) return false;
  switch (pass) {
    case Pass::Forward:
      // Winograd in fp32 does 2.25× (3×3) or 2.8× (5×5) fewer multiplications
      // than the GEMM, which the bf16 GEMM's 2× per instruction does not beat.
      if (winograd_applies(g)) return false;
      // Output channels along the lanes keeps the stride-1 layers of under
      // 1024 outputs a channel (batch-1 conv2–conv5, 169 and 729: bf16
      // 0.95–1.12× their time; at batch 8, 1352, bf16 wins), and the direct
      // kernel the layers of at most 64 output channels a group (torchvision
      // conv1 at batch 32 and 128: bf16 1.03–1.07×).
      // (The fp32 choice is conv_forward's order: lanes before direct.)
      if (lanes_applies(g)) return !(g.sh == 1 && g.sw == 1 && (int64_t)g.N * g.OH * g.OW < 1024);
      if (direct_applies(g)) return g.O / g.groups > 64;
      return true;
    case Pass::Weights:
      return !winograd_applies(g);
    case Pass::Data:
      // Only col2im gets here; its GEMMs have a short sum (K = output
      // channels a group) over small pixel chunks, where converting the
      // weights to bf16 for each chunk costs what bf16 saves: bf16 only for
      // strided layers (conv1), whose fp32 alternative is the same col2im.
      return g.sh != 1 || g.sw != 1;
  }
  return false;
}

bool bf16() { return gemm_precision() == Precision::Bf16; }

}  // namespace

void conv_forward(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
  if (bf16() && bf16_gemm_pays(g, Pass::Forward)) return conv_forward_gemm(g, x, w, b, y, relu);
  // The fp32 kernels, with their own GEMMs (Winograd's) in fp32.
  PrecisionScope fp32(Precision::Fp32);
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
  // In bf16, col2im runs its GEMMs in bf16 where that pays; the transposed
  // convolution goes through conv_forward, which makes its own choice.
  if (bf16() && (col2im || g.sh != 1 || g.sw != 1) && !bf16_gemm_pays(g, Pass::Data)) {
    PrecisionScope fp32(Precision::Fp32);
    return conv_backward_data(g, dy, w, dx);
  }
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
  if (bf16() && bf16_gemm_pays(g, Pass::Weights)) {
    conv_backward_weights_gemm(g, x, dy, dw);
    if (db) conv_backward_bias(g, dy, db);
    return;
  }
  PrecisionScope fp32(Precision::Fp32);
  if (winograd_applies(g))
    conv_backward_weights_winograd(g, x, dy, dw);
  else
    conv_backward_weights_gemm(g, x, dy, dw);
  if (db) conv_backward_bias(g, dy, db);
}

}  // namespace anx
