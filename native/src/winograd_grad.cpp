// The weight gradient of a stride-1 3×3 or 5×5 layer by Winograd F(2×2, r×r)
// (Lavin & Gray 2016, the transposed algorithm). The forward pass computes
// each 2×2 output tile as y = Aᵀ [Σ_c (G g Gᵀ) ⊙ (Bᵀ d B)] A; transposing
// that linear map gives, per kernel g = (o, c),
//
//   dg = Gᵀ [Σ_tiles (A dy Aᵀ) ⊙ (Bᵀ d B)] G,
//
// so the sum over images and pixels becomes α² GEMMs of the transformed
// output gradient (Og × tiles) by the transformed input (tiles × Cg), the
// same input transform as the forward pass. A 13×13 3×3 layer then does 16
// multiply-adds per (o, c) and 2×2 output tile instead of 36 (the implicit
// GEMM: 9 per output pixel); a 27×27 5×5 layer 36 instead of 100. The
// implicit GEMM (conv_wgrad.cpp) also gathers both operands value by value,
// which holds batch-128 weight gradients to 40–75% of the peak that
// peakGflops measures.
//
// Determinism: the tiles are cut into SPLITS fixed ranges, each summed by
// one job in fixed chunks; the ranges' sums are added in order, then
// transformed back in double. Neither cut depends on the thread count.
#include "winograd_grad.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gemm.h"
#include "isa_targets.h"
#include "threadpool.h"
#include "winograd.h"
#include "winograd_tiles.h"

