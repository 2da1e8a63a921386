#include "linear.h"

#include "elementwise.h"
#include "gemm.h"
#include "simd.h"

#include <algorithm>
#include <cstdint>
#include "threadpool.h"

namespace anx {

// Small batches: y = W·x row by row, streaming W once (the layer is memory-bound).
// Sixteen independent partial sums per dot product let the compiler vectorise
// without reassociating a sum; the order is fixed, so results are deterministic.
ANX_CLONES static void gemv_rows(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu,
                                 int o0, int o1) {
  constexpr int L = 16;
  for (int o = o0; o < o1; o++) {
    const float* wr = w + (int64_t)o * I;
    for (int n = 0; n < N; n++) {
      const float* xr = x + (int64_t)n * I;
      float acc[L] = {};
      int i = 0;
      for (; i + L <= I; i += L)
        for (int l = 0; l < L; l++) acc[l] += wr[i + l] * xr[i + l];
      float s = 0.f;
      for (int l = 0; l < L; l++) s += acc[l];
      for (; i < I; i++) s += wr[i] * xr[i];
      s += b ? b[o] : 0.f;
      y[(int64_t)n * O + o] = (relu && !(s > 0.f)) ? 0.f : s;
    }
  }
}

void linear_forward(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu) {
  if (N <= 8) {
    const int T = ThreadPool::instance().threads(), chunks = std::max(1, std::min(O, T * 8));
    ThreadPool::instance().parallel_for(chunks, [&](int c, int) {
      gemv_rows(N, I, O, x, w, b, y, relu, (int)((int64_t)O * c / chunks), (int)((int64_t)O * (c + 1) / chunks));
    });
    return;
  }
  // yᵀ[O, N] = W[O, I] · xᵀ: A = rows of W (8 read streams when packing), B = rows
  // of x (small); bias per row and ReLU fuse into the GEMM; then transpose.
  float* yt = thread_scratch(0, SLOT_OP_A, (size_t)O * N);
  Epilogue epi;
  epi.bias = b;
  epi.relu = relu;
  gemm(O, N, I, RowsPacker(w, I), RowsPacker(x, I), Output{yt, N, nullptr}, epi);
  ThreadPool::instance().parallel_for(N, [&](int n, int) {
    for (int o = 0; o < O; o++) y[(int64_t)n * O + o] = yt[(int64_t)o * N + n];
  });
}

void linear_backward_data(int N, int I, int O, const float* dy, const float* w, float* dx) {
  // dx[N, I] = dy[N, O] · w[O, I]
  gemm(N, I, O, RowsPacker(dy, O), ColsPacker(w, I), Output{dx, I, nullptr}, Epilogue{});
}

void linear_backward_weights(int N, int I, int O, const float* x, const float* dy, float* dw, float* db) {
  // dw[O, I] = dyᵀ · x: A(m=o, k=n) = dy[n, o], B(k=n, n'=i) = x[n, i]. Columns split, never the sum.
  gemm(O, I, N, ColsPacker(dy, O), ColsPacker(x, I), Output{dw, I, nullptr}, Epilogue{});
  if (db) {
    for (int o = 0; o < O; o++) db[o] = 0.f;
    for (int n = 0; n < N; n++)
      for (int o = 0; o < O; o++) db[o] += dy[(int64_t)n * O + o];
  }
}

}  // namespace anx
