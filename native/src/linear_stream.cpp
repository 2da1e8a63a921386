// Fully connected forward for batches of 17–64 (inference at batch 32, say),
// AVX-512: W streamed straight from its [O, I] rows, never packed. The packed
// GEMM (linear.cpp) transposes every W block into 48-wide panels and uses
// each packed value for only N rows: at batch 32 fc6 ran at about half the
// peak (11.4 ms, 212 GFLOP/s). Here the batch is the vector dimension: x is
// packed once, transposed (xt[i][n], n padded to whole vectors: 1.2 MB for
// fc6 at 32), and a register tile is R output features × NV vectors of the
// batch (R·NV = 24 accumulators), each weight broadcast from its row: per i,
// NV loads, R broadcasts, 24 FMAs, and one software prefetch (R concurrent
// row streams per thread are more than the hardware prefetcher kept up
// with: 8.3 → 6.8 ms). fc6 at batch 32: 6.8–8.0 ms against the GEMM's
// 11.4–14.2 in the same runs.
//
// yt[o][n] starts at the bias; the sum over i runs in chunks of KCH (one
// chunk for AlexNet's layers), each chunk's FMA chain from zero added to yt,
// as the GEMM adds its KC blocks; then yt goes to y[n][o] with ReLU. A job
// owns whole output rows and all of their sum, so the result does not depend
// on the thread count.
#include "linear_stream.h"

#include <algorithm>
#include <cstdint>

#include "cpu.h"
#include "elementwise.h"
#include "gemm.h"
#include "isa_targets.h"
#include "threadpool.h"

#if defined(__x86_64__)
#include "immintrin_quiet.h"
#endif

namespace anx {

namespace {

constexpr int KCH = 9216;  // i per chunk (fc6's whole row: chunks of 512 and 2048 measured slower)
constexpr int ACC = 24;    // accumulators a tile
constexpr int PF = 128;    // prefetch distance in each weight row (floats)

#if defined(__x86_64__)
// yt[o0 + r][v·16 ..] += Σ_{i < kc} w[(o0 + r)·I + i] · xt[i][v·16 ..] for r < R (rows past `rows` repeat the last).
template <int NV>
ANX_TARGET_AVX512 void stream_tile(int kc, const float* xt, const float* w, int64_t I, int rows, float* yt) {
  constexpr int R = ACC / NV, NP = NV * 16;
  const float* wr[R];
#pragma GCC unroll 24
  for (int r = 0; r < R; r++) wr[r] = w + std::min(r, rows - 1) * I;
  __m512 acc[R][NV];
#pragma GCC unroll 24
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
  for (int i = 0, pr = 0; i < kc; i++, pr = pr + 1 == R ? 0 : pr + 1) {
    // One of the R weight streams a step, PF floats ahead: each of its cache
    // lines (16 steps) is asked for before it is needed.
    _mm_prefetch((const char*)(wr[pr] + i + PF), _MM_HINT_T0);
    __m512 xv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) xv[v] = _mm512_loadu_ps(xt + (int64_t)i * NP + 16 * v);
#pragma GCC unroll 24
    for (int r = 0; r < R; r++) {
      const __m512 a = _mm512_set1_ps(wr[r][i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(a, xv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 24
  for (int r = 0; r < R; r++) {
    if (r >= rows) break;
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      float* d = yt + (int64_t)r * NP + 16 * v;
      _mm512_storeu_ps(d, _mm512_add_ps(_mm512_loadu_ps(d), acc[r][v]));
    }
  }
}

template <int NV>
void forward(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu) {
  constexpr int R = ACC / NV, NP = NV * 16;
  ThreadPool& pool = ThreadPool::instance();
  // xt[i][n] = x[n][i], zero for n ≥ N.
  float* xt = thread_scratch(0, SLOT_OP_A, (size_t)I * NP);
  pool.parallel_blocks(I, [&](int64_t i0, int64_t i1, int) {
    for (int64_t i = i0; i < i1; i++) {
      float* d = xt + i * NP;
      for (int n = 0; n < N; n++) d[n] = x[(int64_t)n * I + i];
      for (int n = N; n < NP; n++) d[n] = 0.f;
    }
  });
  float* yt = thread_scratch(0, SLOT_OP_B, (size_t)O * NP);
  const int tiles = (O + R - 1) / R, T = pool.threads();
  const int jobs = std::min(tiles, 4 * T);
  pool.parallel_for(jobs, [&](int job, int) {
    const int t0 = (int)((int64_t)tiles * job / jobs), t1 = (int)((int64_t)tiles * (job + 1) / jobs);
    const int o0 = t0 * R, o1 = std::min(O, t1 * R);
    for (int o = o0; o < o1; o++)
      for (int n = 0; n < NP; n++) yt[(int64_t)o * NP + n] = b ? b[o] : 0.f;
    for (int i0 = 0; i0 < I; i0 += KCH) {
      const int kc = std::min(KCH, I - i0);
      for (int o = o0; o < o1; o += R)
        stream_tile<NV>(kc, xt + (int64_t)i0 * NP, w + (int64_t)o * I + i0, I, std::min(R, o1 - o), yt + (int64_t)o * NP);
    }
    for (int n = 0; n < N; n++) {
      float* yr = y + (int64_t)n * O;
      for (int o = o0; o < o1; o++) {
        yr[o] = relu_if(relu, yt[(int64_t)o * NP + n]);
      }
    }
  });
}
#endif

}  // namespace

bool linear_forward_stream(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu) {
#if defined(__x86_64__)
  // From 17: with one vector of the batch a tile (R = 24 broadcasts per 24 FMAs) it lost to the GEMM.
  if (active_isa() != Isa::Avx512 || N < 17 || N > 64) return false;
  switch ((N + 15) / 16) {
    case 2: forward<2>(N, I, O, x, w, b, y, relu); break;
    case 3: forward<3>(N, I, O, x, w, b, y, relu); break;
    default: forward<4>(N, I, O, x, w, b, y, relu); break;
  }
  return true;
#else
  (void)N, (void)I, (void)O, (void)x, (void)w, (void)b, (void)y, (void)relu;
  return false;
#endif
}

}  // namespace anx
