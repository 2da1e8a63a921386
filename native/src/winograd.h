// Winograd F(2×2, 3×3) convolution (Lavin & Gray 2016) for 3×3 stride-1
// layers (AlexNet's conv3–conv5, and their backward-data convolutions): 16
// GEMMs of transformed weights and input tiles do the work of 36 multiply-adds
// per 2×2 output tile with 16, the same arithmetic to within rounding.
#pragma once
#include <cstdint>

#include "conv.h"

namespace anx {

bool winograd_applies(const ConvGeom& g);
// Smallest batch, in 2×2 output tiles, that takes the Winograd path; returns the previous value (tests, tuning).
int64_t set_winograd_min_tiles(int64_t tiles);
void conv_forward_winograd(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu);

}  // namespace anx
