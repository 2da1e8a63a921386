// Direct convolution with the output channels along the vector lanes
// (conv_lanes.cpp): small batches on AVX-512, where a layer has too few
// output pixels to fill pixel-wide vectors well (13×13 = 169 of 192 lanes).
#pragma once

#include <cstdint>

#include "conv.h"

namespace anx {

// Whether conv_forward takes the channels-in-lanes kernel for this layer on the active ISA.
bool lanes_applies(const ConvGeom& g);
void conv_forward_lanes(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu);

// The largest N·OH·OW that takes the kernel (default below); returns the old value (tests, benchmarks).
int64_t set_lanes_max_pixels(int64_t pixels);

}  // namespace anx
