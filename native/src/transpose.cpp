#include "transpose.h"

#include "cpu.h"
#include "isa_targets.h"

#if defined(__x86_64__)
#include "immintrin_quiet.h"
#endif

namespace anx {

namespace {

#if defined(__x86_64__)
// Stores the pair (k, k+1) × 8 rows held in v: one vector where the
// destination's k stride is 8, two halves otherwise.
ANX_TARGET_AVX512 inline void store_pair(float* d, int stride, __m512 v) {
  if (stride == 8) return _mm512_storeu_ps(d, v);
  _mm256_storeu_ps(d, _mm512_castps512_ps256(v));
  _mm256_storeu_ps(d + stride, _mm512_extractf32x8_ps(v, 1));
}

ANX_TARGET_AVX512 void pack8_avx512(const float* src, ptrdiff_t ld, int kc, float* dst, int stride) {
  int k = 0;
  for (; k + 16 <= kc; k += 16) {
    __m512 r[8];
    for (int j = 0; j < 8; j++) r[j] = _mm512_loadu_ps(src + j * ld + k);
    // Within each 128-bit lane L (k = 4L … 4L+3): u[m] = rows 0–3 at k = 4L+m, u[4+m] = rows 4–7.
    const __m512 t0 = _mm512_unpacklo_ps(r[0], r[1]), t1 = _mm512_unpackhi_ps(r[0], r[1]);
    const __m512 t2 = _mm512_unpacklo_ps(r[2], r[3]), t3 = _mm512_unpackhi_ps(r[2], r[3]);
    const __m512 t4 = _mm512_unpacklo_ps(r[4], r[5]), t5 = _mm512_unpackhi_ps(r[4], r[5]);
    const __m512 t6 = _mm512_unpacklo_ps(r[6], r[7]), t7 = _mm512_unpackhi_ps(r[6], r[7]);
    const __m512 u[8] = {_mm512_shuffle_ps(t0, t2, 0x44), _mm512_shuffle_ps(t0, t2, 0xEE),
                         _mm512_shuffle_ps(t1, t3, 0x44), _mm512_shuffle_ps(t1, t3, 0xEE),
                         _mm512_shuffle_ps(t4, t6, 0x44), _mm512_shuffle_ps(t4, t6, 0xEE),
                         _mm512_shuffle_ps(t5, t7, 0x44), _mm512_shuffle_ps(t5, t7, 0xEE)};
    float* d = dst + (size_t)k * stride;
    for (int h = 0; h < 2; h++) {
      const int m0 = 2 * h, m1 = 2 * h + 1;
      // a: lanes 0–1 of u[m] and u[4+m]; b: lanes 2–3.
      const __m512 a0 = _mm512_shuffle_f32x4(u[m0], u[4 + m0], 0x44), a1 = _mm512_shuffle_f32x4(u[m1], u[4 + m1], 0x44);
      const __m512 b0 = _mm512_shuffle_f32x4(u[m0], u[4 + m0], 0xEE), b1 = _mm512_shuffle_f32x4(u[m1], u[4 + m1], 0xEE);
      // Output for k = 4L + 2h, 4L + 2h + 1: [rows 0–3, rows 4–7] at each k.
      store_pair(d + (size_t)(0 + 2 * h) * stride, stride, _mm512_shuffle_f32x4(a0, a1, 0x88));   // L = 0
      store_pair(d + (size_t)(4 + 2 * h) * stride, stride, _mm512_shuffle_f32x4(a0, a1, 0xDD));   // L = 1
      store_pair(d + (size_t)(8 + 2 * h) * stride, stride, _mm512_shuffle_f32x4(b0, b1, 0x88));   // L = 2
      store_pair(d + (size_t)(12 + 2 * h) * stride, stride, _mm512_shuffle_f32x4(b0, b1, 0xDD));  // L = 3
    }
  }
  for (; k < kc; k++)
    for (int j = 0; j < 8; j++) dst[(size_t)k * stride + j] = src[j * ld + k];
}
#endif

}  // namespace

Pack8Fn active_pack8() {
#if defined(__x86_64__)
  if (active_isa() == Isa::Avx512) return pack8_avx512;
#endif
  return nullptr;
}

}  // namespace anx
