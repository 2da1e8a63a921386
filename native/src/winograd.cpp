#include "winograd.h"

#include <algorithm>
#include <cstdint>

#include "gemm.h"
#include "simd.h"
#include "threadpool.h"

namespace anx {

namespace {

constexpr int TILES = 1024;  // tiles per chunk: V and M of a chunk stay near the caches, not the whole batch

// U[ξ][o][c] = (G g Gᵀ)[ξ] for each 3×3 kernel g of the group;
// G = [[1,0,0], [½,½,½], [½,−½,½], [0,0,1]].
void transform_weights(const float* w, int Og, int Cg, float* U) {
  const size_t plane = (size_t)Og * Cg;
  ThreadPool::instance().parallel_for(Og, [&](int o, int) {
    for (int c = 0; c < Cg; c++) {
      const float* k = w + ((size_t)o * Cg + c) * 9;
      float t[4][3];
      for (int j = 0; j < 3; j++) {
        t[0][j] = k[j];
        t[1][j] = 0.5f * (k[j] + k[3 + j] + k[6 + j]);
        t[2][j] = 0.5f * (k[j] - k[3 + j] + k[6 + j]);
        t[3][j] = k[6 + j];
      }
      for (int i = 0; i < 4; i++) {
        const float u[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
        for (int j = 0; j < 4; j++) U[(i * 4 + j) * plane + (size_t)o * Cg + c] = u[j];
      }
    }
  });
}

// V[ξ][c][t] = (Bᵀ d B)[ξ] for the 4×4 input tile d of tile t (zeros outside the image);
// Bᵀ = [[1,0,−1,0], [0,1,1,0], [0,−1,1,0], [0,1,0,−1]]. Tiles are numbered
// (image, th, tw); the chunk holds tiles [t0, t0 + nt). Per tile row, Bᵀ is
// applied to whole zero-padded rows at once (contiguous), then B per tile.
ANX_CLONES void transform_input(const ConvGeom& g, const float* x, int Cg, int c0, int c1, int t0, int nt, int TH, int TW,
                                float* V, float* rows /* 4 × (2·TW + 2) */) {
  const size_t plane = (size_t)Cg * nt;
  const int RW = 2 * TW + 2;
  float* r0 = rows;
  float* r1 = r0 + RW;
  float* r2 = r1 + RW;
  float* r3 = r2 + RW;
  for (int c = c0; c < c1; c++) {
    float* vc = V + (size_t)c * nt;
    // Walk the chunk's tiles tile row by tile row.
    for (int t = t0; t < t0 + nt;) {
      const int img = t / (TH * TW), th = (t / TW) % TH, tw0 = t % TW;
      const int tw1 = std::min(TW, tw0 + (t0 + nt - t));
      const float* xc = x + ((int64_t)img * g.C + c) * g.H * g.W;
      float* in[4] = {r0, r1, r2, r3};
      // The four input rows under this tile row, zero-padded to RW columns.
      for (int i = 0; i < 4; i++) {
        const int ih = 2 * th - g.pt + i;
        float* row = in[i];
        if (ih < 0 || ih >= g.H) {
          for (int w = 0; w < RW; w++) row[w] = 0.f;
          continue;
        }
        const float* src = xc + ih * g.W;
        for (int w = 0; w < RW; w++) {
          const int iw = w - g.pl;
          row[w] = (iw >= 0 && iw < g.W) ? src[iw] : 0.f;
        }
      }
      // Bᵀ over the rows, for every column at once: s_i = (Bᵀ rows)_i.
      for (int w = 0; w < RW; w++) {
        const float a = r0[w], b = r1[w], cc = r2[w], e = r3[w];
        r0[w] = a - cc;
        r3[w] = b - e;
        r1[w] = b + cc;
        r2[w] = cc - b;
      }
      const int q0 = t - t0;
      for (int i = 0; i < 4; i++) {
        const float* r = in[i];
        float* v0 = vc + (size_t)(i * 4 + 0) * plane + q0 - tw0;
        float* v1 = vc + (size_t)(i * 4 + 1) * plane + q0 - tw0;
        float* v2 = vc + (size_t)(i * 4 + 2) * plane + q0 - tw0;
        float* v3 = vc + (size_t)(i * 4 + 3) * plane + q0 - tw0;
        for (int tw = tw0; tw < tw1; tw++) {
          const float* e = r + 2 * tw;
          v0[tw] = e[0] - e[2];
          v1[tw] = e[1] + e[2];
          v2[tw] = e[2] - e[1];
          v3[tw] = e[1] - e[3];
        }
      }
      t += tw1 - tw0;
    }
  }
}

// y = Aᵀ m A (+ bias, ReLU) for each tile, cropped to the output;
// Aᵀ = [[1,1,1,0], [0,1,−1,−1]]. Tile row by tile row, as above.
ANX_CLONES void transform_output(const ConvGeom& g, const float* M, int Og, int o0, int o1, int gr, int t0, int nt, int TH, int TW,
                                 const float* b, bool relu, float* y) {
  const size_t plane = (size_t)Og * nt;
  for (int o = o0; o < o1; o++) {
    const int oc = gr * Og + o;
    const float bias = b ? b[oc] : 0.f;
    const float* mo = M + (size_t)o * nt;
    for (int t = t0; t < t0 + nt;) {
      const int img = t / (TH * TW), th = (t / TW) % TH, tw0 = t % TW;
      const int tw1 = std::min(TW, tw0 + (t0 + nt - t));
      const int q0 = t - t0 - tw0;
      float* yo = y + ((int64_t)img * g.O + oc) * g.OH * g.OW;
      float* y0 = yo + (2 * th) * g.OW;
      float* y1 = 2 * th + 1 < g.OH ? y0 + g.OW : nullptr;  // the last tile row may hang over
      const float* m = mo + q0;
      for (int tw = tw0; tw < tw1; tw++) {
        // Aᵀ m: two rows from the sixteen planes, each read once.
        float r0[4], r1[4];
        for (int j = 0; j < 4; j++) {
          const float m0 = m[(0 + j) * plane + tw], m1 = m[(4 + j) * plane + tw];
          const float m2 = m[(8 + j) * plane + tw], m3 = m[(12 + j) * plane + tw];
          r0[j] = m0 + m1 + m2;
          r1[j] = m1 - m2 - m3;
        }
        const int ow = 2 * tw;
        const bool two = ow + 1 < g.OW;
        float v = r0[0] + r0[1] + r0[2] + bias;
        y0[ow] = (relu && !(v > 0.f)) ? 0.f : v;
        v = r0[1] - r0[2] - r0[3] + bias;
        if (two) y0[ow + 1] = (relu && !(v > 0.f)) ? 0.f : v;
        if (y1) {
          v = r1[0] + r1[1] + r1[2] + bias;
          y1[ow] = (relu && !(v > 0.f)) ? 0.f : v;
          v = r1[1] - r1[2] - r1[3] + bias;
          if (two) y1[ow + 1] = (relu && !(v > 0.f)) ? 0.f : v;
        }
      }
      t += tw1 - tw0;
    }
  }
}

}  // namespace

// Small batches (fewer than ~512 tiles: 11 images at 13×13) lose more to the
// transforms and sixteen small GEMMs than the multiplications save (measured: batch 1).
static int64_t g_min_tiles = 512;

int64_t set_winograd_min_tiles(int64_t tiles) {
  const int64_t old = g_min_tiles;
  g_min_tiles = tiles;
  return old;
}

bool winograd_applies(const ConvGeom& g) {
  const int64_t tiles = (int64_t)g.N * ((g.OH + 1) / 2) * ((g.OW + 1) / 2);
  return g.KH == 3 && g.KW == 3 && g.sh == 1 && g.sw == 1 && g.C / g.groups >= 16 && g.O / g.groups >= 16 &&
         tiles >= g_min_tiles;
}

void conv_forward_winograd(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups;
  const int TH = (g.OH + 1) / 2, TW = (g.OW + 1) / 2, T = g.N * TH * TW;
  const int chunk = std::min(T, TILES);
  float* U = thread_scratch(0, SLOT_WINO_U, (size_t)16 * Og * Cg);
  float* V = thread_scratch(0, SLOT_WINO_V, (size_t)16 * Cg * chunk);
  float* M = thread_scratch(0, SLOT_WINO_M, (size_t)16 * Og * chunk);
  ThreadPool& pool = ThreadPool::instance();
  for (int gr = 0; gr < g.groups; gr++) {
    transform_weights(w + (size_t)gr * Og * Cg * 9, Og, Cg, U);
    for (int t0 = 0; t0 < T; t0 += chunk) {
      const int nt = std::min(chunk, T - t0);
      const int cblocks = std::min(Cg, 4 * pool.threads());
      pool.parallel_for(cblocks, [&](int i, int tid) {
        const int c0 = Cg * i / cblocks, c1 = Cg * (i + 1) / cblocks;
        float* rows = thread_scratch(tid, SLOT_COL, (size_t)4 * (2 * TW + 2));
        transform_input(g, x + (int64_t)gr * Cg * g.H * g.W, Cg, c0, c1, t0, nt, TH, TW, V, rows);
      });
      for (int xi = 0; xi < 16; xi++)
        gemm(Og, nt, Cg, RowsPacker(U + (size_t)xi * Og * Cg, Cg), ColsPacker(V + (size_t)xi * Cg * nt, nt),
             Output{M + (size_t)xi * Og * nt, nt, nullptr}, Epilogue{});
      const int oblocks = std::min(Og, 4 * pool.threads());
      pool.parallel_for(oblocks, [&](int i, int) {
        transform_output(g, M, Og, Og * i / oblocks, Og * (i + 1) / oblocks, gr, t0, nt, TH, TW, b, relu, y);
      });
    }
  }
}

}  // namespace anx
