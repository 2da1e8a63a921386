#include "linear.h"

#include "elementwise.h"
#include "gemm.h"
#include "linear_stream.h"
#include "isa_targets.h"

#include <algorithm>
#include <cstdint>
#include "threadpool.h"

namespace anx {

// Small batches: y = W·x, streaming W once (the layer is memory-bound). Rows
// go four at a time (four read streams keep more of the memory bandwidth busy
// than one, and each x value loaded serves four rows). Sixteen independent
// partial sums per dot product let the compiler vectorise without
// reassociating a sum; each row's order is fixed, so results do not depend on
// how rows are grouped or split across threads.
ANX_ISA_BODY static void gemv_rows(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu,
                                   int o0, int o1) {
  constexpr int L = 16, R = 4;
  const int iv = I / L * L;
  // The lanes' sum, then the tail one by one, then the bias.
  auto finish = [&](const float* acc, const float* wr, const float* xr, int o, int n) {
    float s = 0.f;
    for (int l = 0; l < L; l++) s += acc[l];
    for (int i = iv; i < I; i++) s += wr[i] * xr[i];
    s += b ? b[o] : 0.f;
    y[(int64_t)n * O + o] = relu_if(relu, s);
  };
  int o = o0;
  for (; o + R <= o1; o += R) {
    const float* w0 = w + (int64_t)o * I;
    const float* w1 = w0 + I;
    const float* w2 = w1 + I;
    const float* w3 = w2 + I;
    for (int n = 0; n < N; n++) {
      const float* xr = x + (int64_t)n * I;
      float a0[L] = {}, a1[L] = {}, a2[L] = {}, a3[L] = {};
      for (int i = 0; i < iv; i += L)
        for (int l = 0; l < L; l++) {
          const float xv = xr[i + l];
          a0[l] += w0[i + l] * xv;
          a1[l] += w1[i + l] * xv;
          a2[l] += w2[i + l] * xv;
          a3[l] += w3[i + l] * xv;
        }
      finish(a0, w0, xr, o, n), finish(a1, w1, xr, o + 1, n), finish(a2, w2, xr, o + 2, n), finish(a3, w3, xr, o + 3, n);
    }
  }
  for (; o < o1; o++) {
    const float* wr = w + (int64_t)o * I;
    for (int n = 0; n < N; n++) {
      const float* xr = x + (int64_t)n * I;
      float acc[L] = {};
      for (int i = 0; i < iv; i += L)
        for (int l = 0; l < L; l++) acc[l] += wr[i + l] * xr[i + l];
      finish(acc, wr, xr, o, n);
    }
  }
}

void linear_forward(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu) {
  if (N <= 8) {
    const int T = ThreadPool::instance().threads(), chunks = std::max(1, std::min(O, T * 8));
    ThreadPool::instance().parallel_for(chunks, [&](int c, int) {
      per_isa<gemv_rows>(N, I, O, x, w, b, y, relu, (int)((int64_t)O * c / chunks), (int)((int64_t)O * (c + 1) / chunks));
    });
    return;
  }
  if (linear_forward_stream(N, I, O, x, w, b, y, relu)) return;
  // y[N, O] = x[N, I] · Wᵀ: A = rows of x, B = rows of W as columns (each W
  // row packed once, eight at a time by the transposing kernel), so y needs
  // no transpose and no output tile is padded (N is a multiple of MR at the
  // usual batches; O = 4096 fills 48-wide strips, where N = 32 as columns
  // would have left a third of each tile empty). The bias goes into y first
  // and the GEMM adds to it: (b + Σ₁) + Σ₂ … equals the former Σ₁ + b + Σ₂ ….
  Epilogue epi;
  epi.relu = relu;
  if (b) {
    ThreadPool::instance().parallel_for(N, [&](int n, int) {
      float* yr = y + (int64_t)n * O;
      for (int o = 0; o < O; o++) yr[o] = b[o];
    });
    epi.accumulate = true;
  }
  gemm(N, O, I, RowsPacker(x, I), RowsPacker(w, I), Output{y, O, nullptr}, epi);
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
