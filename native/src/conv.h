// Convolution forward, backward-data and backward-weights on the packed GEMM,
// with im2col done inside the packing (implicit GEMM). Layout NCHW, weights
// [O, C/groups, KH, KW]; padding per side; the overhang rule arrives as
// extra bottom/right padding, which only the bounds checks see.
#pragma once

namespace anx {

struct ConvGeom {
  int N, C, H, W, O, KH, KW, OH, OW, sh, sw, pt, pl, groups;
};

void conv_forward(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu);
void conv_backward_data(const ConvGeom& g, const float* dy, const float* w, float* dx);
void conv_backward_weights(const ConvGeom& g, const float* x, const float* dy, float* dw, float* db);

}  // namespace anx
