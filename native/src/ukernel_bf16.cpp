// bf16 GEMM pieces on AVX512-BF16: the 8×48 micro-kernel, the conversion of a
// packed fp32 panel to bf16 k-pairs, and the dpbf16 peak probe. Everything
// here is compiled for ANX_TARGET_AVX512_BF16 and called only where
// bf16_available() (cpu.h).
//
// Panel layout (ukernel.h): a packed fp32 strip of kc steps × w lines
// becomes kp = ⌈kc/2⌉ pair steps × w 32-bit words; word (p, j) holds line j's
// values at k = 2p (low half) and 2p + 1 (high half), the high half zero when
// kc is odd. vdpbf16ps multiplies the pairs lane by lane, so a B vector of 16
// words (32 bf16: 16 columns × 2 k) and one broadcast A word (a row's pair)
// give 16 columns two steps of the sum each.
#if defined(__x86_64__)
#include "immintrin_quiet.h"

#include <cstdint>

#include "isa_targets.h"
#include "ukernel.h"

namespace anx {

ANX_TARGET_AVX512_BF16 void ukr_avx512_bf16(int kp, const uint32_t* A, const uint32_t* B, float* C, ptrdiff_t ldc,
                                            int mr, int nr, const float* bias, int flags) {
  constexpr int MR = AVX512_MR, NR = AVX512_NR;
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00,
         c22 = c00, c30 = c00, c31 = c00, c32 = c00, c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00,
         c52 = c00, c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
  for (int r = 0; r < mr; r++) {
    _mm_prefetch((const char*)(C + r * ldc), _MM_HINT_T0);
    _mm_prefetch((const char*)(C + r * ldc + 16), _MM_HINT_T0);
    _mm_prefetch((const char*)(C + r * ldc + 32), _MM_HINT_T0);
  }
  for (int k = 0; k < kp; k++) {
    const uint32_t* a = A + k * MR;
    const uint32_t* b = B + k * NR;
    _mm_prefetch((const char*)(b + 8 * NR), _MM_HINT_T0);
    _mm_prefetch((const char*)(b + 8 * NR + 16), _MM_HINT_T0);
    _mm_prefetch((const char*)(b + 8 * NR + 32), _MM_HINT_T0);
    const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b), b1 = (__m512bh)_mm512_loadu_si512(b + 16),
                   b2 = (__m512bh)_mm512_loadu_si512(b + 32);
    __m512bh x;
#define ANX_ROW(r)                                  \
  x = (__m512bh)_mm512_set1_epi32((int)a[r]);       \
  c##r##0 = _mm512_dpbf16_ps(c##r##0, x, b0);       \
  c##r##1 = _mm512_dpbf16_ps(c##r##1, x, b1);       \
  c##r##2 = _mm512_dpbf16_ps(c##r##2, x, b2);
    ANX_ROW(0) ANX_ROW(1) ANX_ROW(2) ANX_ROW(3) ANX_ROW(4) ANX_ROW(5) ANX_ROW(6) ANX_ROW(7)
#undef ANX_ROW
  }
  // The epilogue is the fp32 kernel's (ukernel_avx512.cpp): bias, accumulate, ReLU in fp32.
  const __m512 acc[MR][3] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32},
                             {c40, c41, c42}, {c50, c51, c52}, {c60, c61, c62}, {c70, c71, c72}};
  __mmask16 m[3];
  for (int v = 0; v < 3; v++) {
    int left = nr - 16 * v;
    m[v] = left >= 16 ? (__mmask16)0xFFFF : left <= 0 ? (__mmask16)0 : (__mmask16)((1u << left) - 1);
  }
  const __m512 zero = _mm512_setzero_ps();
  for (int r = 0; r < mr; r++) {
    float* c = C + r * ldc;
    const __m512 add = _mm512_set1_ps(bias ? bias[r] : 0.f);
    for (int v = 0; v < 3; v++) {
      __m512 val = _mm512_add_ps(acc[r][v], add);
      if (flags & UKR_ACCUMULATE) val = _mm512_add_ps(val, _mm512_maskz_loadu_ps(m[v], c + 16 * v));
      if (flags & UKR_RELU) val = _mm512_max_ps(val, zero);
      _mm512_mask_storeu_ps(c + 16 * v, m[v], val);
    }
  }
}

