// Direct convolution on AVX-512, no im2col panel at all (see conv_direct.cpp):
// layers whose output rows are 33–64 wide (conv1 of every AlexNet preset: 55),
// and stride-1 layers below the Winograd threshold (batch-1 conv2–conv5).
#pragma once

#include "conv.h"

namespace anx {

// Whether conv_forward takes the direct kernel for this layer on the active ISA.
bool direct_applies(const ConvGeom& g);
// Forward convolution from x itself: the kernel makes the padded copy it reads.
void conv_forward_direct(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu);

}  // namespace anx
