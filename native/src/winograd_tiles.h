// The pieces of a Winograd F(2×2, r×r) convolution that depend on r: the
// weight, input and output transforms (winograd.cpp drives them). F(2×2, 3×3)
// has 4×4 input tiles (16 GEMMs); F(2×2, 5×5) has 6×6 (36 GEMMs) and does the
// work of 100 multiply-adds per output with 9.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "conv.h"
#include "elementwise.h"
#include "threadpool.h"

namespace anx {

// Where an input transform writes: V of one chunk in the GEMM's packed-B
// layout (gemm.h's Packer), so the GEMMs read it without packing it again.
// Value (ξ, c, q) (q: the chunk's tile) sits at
//   ξ·Cg·npad + pc·npad + ⌊q/NR⌋·kcb·NR + (c − pc)·NR + q mod NR,
// pc = c's KC block start, kcb that block's length, npad = nt rounded up to NR.
struct VLayout {
  int Cg, npad, kc, nr;
  size_t plane() const { return (size_t)Cg * npad; }
  size_t channel(int c) const { const int pc = c / kc * kc; return (size_t)pc * npad + (size_t)(c - pc) * nr; }
  size_t strip_step(int c) const { const int pc = c / kc * kc; return (size_t)std::min(kc, Cg - pc) * nr; }
};

struct WinogradTiles {
  int alpha;  // input tile side: α = 2 + r − 1; α² transformed planes
  int r;      // kernel side
  const double* G;   // α × r, row-major: U = G g Gᵀ
  const float* AT;   // 2 × α, row-major: y = Aᵀ m A
  // U[ξ][o][c] = (G g Gᵀ)[ξ] for each r×r kernel of the group (runs on the pool).
  void (*weights)(const float* w, int Og, int Cg, float* U);
  // V(ξ, c, t) = (Bᵀ d B)[ξ] for the chunk's tiles [t0, t0 + nt); rows: 3α·(2·TW + α − 2) floats of scratch.
  void (*input)(const ConvGeom& g, const float* x, int t0, int nt, int TH, int TW, const VLayout& L, float* V, float* rows);
  // y = Aᵀ m A (+ bias, ReLU), cropped, for every output channel of group gr.
  void (*output)(const ConvGeom& g, const float* M, int Og, int gr, int t0, int nt, int TH, int TW,
                 const float* b, bool relu, float* y);
};

const WinogradTiles& winograd_f2_r3();
const WinogradTiles& winograd_f2_r5();
// The transforms for a stride-1 square kernel of side 3 or 5; null for any other layer.
const WinogradTiles* winograd_tiles_for(const ConvGeom& g);

// V of the chunk by AVX-512 registers (winograd_avx512.cpp): the plain
// walk's values (to the last bits, where GCC contracts the plain loops'
// products into FMAs); false where it does not apply (another ISA, α other
// than 4 or 6, or padded tile rows wider than 32 columns).
bool winograd_input_avx512(int alpha, const ConvGeom& g, const float* x, int t0, int nt, int TH, int TW,
                           const VLayout& L, float* V);
// The output transform (WinogradTiles::output) and the weight gradient's
// transform of dy (winograd_grad.cpp) the same way; false where they do not
// apply (another ISA, output rows wider than 32 columns).
bool winograd_output_avx512(int alpha, const ConvGeom& g, const float* M, int Og, int gr, int t0, int nt, int TH,
                            int TW, const float* b, bool relu, float* y);
bool winograd_dy_avx512(const ConvGeom& g, const float* dy, int Og, int gr, int t0, int nt, int TH, int TW, int alpha,
                        const float* AT, float* M, size_t ld);

// The chunk's tiles [t0, t0 + nt) as tile rows: fn(img, th, tw0, tw1, q0)
// for tiles tw0 ≤ tw < tw1 of row th of image img, q0 = tile tw0's index in
// the chunk (the AVX-512 transforms' walk; winograd_input_walk spells the
// same loop out, see there).
template <typename Fn>
__attribute__((always_inline)) inline void tile_rows(int t0, int nt, int TH, int TW, Fn&& fn) {
  for (int t = t0; t < t0 + nt;) {
    const int img = t / (TH * TW), th = (t / TW) % TH, tw0 = t % TW;
    const int tw1 = std::min(TW, tw0 + (t0 + nt - t));
    fn(img, th, tw0, tw1, t - t0);
    t += tw1 - tw0;
  }
}

// A tile row's tiles [tw0, tw1) (q0: tile tw0's chunk index) cut into runs
// [ta, tb) that stay inside one strip of the layout: fn(ta, tb, off), where
// tile tw of the run sits at the channel's place in V (L.channel) + off + tw.
// `step` is the channel's L.strip_step.
template <typename Fn>
__attribute__((always_inline)) inline void strip_runs(const VLayout& L, size_t step, int q0, int tw0, int tw1, Fn&& fn) {
  for (int ta = tw0; ta < tw1;) {
    const int q = q0 + (ta - tw0), lane = q % L.nr;
    const int tb = std::min(tw1, ta + (L.nr - lane));
    fn(ta, tb, (ptrdiff_t)((size_t)(q / L.nr) * step) + lane - ta);
    ta = tb;
  }
}

// Zeros the lanes past the chunk's last tile in each of the `planes` planes
// of one channel (vc: its place in V), so padded GEMM columns hold finite values.
inline void zero_past_chunk(const VLayout& L, float* vc, size_t step, int nt, int planes) {
  if (nt % L.nr == 0) return;
  for (int xi = 0; xi < planes; xi++) {
    float* v = vc + xi * L.plane() + (size_t)(nt / L.nr) * step;
    for (int lane = nt % L.nr; lane < L.nr; lane++) v[lane] = 0.f;
  }
}

// The input transforms' common walk: per channel and tile row of the chunk,
// the α input rows under it, zero-padded to RW = 2·TW + α − 2 columns, go to
// `rows`; rows_fn(rows, RW) applies Bᵀ over them; then, in runs [ta, tb) of
// tiles that stay inside one strip of the packed layout, tiles_fn(vq, ta,
// tb) writes plane ξ's value of tile tw at vq[ξ·L.plane() + tw]. Lanes past
// the chunk's last tile are zeroed, so padded columns hold finite values.
// Inlined into each transform, so it is compiled for each of their ISA
// variants (isa_targets.h).
template <int ALPHA, typename RowsFn, typename TilesFn>
__attribute__((always_inline)) inline void winograd_input_walk(const ConvGeom& g, const float* x, int t0, int nt, int TH,
                                                               int TW, const VLayout& L, float* V, float* rows,
                                                               RowsFn&& rows_fn, TilesFn&& tiles_fn) {
  const int RW = 2 * TW + ALPHA - 2;
  // The tile rows as tile_rows walks them, written out: with the loop body as
  // a lambda, GCC fuses other products of input5's Bᵀ into FMAs
  // (-ffp-contract=fast, binding.gyp), which changes F(2×2, 5×5) results in
  // the last bits.
  for (int c = 0; c < L.Cg; c++) {
    float* vc = V + L.channel(c);
    const size_t step = L.strip_step(c);
    for (int t = t0; t < t0 + nt;) {
      const int img = t / (TH * TW), th = (t / TW) % TH, tw0 = t % TW;
      const int tw1 = std::min(TW, tw0 + (t0 + nt - t));
      const float* xc = x + ((int64_t)img * g.C + c) * g.H * g.W;
      for (int i = 0; i < ALPHA; i++) {
        const int ih = 2 * th - g.pt + i;
        float* row = rows + i * RW;
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
      rows_fn(rows, RW);
      strip_runs(L, step, t - t0, tw0, tw1, [&](int ta, int tb, ptrdiff_t off) { tiles_fn(vc + off, ta, tb); });
      t += tw1 - tw0;
    }
    zero_past_chunk(L, vc, step, nt, ALPHA * ALPHA);
  }
}

// The walk over the chunk's tiles t..t + n of channel oc that both sides of
// the output transform share: fn(k, y0, two, down) gets the tile's top-left
// output (y0, a pointer into the (N, O, OH, OW) tensor y) and whether its
// right column and bottom row lie inside the output (the last tile row and
// column may hang over).
template <typename T, typename Fn>
__attribute__((always_inline)) inline void tile_walk(const ConvGeom& g, int oc, int t, int n, int TH, int TW, T* y,
                                                     Fn&& fn) {
  int img = t / (TH * TW), th = (t / TW) % TH, tw = t % TW;
  for (int k = 0; k < n; k++) {
    const int ow = 2 * tw;
    fn(k, y + ((int64_t)img * g.O + oc) * g.OH * g.OW + (2 * th) * g.OW + ow, ow + 1 < g.OW, 2 * th + 1 < g.OH);
    if (++tw == TW) {
      tw = 0;
      if (++th == TH) th = 0, img++;
    }
  }
}

// Stores Y[0..4)[k] — each tile's 2×2 outputs, (row 0: ow, ow + 1; row 1:
// ow, ow + 1) — cropped to the output.
template <int BLK>
__attribute__((always_inline)) inline void store_tiles(const ConvGeom& g, int oc, int t, int n, int TH, int TW,
                                                       const float (&Y)[4][BLK], float* y) {
  tile_walk(g, oc, t, n, TH, TW, y, [&](int k, float* y0, bool two, bool down) {
    y0[0] = Y[0][k];
    if (two) y0[1] = Y[1][k];
    if (down) {
      y0[g.OW] = Y[2][k];
      if (two) y0[g.OW + 1] = Y[3][k];
    }
  });
}

// The inverse of store_tiles: Y[0..4)[k] = the 2×2 outputs of the tiles,
// zero where a tile hangs over the output's edge.
template <int BLK>
__attribute__((always_inline)) inline void load_tiles(const ConvGeom& g, int oc, int t, int n, int TH, int TW,
                                                      const float* y, float (&Y)[4][BLK]) {
  tile_walk(g, oc, t, n, TH, TW, y, [&](int k, const float* y0, bool two, bool down) {
    Y[0][k] = y0[0];
    Y[1][k] = two ? y0[1] : 0.f;
    Y[2][k] = down ? y0[g.OW] : 0.f;
    Y[3][k] = two && down ? y0[g.OW + 1] : 0.f;
  });
}

// U[ξ][o][c] = (G g Gᵀ)[ξ] for each r×r kernel g of the group, computed in
// double and rounded once (G's entries need not be exact in float: F(2, 5)'s
// sixths). Runs on the pool.
template <int ALPHA, int R>
void weights_by_G(const double (&G)[ALPHA][R], const float* w, int Og, int Cg, float* U) {
  const size_t plane = (size_t)Og * Cg;
  ThreadPool::instance().parallel_for(Og, [&](int o, int) {
    for (int c = 0; c < Cg; c++) {
      const float* k = w + ((size_t)o * Cg + c) * R * R;
      double t[ALPHA][R];  // G g
      for (int i = 0; i < ALPHA; i++)
        for (int j = 0; j < R; j++) {
          double acc = 0;
          for (int l = 0; l < R; l++) acc += G[i][l] * k[l * R + j];
          t[i][j] = acc;
        }
      for (int i = 0; i < ALPHA; i++)
        for (int j = 0; j < ALPHA; j++) {
          double acc = 0;
          for (int l = 0; l < R; l++) acc += t[i][l] * G[j][l];
          U[(i * ALPHA + j) * plane + (size_t)o * Cg + c] = (float)acc;
        }
    }
  });
}

}  // namespace anx
