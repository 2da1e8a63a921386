#include "pool.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "pool_row.h"
#include "isa_targets.h"
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
  const int first = __builtin_ctz(eq);
  best = v[first];  // the value there, not m: a ±0 tie keeps the first one's sign
  at = h0 * W + w0 + offs[first];
}

// Output column ow of the output row whose window rows are [h0, h1), by the exact rule.
inline void exact_window(const PoolGeom& g, const float* xp, int h0, int h1, int ow, float& best, int& at) {
  const int w0 = std::max(0, ow * g.s - g.p), w1 = std::min(g.W, ow * g.s - g.p + g.k);
  if (g.k == 3 && h1 - h0 == 3 && w1 - w0 == 3)
    window_max3(xp, g.W, h0, w0, best, at);
  else
    window_max(xp, g.W, h0, h1, w0, w1, best, at);
}

// 3×3 windows at stride 2 (all of AlexNet's pools) for one output row whose
// three input rows lie inside the plane: first each column's maximum and its
// first maximal row (a contiguous, vectorised pass), then each window from
// three columns. Ties resolve as in window_max: the smallest (row, column)
// holding the maximum wins. Returns false, and the caller takes the exact
// path, if the rows may hold a NaN (their sum is NaN).
ANX_ISA_BODY static bool pool_row_3s2_plain(const float* x0, int W, int owFull, float* cm, int32_t* cr, float* yrow,
                                              int32_t* arow, int h0) {
  const float* x1 = x0 + W;
  const float* x2 = x1 + W;
  float probe[16] = {};
  int w = 0;
  for (; w + 16 <= W; w += 16)
    for (int l = 0; l < 16; l++) probe[l] += x0[w + l] + x1[w + l] + x2[w + l];
  float total = 0.f;
  for (int l = 0; l < 16; l++) total += probe[l];
  for (; w < W; w++) total += x0[w] + x1[w] + x2[w];
  if (total != total) return false;
  for (w = 0; w < W; w++) {
    const float a = x0[w], b = x1[w], c = x2[w];
    const float ab = b > a ? b : a;
    const int32_t rab = b > a ? 1 : 0;
    cm[w] = c > ab ? c : ab;
    cr[w] = c > ab ? 2 : rab;
  }
  for (int ow = 0; ow < owFull; ow++) {
    const int w0 = 2 * ow;
    const float a = cm[w0], b = cm[w0 + 1], c = cm[w0 + 2];
    const float ab = b > a ? b : a;
    const float m = c > ab ? c : ab;
    const int ka = a == m ? cr[w0] * 3 : 99;
    const int kb = b == m ? cr[w0 + 1] * 3 + 1 : 99;
    const int kc = c == m ? cr[w0 + 2] * 3 + 2 : 99;
    const int key = std::min(ka, std::min(kb, kc));
    yrow[ow] = key == kb ? b : key == kc ? c : a;  // the winner's value: a ±0 tie keeps its sign
    arow[ow] = (h0 + key / 3) * W + w0 + key % 3;
  }
  return true;
}

PoolRowFn active_pool_row() {
#if defined(__x86_64__)
  if (active_isa() == Isa::Avx512) return pool_row_3s2_avx512;
#endif
  return PerIsa<pool_row_3s2_plain>::pick();
}

void pool_plane(const PoolGeom& g, const float* xp, float* yp, int32_t* ap, float* cm, int32_t* cr, PoolRowFn row) {
  const bool fast = g.k == 3 && g.s == 2 && g.p == 0;
  // Outputs whose window lies inside the plane horizontally.
  const int owFull = fast ? std::min(g.OW, (g.W - 3) / 2 + 1) : 0;
  for (int oh = 0; oh < g.OH; oh++) {
    const int h0 = std::max(0, oh * g.s - g.p), h1 = std::min(g.H, oh * g.s - g.p + g.k);
    int ow = 0;
    if (fast && h1 - h0 == 3 && row(xp + h0 * g.W, g.W, owFull, cm, cr, yp + oh * g.OW, ap + oh * g.OW, h0)) ow = owFull;
    for (; ow < g.OW; ow++) {
      float best;
      int at;
      exact_window(g, xp, h0, h1, ow, best, at);
      yp[oh * g.OW + ow] = best;
      ap[oh * g.OW + ow] = at;
    }
  }
}

PoolValuesFn active_pool_values() {
#if defined(__x86_64__)
  if (active_isa() == Isa::Avx512) return pool_values_3s2_avx512;
#endif
  return nullptr;
}

// Values only (inference, no argmax to keep): the vector kernel for the
// outputs whose windows lie inside the plane, the exact rule for the rest
// and for planes that may hold a NaN.
void pool_plane_values(const PoolGeom& g, const float* xp, float* yp, PoolValuesFn fast) {
  const bool s32 = g.k == 3 && g.s == 2 && g.p == 0 && fast;
  const int ohFull = s32 ? std::min(g.OH, (g.H - 3) / 2 + 1) : 0;
  const int owFull = s32 ? std::min(g.OW, (g.W - 3) / 2 + 1) : 0;
  const bool done = s32 && fast(xp, g.W, ohFull, owFull, yp, g.OW);
  for (int oh = 0; oh < g.OH; oh++) {
    const int h0 = std::max(0, oh * g.s - g.p), h1 = std::min(g.H, oh * g.s - g.p + g.k);
    for (int ow = done && oh < ohFull ? owFull : 0; ow < g.OW; ow++) {
      float best;
      int at;
      exact_window(g, xp, h0, h1, ow, best, at);
      yp[oh * g.OW + ow] = best;
    }
  }
}

}  // namespace

void maxpool_forward(const PoolGeom& g, const float* x, float* y, int32_t* argmax) {
  const int planes = g.N * g.C;
  if (!argmax) {
    const PoolValuesFn fast = active_pool_values();
    ThreadPool::instance().parallel_blocks(planes, [&](int64_t p0, int64_t p1, int) {
      for (int64_t pl = p0; pl < p1; pl++) pool_plane_values(g, x + pl * g.H * g.W, y + pl * g.OH * g.OW, fast);
    });
    return;
  }
  const PoolRowFn row = active_pool_row();
  ThreadPool::instance().parallel_blocks(planes, [&](int64_t p0, int64_t p1, int) {
    thread_local std::vector<float> cm;  // column maxima of one band of rows; grows once
    thread_local std::vector<int32_t> cr;
    if ((int)cm.size() < g.W + POOL_ROW_PAD) cm.resize(g.W + POOL_ROW_PAD), cr.resize(g.W + POOL_ROW_PAD);
    for (int64_t pl = p0; pl < p1; pl++)
      pool_plane(g, x + pl * g.H * g.W, y + pl * g.OH * g.OW, argmax + pl * g.OH * g.OW, cm.data(), cr.data(), row);
  });
}

void maxpool_backward(const PoolGeom& g, const float* dy, const int32_t* argmax, float* dx) {
  const int planes = g.N * g.C;
  ThreadPool::instance().parallel_blocks(planes, [&](int64_t p0, int64_t p1, int) {
    std::memset(dx + p0 * g.H * g.W, 0, sizeof(float) * (size_t)(p1 - p0) * g.H * g.W);
    for (int64_t pl = p0; pl < p1; pl++) {
      float* dp = dx + pl * g.H * g.W;
      const float* gp = dy + pl * g.OH * g.OW;
      const int32_t* ap = argmax + pl * g.OH * g.OW;
      for (int i = 0; i < g.OH * g.OW; i++) dp[ap[i]] += gp[i];
    }
  });
}

}  // namespace anx
