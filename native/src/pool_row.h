// One output row of 3×3, stride-2 max pooling (pool.cpp's fast path), per ISA.
// cm and cr are scratch of at least W + POOL_ROW_PAD entries: the vector
// window pass reads up to 34 columns from an even start.
#pragma once
#include <cstdint>

namespace anx {

constexpr int POOL_ROW_PAD = 64;

// Returns false, writing no output, when the rows may hold a NaN (the caller then takes the exact path).
using PoolRowFn = bool (*)(const float* x0, int W, int owFull, float* cm, int32_t* cr, float* yrow, int32_t* arow, int h0);
// Values only (inference): outputs [0, ohFull) × [0, owFull) of one plane,
// whose 3×3 stride-2 windows lie inside it. Same y bits as the argmax path.
// Returns false when the plane may hold a NaN; the caller then redoes the
// whole plane on the exact path (what was written is overwritten).
using PoolValuesFn = bool (*)(const float* xp, int W, int ohFull, int owFull, float* yp, int OW);
#if defined(__x86_64__)
bool pool_values_3s2_avx512(const float* xp, int W, int ohFull, int owFull, float* yp, int OW);
bool pool_row_3s2_avx512(const float* x0, int W, int owFull, float* cm, int32_t* cr, float* yrow, int32_t* arow, int h0);
#endif

}  // namespace anx
