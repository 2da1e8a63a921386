#include "lrn.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "gemm.h"
#include "isa_targets.h"
#include "threadpool.h"

namespace anx {

namespace {

// Pixels per job: long enough runs per channel for the prefetchers and TLB
// (channels are H·W apart), short enough that a window of chunks stays in L1.
constexpr int PIX = 512;

// s^−β; β = 0.75 (the paper's) as 1/(√s·√√s), exact square roots instead of pow.
inline float pow_neg_beta(float s, float beta, bool three_quarters) {
  if (three_quarters) {
    const float r = std::sqrt(s);
    return 1.f / (r * std::sqrt(r));
  }
  return std::pow(s, -beta);
}

ANX_ISA_BODY void forward_chunk(const LrnGeom& g, const float* x, float* y, float* scale, int p0, int np) {
  const int Cg = g.C / g.groups, before = g.size / 2, after = (g.size - 1) / 2;
  const bool tq = g.beta == 0.75f;
  float sq[PIX];
  for (int gr = 0; gr < g.groups; gr++) {
    const int first = gr * Cg;
    for (int c = first; c < first + Cg; c++) {
      const int lo = std::max(first, c - before), hi = std::min(first + Cg - 1, c + after);
      for (int p = 0; p < np; p++) sq[p] = 0.f;
      for (int j = lo; j <= hi; j++) {
        const float* xj = x + (int64_t)j * g.HW + p0;
        for (int p = 0; p < np; p++) sq[p] += xj[p] * xj[p];
      }
      const float* xc = x + (int64_t)c * g.HW + p0;
      float* yc = y + (int64_t)c * g.HW + p0;
      float* sc = scale + (int64_t)c * g.HW + p0;
      for (int p = 0; p < np; p++) {
        const float s = g.k + g.alpha_eff * sq[p];
        sc[p] = s;
        yc[p] = xc[p] * pow_neg_beta(s, g.beta, tq);
      }
    }
  }
}

ANX_ISA_BODY void backward_chunk(const LrnGeom& g, const float* x, const float* y, const float* scale, const float* dy,
                                 float* dx, float* t, int p0, int np) {
  const int Cg = g.C / g.groups;
  // m ∈ window(i) ⇔ i ∈ [m − ⌊(n−1)/2⌋, m + ⌊n/2⌋]
  const int before = (g.size - 1) / 2, after = g.size / 2;
  const bool tq = g.beta == 0.75f;
  const float f = 2.f * g.alpha_eff * g.beta;
  // t_i = dy_i · y_i / scale_i for this chunk of pixels, every channel.
  for (int c = 0; c < g.C; c++) {
    const int64_t o = (int64_t)c * g.HW + p0;
    float* tc = t + (int64_t)c * PIX;
    for (int p = 0; p < np; p++) tc[p] = dy[o + p] * y[o + p] / scale[o + p];
  }
  float acc[PIX];
  for (int gr = 0; gr < g.groups; gr++) {
    const int first = gr * Cg;
    for (int m = first; m < first + Cg; m++) {
      const int lo = std::max(first, m - before), hi = std::min(first + Cg - 1, m + after);
      for (int p = 0; p < np; p++) acc[p] = 0.f;
      for (int i = lo; i <= hi; i++) {
        const float* ti = t + (int64_t)i * PIX;
        for (int p = 0; p < np; p++) acc[p] += ti[p];
      }
      const int64_t o = (int64_t)m * g.HW + p0;
      for (int p = 0; p < np; p++)
        dx[o + p] = dy[o + p] * pow_neg_beta(scale[o + p], g.beta, tq) - f * x[o + p] * acc[p];
    }
  }
}

}  // namespace

void lrn_forward(const LrnGeom& g, const float* x, float* y, float* scale) {
  const int chunks = (g.HW + PIX - 1) / PIX;
  const int64_t img = (int64_t)g.C * g.HW;
  ThreadPool::instance().parallel_for(g.N * chunks, [&](int job, int) {
    const int n = job / chunks, p0 = (job % chunks) * PIX;
    per_isa<forward_chunk>(g, x + n * img, y + n * img, scale + n * img, p0, std::min(PIX, g.HW - p0));
  });
}

void lrn_backward(const LrnGeom& g, const float* x, const float* y, const float* scale, const float* dy, float* dx) {
  const int chunks = (g.HW + PIX - 1) / PIX;
  const int64_t img = (int64_t)g.C * g.HW;
  ThreadPool::instance().parallel_for(g.N * chunks, [&](int job, int tid) {
    const int n = job / chunks, p0 = (job % chunks) * PIX;
    float* t = thread_scratch(tid, SLOT_LRN, (size_t)g.C * PIX);
    per_isa<backward_chunk>(g, x + n * img, y + n * img, scale + n * img, dy + n * img, dx + n * img, t, p0,
                   std::min(PIX, g.HW - p0));
  });
}

}  // namespace anx
