#include "conv_wgrad.h"

#include <algorithm>
#include <cstdint>

#include "conv_pack.h"
#include "gemm.h"
#include "isa_targets.h"
#include "threadpool.h"

namespace anx {

namespace {

// Σ p[0..n) with 16 independent partial sums (vectorises without reassociation; fixed order).
ANX_ISA_BODY float sum_plane(const float* p, int n) {
  float acc[16] = {};
  int i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; l++) acc[l] += p[i + l];
  float s = 0.f;
  for (int l = 0; l < 16; l++) s += acc[l];
  for (; i < n; i++) s += p[i];
  return s;
}

}  // namespace

// dW as one implicit GEMM per group: dW_g[o, (c, kh, kw)] = Σ_k dy(o, k) ·
// im2col(x)ᵀ(k, (c, kh, kw)), k = (image, oh, ow). The sum over k is cut into
// a fixed number of chunks, each packing only its share of dy and of the
// input (splitting dW's columns instead would make every job pack all of dy). The
// partial sums are added in a fixed order, so the result does not depend on
// the thread count.
void conv_backward_weights_gemm(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, CKK = Cg * g.KH * g.KW, OHW = g.OH * g.OW;
  constexpr int KCHUNKS = 4;
  const int64_t K = (int64_t)g.N * OHW;
  const size_t wsize = (size_t)g.O * CKK;
  float* partial = thread_scratch(0, SLOT_OP_A, wsize * (KCHUNKS - 1));
  ThreadPool::instance().parallel_for(KCHUNKS * g.groups, [&](int job, int tid) {
    const int gr = job / KCHUNKS, kch = job % KCHUNKS;
    const int64_t k0 = K * kch / KCHUNKS, k1 = K * (kch + 1) / KCHUNKS;
    DyPacker Ad(dy + (int64_t)gr * Og * OHW, g.O, OHW);
    ConvInputPacker Bx(g, x + (int64_t)gr * Cg * g.H * g.W, pack_im2col_t_fn());
    Shifted A(Ad, 0, (int)k0), B(Bx, 0, (int)k0);
    float* out = (kch == 0 ? dw : partial + (kch - 1) * wsize) + (int64_t)gr * Og * CKK;
    gemm_st(Og, 0, CKK, (int)(k1 - k0), A, B, Output{out, CKK, nullptr}, Epilogue{}, tid);
  });
  const int64_t blocks = (int64_t)((wsize + 4095) / 4096);
  ThreadPool::instance().parallel_for((int)blocks, [&](int bi, int) {
    const size_t i0 = (size_t)bi * 4096, i1 = std::min(wsize, i0 + 4096);
    for (int c = 0; c < KCHUNKS - 1; c++) {
      const float* p = partial + c * wsize;
      for (size_t i = i0; i < i1; i++) dw[i] += p[i];
    }
  });
}

void conv_backward_bias(const ConvGeom& g, const float* dy, float* db) {
  const int OHW = g.OH * g.OW;
  ThreadPool::instance().parallel_for(g.O, [&](int o, int) {
    double acc = 0;
    for (int img = 0; img < g.N; img++) acc += per_isa<sum_plane>(dy + ((int64_t)img * g.O + o) * OHW, OHW);
    db[o] = (float)acc;
  });
}

}  // namespace anx
