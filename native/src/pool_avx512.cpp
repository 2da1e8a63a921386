// §3.4 overlapping pooling, z = 3, s = 2 (every pool of AlexNet), for one
// output row whose three input rows lie inside the plane, in AVX-512.
// Same rule as pool.cpp's exact path: the first maximum in row-major order
// wins, and y is the value at that position (so ±0 ties keep their sign).
// Compiled for AVX-512 inside these functions only; pool.cpp picks it at run
// time. Two vector passes: the column pass takes each column's maximum over
// the three rows and the row offset of its first maximum; the window pass
// gathers the even and odd columns with two-source permutes (no gathers: a
// window of output column ow reads columns 2ow, 2ow+1, 2ow+2).
#if defined(__x86_64__)
#include "immintrin_quiet.h"

#include <cstdint>

#include "pool_row.h"
#include "isa_targets.h"

namespace anx {

// The first n of 16 lanes (none for n ≤ 0).
ANX_TARGET_AVX512 static inline __mmask16 first_lanes(int n) {
  return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

ANX_TARGET_AVX512 bool pool_row_3s2_avx512(const float* x0, int W, int owFull, float* cm, int32_t* cr, float* yrow,
                                    int32_t* arow, int h0) {
  const float* x1 = x0 + W;
  const float* x2 = x1 + W;
  const __m512i row1 = _mm512_set1_epi32(W), row2 = _mm512_set1_epi32(2 * W), zero = _mm512_setzero_si512();
  __mmask16 nan = 0;
  for (int w = 0; w < W; w += 16) {
    const __mmask16 live = first_lanes(W - w);
    const __m512 a = _mm512_maskz_loadu_ps(live, x0 + w), b = _mm512_maskz_loadu_ps(live, x1 + w),
                 c = _mm512_maskz_loadu_ps(live, x2 + w);
    nan |= _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(c, c, _CMP_UNORD_Q);
    const __mmask16 gb = _mm512_cmp_ps_mask(b, a, _CMP_GT_OQ);
    const __m512 ab = _mm512_mask_blend_ps(gb, a, b);
    const __mmask16 gc = _mm512_cmp_ps_mask(c, ab, _CMP_GT_OQ);
    _mm512_storeu_ps(cm + w, _mm512_mask_blend_ps(gc, ab, c));
    _mm512_storeu_si512(cr + w, _mm512_mask_blend_epi32(gc, _mm512_mask_blend_epi32(gb, zero, row1), row2));
  }
  if (nan) return false;  // NaN: the caller takes the exact path for this row
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512i big = _mm512_set1_epi32(INT32_MAX), one = _mm512_set1_epi32(1), two = _mm512_set1_epi32(2);
  for (int ow0 = 0; ow0 < owFull; ow0 += 16) {
    const __mmask16 live = first_lanes(owFull - ow0);
    const float* m0 = cm + 2 * ow0;
    const int32_t* r0 = cr + 2 * ow0;
    // Columns 2ow, 2ow+1 from [m0, m0+32); 2ow+2 from [m0+2, m0+34). cm has room past W (pool_row.h).
    const __m512 lo = _mm512_loadu_ps(m0), hi = _mm512_loadu_ps(m0 + 16);
    const __m512 lo2 = _mm512_loadu_ps(m0 + 2), hi2 = _mm512_loadu_ps(m0 + 18);
    const __m512 A = _mm512_permutex2var_ps(lo, even, hi), B = _mm512_permutex2var_ps(lo, odd, hi),
                 C = _mm512_permutex2var_ps(lo2, even, hi2);
    const __m512i rlo = _mm512_loadu_si512(r0), rhi = _mm512_loadu_si512(r0 + 16);
    const __m512i rlo2 = _mm512_loadu_si512(r0 + 2), rhi2 = _mm512_loadu_si512(r0 + 18);
    const __m512i rA = _mm512_permutex2var_epi32(rlo, even, rhi), rB = _mm512_permutex2var_epi32(rlo, odd, rhi),
                  rC = _mm512_permutex2var_epi32(rlo2, even, rhi2);
    const __m512 ab = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(B, A, _CMP_GT_OQ), A, B);
    const __m512 m = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(C, ab, _CMP_GT_OQ), ab, C);
    // Offsets r·W + j of the candidates equal to the maximum; the smallest is first in row-major order.
    const __m512i kA = _mm512_mask_blend_epi32(_mm512_cmp_ps_mask(A, m, _CMP_EQ_OQ), big, rA);
    const __m512i kB = _mm512_mask_blend_epi32(_mm512_cmp_ps_mask(B, m, _CMP_EQ_OQ), big, _mm512_add_epi32(rB, one));
    const __m512i kC = _mm512_mask_blend_epi32(_mm512_cmp_ps_mask(C, m, _CMP_EQ_OQ), big, _mm512_add_epi32(rC, two));
    const __m512i key = _mm512_min_epi32(kA, _mm512_min_epi32(kB, kC));
    __m512 y = _mm512_mask_blend_ps(_mm512_cmpeq_epi32_mask(key, kB), A, B);
    y = _mm512_mask_blend_ps(_mm512_cmpeq_epi32_mask(key, kC), y, C);
    const __m512i at = _mm512_add_epi32(_mm512_set1_epi32(h0 * W + 2 * ow0), _mm512_add_epi32(even, key)  /* even = 2·lane */);
    _mm512_mask_storeu_ps(yrow + ow0, live, y);
    _mm512_mask_storeu_epi32(arow + ow0, live, at);
  }
  return true;
}

