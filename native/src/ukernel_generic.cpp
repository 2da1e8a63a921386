// Portable micro-kernel: plain loops the compiler vectorises for the baseline ISA.
#include "ukernel.h"

namespace anx {

void ukr_generic(int kc, const float* A, const float* B, float* C, ptrdiff_t ldc, int mr, int nr, const float* bias,
                 int flags) {
  constexpr int MR = GENERIC_MR, NR = GENERIC_NR;
  float acc[MR][NR] = {};
  for (int k = 0; k < kc; k++) {
    const float* a = A + k * MR;
    const float* b = B + k * NR;
    for (int r = 0; r < MR; r++)
      for (int j = 0; j < NR; j++) acc[r][j] += a[r] * b[j];
  }
  for (int r = 0; r < mr; r++) {
    float* c = C + r * ldc;
    const float add = bias ? bias[r] : 0.f;
    for (int j = 0; j < nr; j++) {
      float v = acc[r][j] + add + ((flags & UKR_ACCUMULATE) ? c[j] : 0.f);
      c[j] = ((flags & UKR_RELU) && v < 0.f) ? 0.f : v;
    }
  }
}

float fma_chains_generic(long iters) {
  float a[12][4];
  for (int i = 0; i < 12; i++)
    for (int j = 0; j < 4; j++) a[i][j] = 0.001f * i;
  for (long it = 0; it < iters; it++)
    for (int i = 0; i < 12; i++)
      for (int j = 0; j < 4; j++) a[i][j] = a[i][j] * 0.999999f + 1e-7f;
  float s = 0;
  for (int i = 0; i < 12; i++) s += a[i][0] + a[i][3];
  return s;
}

}  // namespace anx
