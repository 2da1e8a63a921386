#include "pool.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "threadpool.h"

namespace anx {

void maxpool_forward(const PoolGeom& g, const float* x, float* y, int32_t* argmax) {
  const int planes = g.N * g.C;
  ThreadPool::instance().parallel_for(planes, [&](int pl, int) {
    const float* xp = x + (int64_t)pl * g.H * g.W;
    float* yp = y + (int64_t)pl * g.OH * g.OW;
    int32_t* ap = argmax + (int64_t)pl * g.OH * g.OW;
    for (int oh = 0; oh < g.OH; oh++) {
      const int h0 = std::max(0, oh * g.s - g.p), h1 = std::min(g.H, oh * g.s - g.p + g.k);
      for (int ow = 0; ow < g.OW; ow++) {
        const int w0 = std::max(0, ow * g.s - g.p), w1 = std::min(g.W, ow * g.s - g.p + g.k);
        float best = -INFINITY;
        int at = h0 * g.W + w0;
        for (int h = h0; h < h1; h++)
          for (int w = w0; w < w1; w++) {
            const float v = xp[h * g.W + w];
            if (v > best || std::isnan(v)) {  // strict: the first maximum wins; NaN propagates
              best = v;
              at = h * g.W + w;
            }
          }
        yp[oh * g.OW + ow] = best;
        ap[oh * g.OW + ow] = at;
      }
    }
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
