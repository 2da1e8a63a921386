// The convolution's weight and bias gradients. conv_backward_weights
// (conv.cpp) takes the implicit GEMM here for every layer that Winograd
// (winograd_grad.h) does not take.
#pragma once

#include "conv.h"

namespace anx {

// dw (O × C/groups × KH × KW) = Σ over images and pixels of dy ⊗ im2col(x), as a GEMM per group
// whose sum runs in four fixed chunks added in order (the same bits for any thread count).
void conv_backward_weights_gemm(const ConvGeom& g, const float* x, const float* dy, float* dw);
// db[o] = Σ over images and pixels of dy[o], in double per channel.
void conv_backward_bias(const ConvGeom& g, const float* dy, float* db);

}  // namespace anx
