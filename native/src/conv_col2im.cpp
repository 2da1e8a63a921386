#include "conv_col2im.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "isa_targets.h"
#include "threadpool.h"

namespace anx {

namespace {

// The steps t of a run of `len` output columns whose input column iw + t·stride
// lies inside [0, W): [t0, t1), possibly empty. Steps to the edges for
// strides above 1 (a division per run cost more than the few steps).
inline void inside_run(int iw, int stride, int W, int len, int& t0, int& t1) {
  if (stride == 1) {
    t0 = std::min(len, std::max(0, -iw));
    t1 = std::max(t0, std::min(len, W - iw));
    return;
  }
  t0 = 0;
  while (t0 < len && iw + t0 * stride < 0) t0++;
  t1 = len;
  while (t1 > t0 && iw + (t1 - 1) * stride >= W) t1--;
}

}  // namespace

// dx[c, ih, iw] += dcol[r, q] for the chunk's pixels q (r = (c, kh, kw) of
// group gr), by runs of one output row: contiguous adds for stride 1.
ANX_ISA_BODY static void col2im_chunk(const ConvGeom& g, int gr, int p0, int np, const float* dcol, int P, float* dxi) {
  const int Cg = g.C / g.groups, CKK = Cg * g.KH * g.KW;
  thread_local std::vector<int> seg;  // (q, oh, ow0, len) per run; grows once
  seg.clear();
  for (int q = 0; q < np;) {
    const int p = p0 + q, oh = p / g.OW, ow = p % g.OW, len = std::min(np - q, g.OW - ow);
    seg.insert(seg.end(), {q, oh, ow, len});
    q += len;
  }
  int c = gr * Cg, kh = 0, kw = 0;
  for (int r = 0; r < CKK; r++) {
    float* plane = dxi + (int64_t)c * g.H * g.W;
    const float* src = dcol + (size_t)r * P;
    for (size_t i = 0; i < seg.size(); i += 4) {
      const int q = seg[i], ih = seg[i + 1] * g.sh - g.pt + kh, len = seg[i + 3];
      if (ih < 0 || ih >= g.H) continue;
      const int iw = seg[i + 2] * g.sw - g.pl + kw;
      int t0, t1;
      inside_run(iw, g.sw, g.W, len, t0, t1);
      float* d = plane + ih * g.W + iw;
      const float* sq = src + q;
      if (g.sw == 1)
        for (int t = t0; t < t1; t++) d[t] += sq[t];
      else
        for (int t = t0; t < t1; t++) d[t * g.sw] += sq[t];
    }
    if (++kw == g.KW) {
      kw = 0;
      if (++kh == g.KH) kh = 0, c++;
    }
  }
}

// dx by col2im: per image and chunk of output pixels, dcol[CKK, P] = W_gᵀ · dy_g[:, P]
// (A = Wᵀ prepacked, B = dy: both cheap to pack, and each packed dy value
// serves CKK rows), then scatter-add into dx. The chunk keeps dcol in L2.
// Each image's dx belongs to one job: deterministic.
void conv_backward_data_col2im(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, KK = g.KH * g.KW, CKK = Cg * KK, OHW = g.OH * g.OW;
  const Blocking bl = blocking();
  const int P = std::max(bl.nr, std::min(OHW, (int)((512 * 1024 / 4) / std::max(CKK, 1)) / bl.nr * bl.nr));
  const size_t per_group = Prepacked::floats(CKK, Og, bl.mr);
  float* store = thread_scratch(0, SLOT_OP_B, per_group * g.groups);
  std::vector<ColsPacker> wsrc;
  std::vector<PackTask> tasks;
  for (int gr = 0; gr < g.groups; gr++) wsrc.emplace_back(w + (int64_t)gr * Og * CKK, CKK);
  for (int gr = 0; gr < g.groups; gr++) tasks.push_back({&wsrc[gr], CKK, Og, bl.mr, store + gr * per_group});
  const std::vector<Prepacked> wt = prepack(tasks);
  ThreadPool::instance().parallel_for(g.N, [&](int img, int tid) {
    float* dcol = thread_scratch(tid, SLOT_COL, (size_t)CKK * P);
    float* dxi = dx + (int64_t)img * g.C * g.H * g.W;
    std::memset(dxi, 0, sizeof(float) * (size_t)g.C * g.H * g.W);
    for (int gr = 0; gr < g.groups; gr++) {
      ColsPacker B(dy + ((int64_t)img * g.O + gr * Og) * OHW, OHW);
      for (int p0 = 0; p0 < OHW; p0 += P) {
        const int np = std::min(P, OHW - p0);
        // Columns [p0, p0+np) land at dcol[r·P + (n − p0)].
        gemm_st(CKK, p0, p0 + np, Og, wt[gr], B, Output{dcol - p0, P, nullptr}, Epilogue{}, tid);
        per_isa<col2im_chunk>(g, gr, p0, np, dcol, P, dxi);
      }
    }
  });
}

}  // namespace anx
