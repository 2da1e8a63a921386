#include "pool.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "simd.h"
#include "threadpool.h"

namespace anx {

namespace {

// Window maximum over rows [h0, h1) × columns [w0, w1) of one plane; the
// first maximum in row-major order wins (strictly greater replaces), NaN
// propagates. Branch-free selects so the compiler can keep it in registers.
inline void window_max(const float* xp, int W, int h0, int h1, int w0, int w1, float& best, int& at) {
  best = -INFINITY;
  at = h0 * W + w0;
  for (int h = h0; h < h1; h++)
    for (int w = w0; w < w1; w++) {
      const float v = xp[h * W + w];
      const bool take = v > best || v != v;
      best = take ? v : best;
      at = take ? h * W + w : at;
    }
}

// The same rule for a whole 3×3 window inside the plane (AlexNet's pools),
// without data-dependent branches: random data makes `v > best` a coin flip
// for the branch predictor. The maximum comes from max instructions, the
// winner from a bit mask of equal values (first set bit = first maximum).
inline void window_max3(const float* xp, int W, int h0, int w0, float& best, int& at) {
  const float* r = xp + h0 * W + w0;
  const int offs[9] = {0, 1, 2, W, W + 1, W + 2, 2 * W, 2 * W + 1, 2 * W + 2};
  float v[9];
  unsigned nan = 0;
  for (int i = 0; i < 9; i++) {
    v[i] = r[offs[i]];
    nan |= (unsigned)(v[i] != v[i]) << i;
  }
  if (__builtin_expect(nan != 0, 0)) {  // each NaN replaces the best so far: the last one wins
    const int i = 31 - __builtin_clz(nan);
    best = v[i];
    at = h0 * W + w0 + offs[i];
    return;
  }
  float m = v[0];
  for (int i = 1; i < 9; i++) m = v[i] > m ? v[i] : m;
  unsigned eq = 0;
  for (int i = 0; i < 9; i++) eq |= (unsigned)(v[i] == m) << i;
  best = m;
  at = h0 * W + w0 + offs[__builtin_ctz(eq)];
}

void pool_plane(const PoolGeom& g, const float* xp, float* yp, int32_t* ap) {
  for (int oh = 0; oh < g.OH; oh++) {
    const int h0 = std::max(0, oh * g.s - g.p), h1 = std::min(g.H, oh * g.s - g.p + g.k);
    for (int ow = 0; ow < g.OW; ow++) {
      const int w0 = std::max(0, ow * g.s - g.p), w1 = std::min(g.W, ow * g.s - g.p + g.k);
      float best;
      int at;
      if (g.k == 3 && h1 - h0 == 3 && w1 - w0 == 3)
        window_max3(xp, g.W, h0, w0, best, at);
      else
        window_max(xp, g.W, h0, h1, w0, w1, best, at);
      yp[oh * g.OW + ow] = best;
      ap[oh * g.OW + ow] = at;
    }
  }
}

}  // namespace

void maxpool_forward(const PoolGeom& g, const float* x, float* y, int32_t* argmax) {
  const int planes = g.N * g.C;
  ThreadPool::instance().parallel_for(planes, [&](int pl, int) {
    pool_plane(g, x + (int64_t)pl * g.H * g.W, y + (int64_t)pl * g.OH * g.OW, argmax + (int64_t)pl * g.OH * g.OW);
  });
}

void maxpool_backward(const PoolGeom& g, const float* dy, const int32_t* argmax, float* dx) {
  const int planes = g.N * g.C;
  ThreadPool::instance().parallel_for(planes, [&](int pl, int) {
    float* dp = dx + (int64_t)pl * g.H * g.W;
    std::memset(dp, 0, sizeof(float) * g.H * g.W);
    const float* gp = dy + (int64_t)pl * g.OH * g.OW;
    const int32_t* ap = argmax + (int64_t)pl * g.OH * g.OW;
    for (int i = 0; i < g.OH * g.OW; i++) dp[ap[i]] += gp[i];
  });
}

}  // namespace anx
