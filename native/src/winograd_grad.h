// The weight gradient of stride-1 3×3 and 5×5 layers by Winograd F(2×2, r×r)
// (see winograd_grad.cpp); taken wherever the forward pass is (winograd_applies).
#pragma once

#include "conv.h"

namespace anx {

// dw (O × C/groups × r × r) = Σ over images and pixels of dy ⊗ x's windows; the bias gradient is the caller's.
void conv_backward_weights_winograd(const ConvGeom& g, const float* x, const float* dy, float* dw);

}  // namespace anx
