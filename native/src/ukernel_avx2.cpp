// AVX2+FMA micro-kernel, 6×16: 12 ymm accumulators, compiled for that ISA
// only inside this function (target attribute), chosen at run time.
#if defined(__x86_64__)
#include <immintrin.h>

#include "ukernel.h"
#include "isa_targets.h"

namespace anx {

ANX_TARGET_AVX2 void ukr_avx2(int kc, const float* A, const float* B, float* C, ptrdiff_t ldc,
                                                  int mr, int nr, const float* bias, int flags) {
  constexpr int MR = AVX2_MR;
  __m256 acc[MR][2];
  for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int k = 0; k < kc; k++) {
    const __m256 b0 = _mm256_loadu_ps(B + k * 16);
    const __m256 b1 = _mm256_loadu_ps(B + k * 16 + 8);
    for (int r = 0; r < MR; r++) {
      const __m256 a = _mm256_broadcast_ss(A + k * MR + r);
      acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
    }
  }
  alignas(32) float tile[16];
  for (int r = 0; r < mr; r++) {
    float* c = C + r * ldc;
    const __m256 add = _mm256_set1_ps(bias ? bias[r] : 0.f);
    __m256 v0 = _mm256_add_ps(acc[r][0], add), v1 = _mm256_add_ps(acc[r][1], add);
    if (nr == 16) {
      if (flags & UKR_ACCUMULATE) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(c));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(c + 8));
      }
      if (flags & UKR_RELU) {
        v0 = _mm256_max_ps(v0, _mm256_setzero_ps());
        v1 = _mm256_max_ps(v1, _mm256_setzero_ps());
      }
      _mm256_storeu_ps(c, v0);
      _mm256_storeu_ps(c + 8, v1);
    } else {
      _mm256_store_ps(tile, v0);
      _mm256_store_ps(tile + 8, v1);
      for (int j = 0; j < nr; j++) {
        float v = tile[j] + ((flags & UKR_ACCUMULATE) ? c[j] : 0.f);
        c[j] = ((flags & UKR_RELU) && v < 0.f) ? 0.f : v;
      }
    }
  }
}

}  // namespace anx
#endif

#if defined(__x86_64__)
namespace anx {
ANX_TARGET_AVX2 float fma_chains_avx2(long iters) {
  __m256 a[12];
  for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps(0.001f * i);
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (long it = 0; it < iters; it++)
    // Unrolled, so the twelve chains stay in registers (a loop over the array kept
    // them in memory: store-to-load latency, not the FMA units, set the pace).
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) a[i] = _mm256_fmadd_ps(a[i], m, c);
  alignas(32) float t[8];
  __m256 s = a[0];
  for (int i = 1; i < 12; i++) s = _mm256_add_ps(s, a[i]);
  _mm256_store_ps(t, s);
  return t[0] + t[7];
}
}  // namespace anx
#endif
