#include "linear.h"

#include "elementwise.h"
#include "gemm.h"
#include "threadpool.h"

namespace anx {

void linear_forward(int N, int I, int O, const float* x, const float* w, const float* b, float* y, bool relu) {
  // y[N, O] = x[N, I] · wᵀ: A = rows of x, B(k=i, n=o) = w[o, i] (rows of w).
  gemm(N, O, I, RowsPacker(x, I), RowsPacker(w, I), Output{y, O, nullptr}, Epilogue{});
  if (b || relu) {
    if (b) {
      bias_rows(N, O, b, relu, y);
    } else {
      relu_forward((int64_t)N * O, y, y);
    }
  }
}

void linear_backward_data(int N, int I, int O, const float* dy, const float* w, float* dx) {
  // dx[N, I] = dy[N, O] · w[O, I]
  gemm(N, I, O, RowsPacker(dy, O), ColsPacker(w, I), Output{dx, I, nullptr}, Epilogue{});
}

void linear_backward_weights(int N, int I, int O, const float* x, const float* dy, float* dw, float* db) {
  // dw[O, I] = dyᵀ · x: A(m=o, k=n) = dy[n, o], B(k=n, n'=i) = x[n, i]. Columns split, never the sum.
  gemm(O, I, N, ColsPacker(dy, O), ColsPacker(x, I), Output{dw, I, nullptr}, Epilogue{});
  if (db) {
    ThreadPool::instance().parallel_for(1, [&](int, int) {
      for (int o = 0; o < O; o++) db[o] = 0.f;
      for (int n = 0; n < N; n++)
        for (int o = 0; o < O; o++) db[o] += dy[(int64_t)n * O + o];
    });
  }
}

}  // namespace anx
