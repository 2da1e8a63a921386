// Packing eight rows into a GEMM panel is a transpose: dst[k·stride + j] =
// row_j[k] (stride 8: an A panel; 48: eight of a B panel's 48 lines).
// With AVX-512, 8×16 blocks go through registers (32 shuffles per 128 values)
// instead of one scalar load and store per value. Null where unavailable.
#pragma once
#include <cstddef>

namespace anx {

using Pack8Fn = void (*)(const float* src, ptrdiff_t ld, int kc, float* dst, int stride);
Pack8Fn active_pack8();

}  // namespace anx
