// The convolution forward as one implicit GEMM per group: y_g = W_g · im2col(x)_g,
// the im2col panel packed block by block from the padded copy (conv_pack.h).
// Any geometry; conv_forward (conv.cpp) takes it where no specialised kernel applies.
#pragma once

#include "conv.h"

namespace anx {

void conv_forward_gemm(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu);

}  // namespace anx