// vcvtne2ps2bf16 rounds to nearest, ties to even (NaN stays NaN; it treats
// denormal inputs as zero). It gives [lo's 16 values, hi's 16 values]; the
// permute interleaves them into 16 words (lo[j] low half, hi[j] high half).
ANX_TARGET_AVX512_BF16 void pack_bf16_pairs(const float* src, int kc, int w, uint32_t* dst) {
  const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8, 23, 7, 22,
                                              6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  const int kp = (kc + 1) / 2;
  if (w == 8) {
    // An A strip (MR = 8): two pair steps are 32 contiguous floats.
    const __m512i idx2 = _mm512_set_epi16(31, 23, 30, 22, 29, 21, 28, 20, 27, 19, 26, 18, 25, 17, 24, 16, 15, 7, 14, 6,
                                          13, 5, 12, 4, 11, 3, 10, 2, 9, 1, 8, 0);
    int p = 0;
    for (; 2 * p + 3 < kc; p += 2) {
      const float* s = src + (size_t)2 * p * 8;
      const __m512i v = (__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(s + 16), _mm512_loadu_ps(s));
      _mm512_storeu_si512(dst + (size_t)p * 8, _mm512_permutexvar_epi16(idx2, v));
    }
    for (; p < kp; p++) {
      const float* s = src + (size_t)2 * p * 8;
      const __m256 lo = _mm256_loadu_ps(s), hi = 2 * p + 1 < kc ? _mm256_loadu_ps(s + 8) : _mm256_setzero_ps();
      const __m512i v = (__m512i)_mm512_cvtne2ps_pbh(_mm512_castps256_ps512(hi), _mm512_castps256_ps512(lo));
      // Values 0–7 are lo's, 16–23 hi's: the same interleave as the 16-wide case.
      const __m512i r = _mm512_permutexvar_epi16(interleave, v);
      _mm256_storeu_si256((__m256i*)(dst + (size_t)p * 8), _mm512_castsi512_si256(r));
    }
    return;
  }
  for (int p = 0; p < kp; p++) {
    const float* lo = src + (size_t)2 * p * w;
    const float* hi = lo + w;
    const bool has_hi = 2 * p + 1 < kc;
    uint32_t* d = dst + (size_t)p * w;
    for (int j = 0; j < w; j += 16) {
      const int left = w - j;
      const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      const __m512 l = _mm512_maskz_loadu_ps(m, lo + j), h = has_hi ? _mm512_maskz_loadu_ps(m, hi + j) : _mm512_setzero_ps();
      const __m512i v = (__m512i)_mm512_cvtne2ps_pbh(h, l);
      _mm512_mask_storeu_epi32(d + j, m, _mm512_permutexvar_epi16(interleave, v));
    }
  }
}

// Peak probe: 12 independent vdpbf16ps chains, 64 flops each per step
// (16 lanes × 2 products × multiply and add).
ANX_TARGET_AVX512_BF16 float dpbf16_chains_avx512(long iters) {
  __m512 a[12];
  for (int i = 0; i < 12; i++) a[i] = _mm512_set1_ps(0.001f * i);
  const __m512bh m = _mm512_cvtne2ps_pbh(_mm512_set1_ps(0.999f), _mm512_set1_ps(1e-3f));
  const __m512bh c = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-7f), _mm512_set1_ps(-1e-7f));
  for (long it = 0; it < iters; it++)
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) a[i] = _mm512_dpbf16_ps(a[i], m, c);
  __m512 s = a[0];
  for (int i = 1; i < 12; i++) s = _mm512_add_ps(s, a[i]);
  return _mm512_reduce_add_ps(s);
}

}  // namespace anx
#endif
