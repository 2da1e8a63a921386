#include "winograd.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gemm.h"
#include "isa_targets.h"
#include "threadpool.h"
#include "winograd_tiles.h"

namespace anx {

namespace {

const double G3[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
const float AT3[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

void transform_weights(const float* w, int Og, int Cg, float* U) { weights_by_G(G3, w, Og, Cg, U); }

// V(ξ, c, t) = (Bᵀ d B)[ξ] for the 4×4 input tile d of tile t (zeros outside the image);
// Bᵀ = [[1,0,−1,0], [0,1,1,0], [0,−1,1,0], [0,1,0,−1]]. Tiles are numbered
// (image, th, tw); the chunk holds tiles [t0, t0 + nt). Per tile row, Bᵀ is
// applied to whole zero-padded rows at once (contiguous), then B per tile.
ANX_ISA_BODY void input_loops(const ConvGeom& g, const float* x, int t0, int nt, int TH, int TW, const VLayout& L,
                             float* V, float* rows /* 4 × (2·TW + 2) */) {
  const size_t plane = L.plane();
  winograd_input_walk<4>(
      g, x, t0, nt, TH, TW, L, V, rows,
      [](float* r, int RW) {
        // Bᵀ over the rows, for every column at once: s_i = (Bᵀ rows)_i.
        float *r0 = r, *r1 = r + RW, *r2 = r + 2 * RW, *r3 = r + 3 * RW;
        for (int w = 0; w < RW; w++) {
          const float a = r0[w], b = r1[w], cc = r2[w], e = r3[w];
          r0[w] = a - cc;
          r3[w] = b - e;
          r1[w] = b + cc;
          r2[w] = cc - b;
        }
      },
      [&](float* vq, int ta, int tb) {
        // Then B per tile.
        const int RW = 2 * TW + 2;
        for (int i = 0; i < 4; i++) {
          const float* r = rows + i * RW;
          float* v0 = vq + (size_t)(i * 4 + 0) * plane;
          float* v1 = vq + (size_t)(i * 4 + 1) * plane;
          float* v2 = vq + (size_t)(i * 4 + 2) * plane;
          float* v3 = vq + (size_t)(i * 4 + 3) * plane;
          for (int tw = ta; tw < tb; tw++) {
            const float* e = r + 2 * tw;
            v0[tw] = e[0] - e[2];
            v1[tw] = e[1] + e[2];
            v2[tw] = e[2] - e[1];
            v3[tw] = e[1] - e[3];
          }
        }
      });
}

// y = Aᵀ m A (+ bias, ReLU) for each tile, cropped to the output;
// Aᵀ = [[1,1,1,0], [0,1,−1,−1]]. As in winograd5.cpp: the chunk's tiles are
// contiguous in every plane, so the arithmetic runs over blocks of up to 64
// of them (it vectorises), and only the stores walk (image, th, tw). A
// per-tile scalar loop with ReLU as a branch takes 44 of a batch-128 conv3's
// 91 ms on random weights (10 ms on all-positive data).
ANX_ISA_BODY void output_loops(const ConvGeom& g, const float* M, int Og, int gr, int t0, int nt, int TH, int TW,
                              const float* b, bool relu, float* y) {
  const size_t plane = (size_t)Og * nt;
  constexpr int BLK = 64;
  float R[2][4][BLK], Y[4][BLK];
  for (int o = 0; o < Og; o++) {
    const int oc = gr * Og + o;
    const float bias = b ? b[oc] : 0.f;
    const float* mo = M + (size_t)o * nt;
    for (int qa = 0; qa < nt; qa += BLK) {
      const int n = std::min(BLK, nt - qa);
      // Aᵀ m: two rows of four per tile, from the sixteen planes.
      for (int j = 0; j < 4; j++) {
        const float* p0 = mo + (size_t)(0 + j) * plane + qa;
        const float* p1 = mo + (size_t)(4 + j) * plane + qa;
        const float* p2 = mo + (size_t)(8 + j) * plane + qa;
        const float* p3 = mo + (size_t)(12 + j) * plane + qa;
        for (int k = 0; k < n; k++) {
          R[0][j][k] = p0[k] + p1[k] + p2[k];
          R[1][j][k] = p1[k] - p2[k] - p3[k];
        }
      }
      for (int h = 0; h < 2; h++)
        for (int k = 0; k < n; k++) {
          Y[2 * h][k] = relu_if(relu, R[h][0][k] + R[h][1][k] + R[h][2][k] + bias);
          Y[2 * h + 1][k] = relu_if(relu, R[h][1][k] - R[h][2][k] - R[h][3][k] + bias);
        }
      store_tiles(g, oc, t0 + qa, n, TH, TW, Y, y);
    }
  }
}

// The transforms: the AVX-512 registers' version where it applies, else the plain loops for the active ISA.
void transform_input(const ConvGeom& g, const float* x, int t0, int nt, int TH, int TW, const VLayout& L, float* V,
                     float* rows) {
  if (!winograd_input_avx512(4, g, x, t0, nt, TH, TW, L, V)) per_isa<input_loops>(g, x, t0, nt, TH, TW, L, V, rows);
}
void transform_output(const ConvGeom& g, const float* M, int Og, int gr, int t0, int nt, int TH, int TW, const float* b,
                      bool relu, float* y) {
  if (!winograd_output_avx512(4, g, M, Og, gr, t0, nt, TH, TW, b, relu, y))
    per_isa<output_loops>(g, M, Og, gr, t0, nt, TH, TW, b, relu, y);
}

}  // namespace

const WinogradTiles& winograd_f2_r3() {
  static const WinogradTiles f{4, 3, &G3[0][0], &AT3[0][0], transform_weights, transform_input, transform_output};
  return f;
}

// Small batches (fewer than ~512 tiles: 11 images at 13×13) lose more to the
// transforms and the small GEMMs than the multiplications save (measured: batch 1).
static int64_t g_min_tiles = 512;

int64_t set_winograd_min_tiles(int64_t tiles) {
  const int64_t old = g_min_tiles;
  g_min_tiles = tiles;
  return old;
}

const WinogradTiles* winograd_tiles_for(const ConvGeom& g) {
  if (g.KH != g.KW || g.sh != 1 || g.sw != 1) return nullptr;
  return g.KH == 3 ? &winograd_f2_r3() : g.KH == 5 ? &winograd_f2_r5() : nullptr;
}

bool winograd_applies(const ConvGeom& g) {
  const int64_t tiles = (int64_t)g.N * ((g.OH + 1) / 2) * ((g.OW + 1) / 2);
  return winograd_tiles_for(g) && g.C / g.groups >= 16 && g.O / g.groups >= 16 && tiles >= g_min_tiles;
}

// A chunk's tiles: V and M of a chunk (α²·(Cg + Og)·tiles floats) stay in
// the core's L2 (1–2 MB) with U's panels, instead of going out to L3 and
// back. Aimed at 0.75 MB, every AlexNet layer gets one strip of NR = 48
// tiles (V + M 1.2 MB for conv2's backward-data): with the AVX-512
// transforms, chunks sized for 2.5 MB (3 strips there) run paper conv2's
// forward ~15% and its backward-data ~10-20% slower (interleaved runs,
// batch 128), the transforms' stores missing L2.
static int chunk_tiles(int planes, int Cg, int Og, int nr) {
  const int64_t want = (int64_t)(0.75 * 1024 * 1024 / 4) / (planes * (int64_t)(Cg + Og));
  return (int)std::max<int64_t>(nr, std::min<int64_t>(10 * nr, (want + nr - 1) / nr * nr));
}

void conv_forward_winograd(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
  const WinogradTiles& F = *winograd_tiles_for(g);
  const int XI = F.alpha * F.alpha, KK = g.KH * g.KW;
  const int Cg = g.C / g.groups, Og = g.O / g.groups;
  const int TH = (g.OH + 1) / 2, TW = (g.OW + 1) / 2, T = g.N * TH * TW;
  const Blocking bl = blocking();
  const int chunk = std::min(T, chunk_tiles(XI, Cg, Og, bl.nr));
  const int chunks = (T + chunk - 1) / chunk;
  const int npad = Prepacked::padded(chunk, bl.nr);
  const VLayout L{Cg, npad, bl.kc, bl.nr};
  const size_t per_xi = Prepacked::floats(Og, Cg, bl.mr);
  float* U = thread_scratch(0, SLOT_WINO_U, (size_t)XI * Og * Cg);
  float* Up = thread_scratch(0, SLOT_WINO_UP, XI * per_xi);
  ThreadPool& pool = ThreadPool::instance();
  for (int gr = 0; gr < g.groups; gr++) {
    // U per ξ, packed once for every chunk's GEMMs.
    F.weights(w + (size_t)gr * Og * Cg * KK, Og, Cg, U);
    std::vector<RowsPacker> usrc;
    std::vector<PackTask> tasks;
    for (int xi = 0; xi < XI; xi++) usrc.emplace_back(U + (size_t)xi * Og * Cg, Cg);
    for (int xi = 0; xi < XI; xi++) tasks.push_back({&usrc[xi], Og, Cg, bl.mr, Up + xi * per_xi});
    const std::vector<Prepacked> Uxi = prepack(tasks);
    // Each chunk is one job, start to end on one thread: transform its tiles,
    // α² GEMMs, transform back. Every tile's arithmetic is the same whichever
    // thread runs it, so results do not depend on the thread count.
    const float* xg = x + (int64_t)gr * Cg * g.H * g.W;
    pool.parallel_for(chunks, [&](int ci, int tid) {
      const int t0 = ci * chunk, nt = std::min(chunk, T - t0);
      float* V = thread_scratch(tid, SLOT_WINO_V, XI * L.plane());
      float* M = thread_scratch(tid, SLOT_WINO_M, (size_t)XI * Og * nt);
      float* rows = thread_scratch(tid, SLOT_COL, (size_t)3 * F.alpha * (2 * TW + F.alpha - 2));
      F.input(g, xg, t0, nt, TH, TW, L, V, rows);
      for (int xi = 0; xi < XI; xi++) {
        const Prepacked Vxi = Prepacked::view(npad, V + xi * L.plane());
        gemm_st(Og, 0, nt, Cg, Uxi[xi], Vxi, Output{M + (size_t)xi * Og * nt, nt, nullptr}, Epilogue{}, tid);
      }
      F.output(g, M, Og, gr, t0, nt, TH, TW, b, relu, y);
    });
  }
}

}  // namespace anx
