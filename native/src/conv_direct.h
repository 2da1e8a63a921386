// Direct convolution for layers whose output rows are 33–64 pixels wide
// (conv1 of every AlexNet preset: 55): no im2col panel at all. See conv_direct.cpp.
#pragma once

#include "conv.h"

namespace anx {

// Whether conv_forward takes the direct kernel for this layer on the active ISA.
bool direct_applies(const ConvGeom& g);
// Forward convolution from x (not the padded copy: the kernel pads the rows each job needs).
void conv_forward_direct(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu);

}  // namespace anx
