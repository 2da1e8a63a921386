// GEMM micro-kernels: C[mr×nr] (+)= A-panel[kc×MR]ᵀ · B-panel[kc×NR], one per ISA.
// Panels are packed: A as kc groups of MR row values, B as kc groups of NR
// column values (zero-padded). The kernel writes only the valid mr×nr corner.
#pragma once
#include <cstddef>

namespace anx {

enum UkrFlags { UKR_ACCUMULATE = 1, UKR_RELU = 2 };

// bias: one value per row (length mr) added before ReLU, or null.
using UkrFn = void (*)(int kc, const float* A, const float* B, float* C, ptrdiff_t ldc, int mr, int nr,
                       const float* bias, int flags);

struct Ukernel {
  int mr, nr;
  UkrFn fn;
  const char* name;
};

void ukr_generic(int, const float*, const float*, float*, ptrdiff_t, int, int, const float*, int);
// Peak probes: `iters` rounds of 12 independent FMA chains of one vector each.
float fma_chains_generic(long iters);
#if defined(__x86_64__)
float fma_chains_avx2(long iters);
float fma_chains_avx512(long iters);
void ukr_avx2(int, const float*, const float*, float*, ptrdiff_t, int, int, const float*, int);
void ukr_avx512(int, const float*, const float*, float*, ptrdiff_t, int, int, const float*, int);
#endif

constexpr int GENERIC_MR = 4, GENERIC_NR = 16;
constexpr int AVX2_MR = 6, AVX2_NR = 16;
constexpr int AVX512_MR = 8, AVX512_NR = 48;

// The micro-kernel of the active ISA.
const Ukernel& active_ukernel();

// Measured fp32 peak (GFLOP/s) of the active ISA on every thread of the pool, over about `seconds`.
double measure_peak_gflops(double seconds);

}  // namespace anx
