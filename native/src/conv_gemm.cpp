#include "conv_gemm.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "conv_pack.h"
#include "gemm.h"
#include "padded_input.h"
#include "threadpool.h"

namespace anx {

namespace {

// Column chunks for the forward GEMM: whole NR strips, enough chunks to keep every thread busy.
int chunk_columns(int64_t total, int groups) {
  const Blocking bl = blocking();
  const int threads = ThreadPool::instance().threads();
  int64_t want = (total * groups + threads * 4 - 1) / (threads * 4);  // ≥ 4 chunks per thread
  want = std::max<int64_t>(bl.nr, std::min<int64_t>(want, bl.nc));
  return (int)(((want + bl.nr - 1) / bl.nr) * bl.nr);
}

}  // namespace

void conv_forward_gemm(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, CKK = Cg * g.KH * g.KW, OHW = g.OH * g.OW;
  const int64_t NT = (int64_t)g.N * OHW;
  // Output column n = (image, pixel) lands at image·O·OHW + pixel (rows: channels, stride OHW).
  int64_t* col_off = (int64_t*)thread_scratch(0, SLOT_OP_A, (size_t)NT * 2);
  for (int64_t n = 0; n < NT; n++) col_off[n] = (n / OHW) * (int64_t)g.O * OHW + n % OHW;
  const Blocking bl = blocking();
  const int T = ThreadPool::instance().threads();
  const PaddedInput pin(g);
  float* xp = thread_scratch(0, SLOT_OP_D, pin.floats(g));
  pad_input(g, x, xp);
  std::vector<RowsPacker> wsrc;
  std::vector<ConvInputPacker> xsrc;
  for (int gr = 0; gr < g.groups; gr++) {
    wsrc.emplace_back(w + (int64_t)gr * Og * CKK, CKK);
    xsrc.emplace_back(g, xp + (int64_t)gr * Cg * pin.plane, pack_im2col_fn());
  }
  // Few columns (small batches): the output channels are split instead of the
  // columns, so each thread reads only its share of the weights (column chunks
  // would each stream all of them for little work). Both operands are packed
  // inside the GEMM, block by block, so each packed block is used from the
  // packing thread's L2: packing all of them ahead (the weights once, the
  // input once for both threads) sends megabytes out to L3 and back, and
  // measures 4–6% slower on batch-1 conv2–conv5 although here each thread
  // packs the whole input. Every output is still one job's whole sum, as in
  // the column split: the same values.
  if (NT <= (int64_t)T * bl.nc && Og >= T * 2 * bl.mr) {
    const int mstrips = (Og + bl.mr - 1) / bl.mr;
    ThreadPool::instance().parallel_for(T * g.groups, [&](int job, int tid) {
      const int gr = job / T, part = job % T;
      const int m0 = mstrips * part / T * bl.mr, m1 = std::min(Og, mstrips * (part + 1) / T * bl.mr);
      if (m0 >= m1) return;
      Shifted A(wsrc[gr], m0, 0);
      Output out{y + ((int64_t)gr * Og + m0) * OHW, OHW, col_off};
      Epilogue epi;
      epi.bias = b ? b + gr * Og + m0 : nullptr;
      epi.relu = relu;
      gemm_st(m1 - m0, 0, (int)NT, CKK, A, xsrc[gr], out, epi, tid);
    });
    return;
  }
  const size_t per_group = Prepacked::floats(Og, CKK, bl.mr);
  float* store = thread_scratch(0, SLOT_OP_B, per_group * g.groups);
  std::vector<PackTask> tasks;
  for (int gr = 0; gr < g.groups; gr++) tasks.push_back({&wsrc[gr], Og, CKK, bl.mr, store + gr * per_group});
  const std::vector<Prepacked> packed = prepack(tasks);
  const int chunk = chunk_columns(NT, g.groups);
  const int chunks = (int)((NT + chunk - 1) / chunk);
  ThreadPool::instance().parallel_for(chunks * g.groups, [&](int job, int tid) {
    const int gr = job / chunks, ci = job % chunks;
    const int n0 = ci * chunk, n1 = (int)std::min<int64_t>(NT, (int64_t)n0 + chunk);
    Output out{y + (int64_t)gr * Og * OHW, OHW, col_off};
    Epilogue epi;
    epi.bias = b ? b + gr * Og : nullptr;
    epi.relu = relu;
    gemm_st(Og, n0, n1, CKK, packed[gr], xsrc[gr], out, epi, tid);
  });
}

}  // namespace anx
