#include "elementwise.h"

#include <algorithm>
#include <cmath>

#include "isa_targets.h"
#include "threadpool.h"

namespace anx {

namespace {

// Splits [0, n) into a few large blocks across the pool.
template <typename F>
void blocks(int64_t n, F&& body) {
  constexpr int64_t BLOCK = 1 << 16;
  const int nb = (int)((n + BLOCK - 1) / BLOCK);
  ThreadPool::instance().parallel_for(nb, [&](int b, int) {
    const int64_t i0 = b * BLOCK, i1 = std::min(n, i0 + BLOCK);
    body(i0, i1 - i0);
  });
}

ANX_ISA_BODY void relu_fw(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0.f ? x[i] : 0.f;
}
ANX_ISA_BODY void relu_bw(int64_t n, const float* y, const float* dy, float* dx) {
  for (int64_t i = 0; i < n; i++) dx[i] = y[i] > 0.f ? dy[i] : 0.f;
}
// std::tanh per element (no fast approximation): the fixtures ask for 1e-4, and
// the activation is a small share of a step next to the convolutions.
void tanh_fw(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; i++) y[i] = std::tanh(x[i]);
}
ANX_ISA_BODY void tanh_bw(int64_t n, const float* y, const float* dy, float* dx) {
  for (int64_t i = 0; i < n; i++) dx[i] = dy[i] * (1.f - y[i] * y[i]);
}
ANX_ISA_BODY void mask_scale_block(int64_t n, const float* x, const float* mask, float scale, float* y) {
  if (mask)
    for (int64_t i = 0; i < n; i++) y[i] = x[i] * mask[i] * scale;
  else
    for (int64_t i = 0; i < n; i++) y[i] = x[i] * scale;
}
ANX_ISA_BODY void bias_row(int cols, const float* bias, bool relu, float* y) {
  if (relu)
    for (int c = 0; c < cols; c++) {
      const float v = y[c] + bias[c];
      y[c] = v > 0.f ? v : 0.f;
    }
  else
    for (int c = 0; c < cols; c++) y[c] += bias[c];
}
ANX_ISA_BODY void sgd_block(int64_t n, float* w, float* v, const float* g, float lr, float mu, float decay, bool pt) {
  if (pt) {
    for (int64_t i = 0; i < n; i++) {
      const float vi = mu * v[i] + g[i] + decay * w[i];
      v[i] = vi;
      w[i] -= lr * vi;
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      const float vi = mu * v[i] - decay * lr * w[i] - lr * g[i];
      v[i] = vi;
      w[i] += vi;
    }
  }
}

}  // namespace

void relu_forward(int64_t n, const float* x, float* y) {
  blocks(n, [&](int64_t i, int64_t m) { per_isa<relu_fw>(m, x + i, y + i); });
}
void relu_backward(int64_t n, const float* y, const float* dy, float* dx) {
  blocks(n, [&](int64_t i, int64_t m) { per_isa<relu_bw>(m, y + i, dy + i, dx + i); });
}
void tanh_forward(int64_t n, const float* x, float* y) {
  blocks(n, [&](int64_t i, int64_t m) { tanh_fw(m, x + i, y + i); });
}
void tanh_backward(int64_t n, const float* y, const float* dy, float* dx) {
  blocks(n, [&](int64_t i, int64_t m) { per_isa<tanh_bw>(m, y + i, dy + i, dx + i); });
}
void mask_scale(int64_t n, const float* x, const float* mask, float scale, float* y) {
  blocks(n, [&](int64_t i, int64_t m) { per_isa<mask_scale_block>(m, x + i, mask ? mask + i : nullptr, scale, y + i); });
}
void bias_rows(int64_t rows, int cols, const float* bias, bool relu, float* y) {
  const auto row = PerIsa<bias_row>::pick();
  ThreadPool::instance().parallel_for((int)rows, [&](int r, int) { row(cols, bias, relu, y + (int64_t)r * cols); });
}
void sgd_update(int64_t n, float* w, float* v, const float* g, float lr, float momentum, float decay, bool pytorch_form) {
  blocks(n, [&](int64_t i, int64_t m) { per_isa<sgd_block>(m, w + i, v + i, g + i, lr, momentum, decay, pytorch_form); });
}

}  // namespace anx