namespace anx {

namespace {

constexpr int SPLITS = 4;

// M(ξ, o, q) = (A dy Aᵀ)[ξ] for the chunk's tiles q (row stride ld), dy's
// 2×2 tile zero where it hangs over the output: per output channel, blocks
// of up to 64 tiles at a time (vectorised over the tiles), Aᵀ's zeros skipped.
ANX_ISA_BODY void transform_dy(const ConvGeom& g, const float* dy, int Og, int gr, int t0, int nt, int TH, int TW,
                              int alpha, const float* AT, float* M, size_t ld) {
  constexpr int BLK = 64;
  const size_t plane = (size_t)Og * ld;
  float Y[4][BLK], R[2][6][BLK];
  for (int o = 0; o < Og; o++) {
    for (int qa = 0; qa < nt; qa += BLK) {
      const int n = std::min(BLK, nt - qa);
      load_tiles(g, gr * Og + o, t0 + qa, n, TH, TW, dy, Y);
      // R[a][j] = Σ_b dy[a][b]·Aᵀ[b][j]: the rows of dy Aᵀ.
      for (int a = 0; a < 2; a++)
        for (int j = 0; j < alpha; j++) {
          const float c0 = AT[j], c1 = AT[alpha + j];
          for (int k = 0; k < n; k++) R[a][j][k] = c0 * Y[2 * a][k] + c1 * Y[2 * a + 1][k];
        }
      // M[i][j] = Σ_a Aᵀ[a][i]·R[a][j].
      for (int i = 0; i < alpha; i++) {
        const float c0 = AT[i], c1 = AT[alpha + i];
        for (int j = 0; j < alpha; j++) {
          float* m = M + (size_t)(i * alpha + j) * plane + (size_t)o * ld + qa;
          if (c1 == 0.f)
            for (int k = 0; k < n; k++) m[k] = c0 * R[0][j][k];
          else if (c0 == 0.f)
            for (int k = 0; k < n; k++) m[k] = c1 * R[1][j][k];
          else
            for (int k = 0; k < n; k++) m[k] = c0 * R[0][j][k] + c1 * R[1][j][k];
        }
      }
    }
  }
}

// Tiles per chunk: V and M of a chunk (α²·(Cg + Og)·tiles floats) about 3 MB,
// whole vectors, so the transforms' writes are still in L2 (1–2 MB a core,
// shared L3 beyond) when the GEMMs read them. Chunks
// of 448 tiles (16 MB) cost torchvision's conv2 ~30% more, though each
// chunk's GEMMs also read and write all of dU (α²·Og·Cg floats).
int grad_chunk(int XI, int Cg, int Og) {
  const int64_t want = (int64_t)(3 * 1024 * 1024 / 4) / ((int64_t)XI * (Cg + Og));
  return (int)std::max<int64_t>(64, std::min<int64_t>(512, want / 16 * 16));
}

}  // namespace

void conv_backward_weights_winograd(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const WinogradTiles& F = *winograd_tiles_for(g);
  const int alpha = F.alpha, XI = alpha * alpha, r = F.r, KK = r * r;
  const int Cg = g.C / g.groups, Og = g.O / g.groups;
  const int TH = (g.OH + 1) / 2, TW = (g.OW + 1) / 2, T = g.N * TH * TW;
  const int chunk = std::min(T, grad_chunk(XI, Cg, Og));
  const size_t ld = (size_t)(chunk + 15) / 16 * 16;
  // V in plain rows: one strip as wide as the chunk, one channel per K block,
  // so value (ξ, c, q) sits at (ξ·Cg + c)·ld + q.
  const VLayout L{Cg, (int)ld, 1, (int)ld};
  // dU_ξ is Og × Cg or its transpose, whichever puts the dimension that wastes
  // less of the micro-kernel's wide side (NR columns) in the columns: torchvision's
  // conv2 has Cg = 64, which would fill two 48-wide strips to two thirds.
  const int nr = blocking().nr;
  const auto waste = [nr](int n) { return (double)((n + nr - 1) / nr * nr - n) / n; };
  const bool c_rows = waste(Og) < waste(Cg);
  const size_t dusize = (size_t)XI * Og * Cg;
  float* dU = thread_scratch(0, SLOT_OP_A, dusize * SPLITS * g.groups);
  ThreadPool& pool = ThreadPool::instance();
  pool.parallel_for(SPLITS * g.groups, [&](int job, int tid) {
    const int gr = job / SPLITS, sp = job % SPLITS;
    const int ta = (int)((int64_t)T * sp / SPLITS), tb = (int)((int64_t)T * (sp + 1) / SPLITS);
    float* part = dU + (size_t)job * dusize;
    float* V = thread_scratch(tid, SLOT_WINO_V, XI * L.plane());
    float* M = thread_scratch(tid, SLOT_WINO_M, (size_t)XI * Og * ld);
    float* rows = thread_scratch(tid, SLOT_COL, (size_t)3 * alpha * (2 * TW + alpha - 2));
    const float* xg = x + (int64_t)gr * Cg * g.H * g.W;
    if (ta == tb) std::fill(part, part + dusize, 0.f);
    for (int t0 = ta; t0 < tb; t0 += chunk) {
      const int nt = std::min(chunk, tb - t0);
      F.input(g, xg, t0, nt, TH, TW, L, V, rows);
      if (!winograd_dy_avx512(g, dy, Og, gr, t0, nt, TH, TW, alpha, F.AT, M, ld))
        per_isa<transform_dy>(g, dy, Og, gr, t0, nt, TH, TW, alpha, F.AT, M, ld);
      Epilogue epi;
      epi.accumulate = t0 != ta;
      for (int xi = 0; xi < XI; xi++) {
        const RowsPacker Mx(M + (size_t)xi * Og * ld, (ptrdiff_t)ld), Vx(V + (size_t)xi * L.plane(), (ptrdiff_t)ld);
        float* out = part + (size_t)xi * Og * Cg;
        if (c_rows)
          gemm_st(Cg, 0, Og, nt, Vx, Mx, Output{out, Og, nullptr}, epi, tid);
        else
          gemm_st(Og, 0, Cg, nt, Mx, Vx, Output{out, Cg, nullptr}, epi, tid);
      }
    }
  });
  // dg = Gᵀ (Σ_splits dU) G per kernel, in double, rounded once. The kernels
  // go in blocks of PB consecutive places of a dU plane, so every pass reads
  // dU's planes in order: taken kernel by kernel, each (o, c) read α² · SPLITS
  // values a cache line apart (c_rows puts o innermost), and each line
  // would be fetched again for each of its 16 kernels (~14% of paper conv3's
  // weight gradient). Same sums in the same order as kernel by kernel.
  constexpr int PB = 64;
  const size_t P = (size_t)Og * Cg;
  const int pblocks = (int)((P + PB - 1) / PB);
  pool.parallel_for(g.groups * pblocks, [&](int job, int) {
    const int gr = job / pblocks;
    const size_t p0 = (size_t)(job % pblocks) * PB;
    const int np = (int)std::min<size_t>(PB, P - p0);
    double u[36][PB], t[5][6][PB];  // α² ≤ 36, r ≤ 5, α ≤ 6
    for (int xi = 0; xi < XI; xi++) {
      const float* d = dU + (size_t)gr * SPLITS * dusize + (size_t)xi * P + p0;
      for (int k = 0; k < np; k++) {
        double s = 0;
        for (int sp = 0; sp < SPLITS; sp++) s += d[(size_t)sp * dusize + k];
        u[xi][k] = s;
      }
    }
    // t = Gᵀ u (r × α), then dg = t G (r × r).
    for (int a = 0; a < r; a++)
      for (int j = 0; j < alpha; j++)
        for (int k = 0; k < np; k++) {
          double s = 0;
          for (int i = 0; i < alpha; i++) s += F.G[i * r + a] * u[i * alpha + j][k];
          t[a][j][k] = s;
        }
    for (int k = 0; k < np; k++) {
      const size_t p = p0 + k;
      const int o = (int)(c_rows ? p % Og : p / Cg), c = (int)(c_rows ? p / Og : p % Cg);
      float* kd = dw + ((size_t)(gr * Og + o) * Cg + c) * KK;
      for (int a = 0; a < r; a++)
        for (int b = 0; b < r; b++) {
          double s = 0;
          for (int j = 0; j < alpha; j++) s += t[a][j][k] * F.G[j * r + b];
          kd[a * r + b] = (float)s;
        }
    }
  });
}

}  // namespace anx
