// AVX-512 micro-kernel, 8×48: 24 zmm accumulators, 3 B vectors and one
// broadcast per k step; masked stores for ragged tiles. Compiled for
// AVX-512 only inside this function (target attribute), chosen at run time.
#if defined(__x86_64__)
#include "immintrin_quiet.h"

#include "ukernel.h"
#include "isa_targets.h"

namespace anx {

ANX_TARGET_AVX512 void ukr_avx512(
    int kc, const float* A, const float* B, float* C, ptrdiff_t ldc, int mr, int nr, const float* bias, int flags) {
  constexpr int MR = AVX512_MR, NR = AVX512_NR;
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00,
         c22 = c00, c30 = c00, c31 = c00, c32 = c00, c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00,
         c52 = c00, c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
  // The C tile is needed only after the k loop: start fetching it now.
  for (int r = 0; r < mr; r++) {
    _mm_prefetch((const char*)(C + r * ldc), _MM_HINT_T0);
    _mm_prefetch((const char*)(C + r * ldc + 16), _MM_HINT_T0);
    _mm_prefetch((const char*)(C + r * ldc + 32), _MM_HINT_T0);
  }
  for (int k = 0; k < kc; k++) {
    const float* a = A + k * MR;
    const float* b = B + k * NR;
    // B streams from L2: fetch the three cache lines of a step 8 steps ahead.
    _mm_prefetch((const char*)(b + 8 * NR), _MM_HINT_T0);
    _mm_prefetch((const char*)(b + 8 * NR + 16), _MM_HINT_T0);
    _mm_prefetch((const char*)(b + 8 * NR + 32), _MM_HINT_T0);
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32);
    __m512 x;
#define ANX_ROW(r)                           \
  x = _mm512_set1_ps(a[r]);                  \
  c##r##0 = _mm512_fmadd_ps(x, b0, c##r##0); \
  c##r##1 = _mm512_fmadd_ps(x, b1, c##r##1); \
  c##r##2 = _mm512_fmadd_ps(x, b2, c##r##2);
    ANX_ROW(0) ANX_ROW(1) ANX_ROW(2) ANX_ROW(3) ANX_ROW(4) ANX_ROW(5) ANX_ROW(6) ANX_ROW(7)
#undef ANX_ROW
  }
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

}  // namespace anx
#endif

#if defined(__x86_64__)
namespace anx {
// Peak probe: 12 independent FMA chains (enough to cover latency × pipes);
// returns a value so the work cannot be optimised away.
ANX_TARGET_AVX512 float fma_chains_avx512(long iters) {
  __m512 a[12];
  for (int i = 0; i < 12; i++) a[i] = _mm512_set1_ps(0.001f * i);
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iters; it++)
    // Unrolled, so the twelve chains stay in registers (a loop over the array kept
    // them in memory: store-to-load latency, not the FMA units, set the pace).
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) a[i] = _mm512_fmadd_ps(a[i], m, c);
  __m512 s = a[0];
  for (int i = 1; i < 12; i++) s = _mm512_add_ps(s, a[i]);
  return _mm512_reduce_add_ps(s);
}
}  // namespace anx
#endif
