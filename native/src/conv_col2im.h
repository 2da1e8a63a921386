// The convolution's input gradient by col2im: per image and chunk of output
// pixels, dcol = W_gᵀ · dy_g (a GEMM), scatter-added into dx. conv_backward_data
// (conv.cpp) takes it for strided layers and where Og ≥ 2·Cg.
#pragma once

#include "conv.h"

namespace anx {

void conv_backward_data_col2im(const ConvGeom& g, const float* dy, const float* w, float* dx);

}  // namespace anx
