#include "strided.h"

#include <cstdint>

#include "cpu.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace anx {

namespace {

void copy_generic(float* dst, const float* src, int n, int stride) {
  for (int t = 0; t < n; t++) dst[t] = src[(int64_t)t * stride];
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) void copy_avx512(float* dst, const float* src, int n, int stride) {
  if (stride != 4) return copy_generic(dst, src, n, stride);
  // Positions 0, 4, …, 28 of a pair of vectors go to lanes 0–7 (first pair) and 8–15 (second pair).
  const __m512i lo = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m512i hi = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 12, 16, 20, 24, 28);
  int t = 0;
  for (; t + 16 <= n; t += 16) {
    const float* s = src + 4 * t;
    const __m512 v0 = _mm512_loadu_ps(s), v1 = _mm512_loadu_ps(s + 16), v2 = _mm512_loadu_ps(s + 32);
    // The last value needed is s[60]: load no further (the row may end there).
    const __m512 v3 = _mm512_maskz_loadu_ps((__mmask16)0x1FFF, s + 48);
    const __m512 a = _mm512_permutex2var_ps(v0, lo, v1);
    const __m512 b = _mm512_permutex2var_ps(v2, hi, v3);
    _mm512_storeu_ps(dst + t, _mm512_mask_blend_ps((__mmask16)0xFF00, a, b));
  }
  if (t < n) {
    // The last r < 16 values by masked loads and a masked store (im2col runs
    // are short, so this tail is a large share of them): lanes of source
    // position q = 4·j for j < r, and nothing past src[4·(r − 1)] is read.
    const int r = n - t, last = 4 * (r - 1);
    const float* s = src + 4 * t;
    auto upto = [&](int base) -> __mmask16 {
      const int k = last - base + 1;  // positions base … last are needed
      return k >= 16 ? (__mmask16)0xFFFF : k <= 0 ? (__mmask16)0 : (__mmask16)((1u << k) - 1);
    };
    const __m512 v0 = _mm512_maskz_loadu_ps(upto(0), s), v1 = _mm512_maskz_loadu_ps(upto(16), s + 16);
    const __m512 v2 = _mm512_maskz_loadu_ps(upto(32), s + 32), v3 = _mm512_maskz_loadu_ps(upto(48), s + 48);
    const __m512 a = _mm512_permutex2var_ps(v0, lo, v1);
    const __m512 b = _mm512_permutex2var_ps(v2, hi, v3);
    _mm512_mask_storeu_ps(dst + t, (__mmask16)((1u << r) - 1), _mm512_mask_blend_ps((__mmask16)0xFF00, a, b));
  }
}
#endif

}  // namespace

StridedCopyFn active_strided_copy() {
#if defined(__x86_64__)
  if (active_isa() == Isa::Avx512) return copy_avx512;
#endif
  return copy_generic;
}

}  // namespace anx