// Window maxima of 16 output columns within one input row p (p at the first
// window's left column): columns 2ow, 2ow+1, 2ow+2 from three vectors.
ANX_TARGET_AVX512 static inline __m512 row_max3(const float* p, __mmask16 m0, __mmask16 m1, __mmask16 m2, __mmask16& nan) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512 c0 = _mm512_maskz_loadu_ps(m0, p), c1 = _mm512_maskz_loadu_ps(m1, p + 16), c2 = _mm512_maskz_loadu_ps(m2, p + 32);
  nan |= _mm512_cmp_ps_mask(c0, c1, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(c2, c2, _CMP_UNORD_Q);
  const __m512 A = _mm512_permutex2var_ps(c0, even, c1), B = _mm512_permutex2var_ps(c0, odd, c1);
  const __m512 C = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(c2), _mm512_castps_si512(A), 1));
  return _mm512_max_ps(C, _mm512_max_ps(B, A));
}

// Values only. Each row's window maxima first (leftmost maximum wins), then
// the maximum of three such rows (topmost wins): that is the first maximum
// in row-major order, so ties of ±0 keep the same sign as the argmax path.
// _mm512_max_ps(a, b) returns b on equality, so the earlier value goes
// second. Everything stays in registers: a column pass through memory, as in
// pool_row_3s2_avx512, stalls on loads that straddle two just-stored vectors
// (measured: pool1 at batch 128, 10.5 ms that way against 5.3 ms this way).
// Output columns go 16 at a time down the whole plane, carrying the shared
// input row (row 2·oh + 2 is row 2·(oh + 1)) from one output row to the next.
ANX_TARGET_AVX512 bool pool_values_3s2_avx512(const float* xp, int W, int ohFull, int owFull, float* yp, int OW) {
  __mmask16 nan = 0;
  for (int ow0 = 0; ow0 < owFull; ow0 += 16) {
    const int base = 2 * ow0;
    const __mmask16 m0 = first_lanes(W - base), m1 = first_lanes(W - base - 16), m2 = first_lanes(W - base - 32);
    const __mmask16 live = first_lanes(owFull - ow0);
    const float* col = xp + base;
    __m512 top = row_max3(col, m0, m1, m2, nan);
    for (int oh = 0; oh < ohFull; oh++) {
      const __m512 mid = row_max3(col + (int64_t)(2 * oh + 1) * W, m0, m1, m2, nan);
      const __m512 bottom = row_max3(col + (int64_t)(2 * oh + 2) * W, m0, m1, m2, nan);
      _mm512_mask_storeu_ps(yp + (int64_t)oh * OW + ow0, live, _mm512_max_ps(bottom, _mm512_max_ps(mid, top)));
      top = bottom;
    }
  }
  return nan == 0;
}

}  // namespace anx
#endif
