// Direct convolution, AVX-512: no im2col panel at all. The implicit GEMM
// packs CKK × pixels values for every call and uses each packed value for
// only the layer's output channels: for conv1 (§3.5: 11×11 stride 4, CKK =
// 363, 64 or 96 outputs) packing cost about a third of the layer, and for a
// batch-1 3×3 layer the packing and the 48-wide strips over 169 pixels left
// it at under half the peak. Here the B operand of the micro-kernel is read
// straight from a zero-padded copy of the input (for strided layers split by
// column phase, padded_input.h): 16 consecutive outputs at tap (c, kh, kw)
// are one contiguous load. A register
// tile is 6 output channels × up to 64 outputs (4 vectors): per k step 4
// loads, 6 broadcast weights and 24 FMAs.
//
// Two ways to lay outputs along the vectors:
// - rows: one output row (33–64 wide) per tile, written straight into NCHW y.
//   Any stride: conv1. Each job pads only the input rows its block of output
//   rows reads into its thread's scratch, so the copy stays in L2 (a whole
//   batch-128 copy is 80 MB written to memory and read back).
// - flat (stride 1): outputs at the width of a padded copy whose rows share
//   their padding (FlatInput: Z = max(pl, pr) zero columns, then the row, so
//   a window running off a row's right end reads the next row's zeros):
//   extended pixel n = oh·RW + ow reads tap (c, kh, kw) at
//   c·plane + kh·RW + kw + (Z − pl) + n, linear in n, so a tile spans rows;
//   the ow ≥ OW lanes are computed and dropped (13 of 14 useful for a 3×3
//   layer at 13×13, where padding both sides left 13 of 15). Tiles go to a
//   stack buffer and from there row by row into y.
//
// Every output is one FMA chain over k in order, then + bias, then ReLU,
// whichever thread computes it: the same bits for any thread count.
#include "conv_direct.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu.h"
#include "gemm.h"
#include "isa_targets.h"
#include "padded_input.h"
#include "threadpool.h"

#if defined(__x86_64__)
#include "immintrin_quiet.h"
#endif

namespace anx {

namespace {

constexpr int MR = 6;     // output channels per register tile
constexpr int LANES = 64;  // outputs per register tile (4 vectors)

// Rows tiling: an output row fills 3–4 vectors (at least 69% of the lanes).
bool rows_fit(const ConvGeom& g) { return g.OW >= 33 && g.OW <= 64; }

// The flat tiling's input copy: per (image, channel) Hp = OH + KH − 1 rows of
// RW = Z + W floats, Z = max(pl, pr) zeros then the row (pr: the right
// padding the last window reaches, overhang included), zero rows above and
// below the image; then SLACK zeros.
struct FlatInput {
  int Z, RW, Hp;
  int64_t plane;
  explicit FlatInput(const ConvGeom& g)
      : Z(std::max(g.pl, std::max(0, g.OW - 1 + g.KW - g.W - g.pl))), RW(Z + g.W), Hp(g.OH + g.KH - 1),
        plane((int64_t)Hp * RW) {}
  // The last window of the last plane reads at most KW − 1 floats past it.
  static constexpr int SLACK = 16;
};

// Flat tiling: stride 1, a row of the copy holds a whole output row (not so
// where both side pads exceed KW − 1) of which it is at least 3/4, and the
// slack covers the last window.
bool flat_fits(const ConvGeom& g) {
  const int RW = FlatInput(g).RW;
  return g.sh == 1 && g.sw == 1 && g.KW - 1 <= FlatInput::SLACK && RW >= g.OW && 4 * g.OW >= 3 * RW;
}

// Output rows per job in the rows tiling: at least four jobs a thread, whole images when the batch allows.
int rows_per_job(const ConvGeom& g, int threads) {
  const int64_t rows = (int64_t)g.N * g.OH, want = (rows + 4 * threads - 1) / (4 * threads);
  return (int)std::max<int64_t>(1, std::min<int64_t>(g.OH, want));
}

#if defined(__x86_64__)
// MR channels × NV vectors: y[r][i] = Σ_k w[r·K + k] · src[off[k] + i] for
// the lanes i < 16·(NV − 1) + popcount(last), + bias[r], ReLU. The weights are
// broadcast from the layer's own [O][CKK] rows, six streams a tile: packing
// them cost more than a batch-1 layer's arithmetic saves (2.6 MB for a 3×3
// layer of 192 → 384). Rows r ≥ mr repeat row mr − 1 and are not stored;
// masked-off lanes are neither read nor stored.
template <int NV>
ANX_TARGET_AVX512 void tile(int K, const int32_t* off, const float* src, const float* w, __mmask16 last, float* y,
                     ptrdiff_t ldy, int mr, const float* bias, bool relu) {
  const float* wr[MR];
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) wr[r] = w + (ptrdiff_t)std::min(r, mr - 1) * K;
  __m512 acc[MR][NV];
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
  for (int k = 0; k < K; k++) {
    const float* s = src + off[k];
    __m512 b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++)
      b[v] = v + 1 < NV ? _mm512_loadu_ps(s + 16 * v) : _mm512_maskz_loadu_ps(last, s + 16 * v);
#pragma GCC unroll 6
    for (int r = 0; r < MR; r++) {
      const __m512 x = _mm512_set1_ps(wr[r][k]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(x, b[v], acc[r][v]);
    }
  }
  const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 6
  for (int r = 0; r < MR; r++) {
    if (r >= mr) break;
    const __m512 add = _mm512_set1_ps(bias ? bias[r] : 0.f);
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) {
      __m512 val = _mm512_add_ps(acc[r][v], add);
      if (relu) val = _mm512_max_ps(val, zero);
      _mm512_mask_storeu_ps(y + r * ldy + 16 * v, v + 1 < NV ? (__mmask16)0xFFFF : last, val);
    }
  }
}

// A tile of `lanes` (1–64) outputs.
void run_tile(int lanes, int K, const int32_t* off, const float* src, const float* w, float* y, ptrdiff_t ldy, int mr,
              const float* bias, bool relu) {
  const int nv = (lanes + 15) / 16;
  const __mmask16 last = (__mmask16)((1u << (lanes - 16 * (nv - 1))) - 1);
  switch (nv) {
    case 4: return tile<4>(K, off, src, w, last, y, ldy, mr, bias, relu);
    case 3: return tile<3>(K, off, src, w, last, y, ldy, mr, bias, relu);
    case 2: return tile<2>(K, off, src, w, last, y, ldy, mr, bias, relu);
    default: return tile<1>(K, off, src, w, last, y, ldy, mr, bias, relu);
  }
}

void forward_rows(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, K = Cg * g.KH * g.KW, OHW = g.OH * g.OW;
  const int strips = (Og + MR - 1) / MR;
  const PaddedInput p(g);
  const int RB = rows_per_job(g, ThreadPool::instance().threads()), blocks = (g.OH + RB - 1) / RB;
  // A job's copy: per input channel, the (RB − 1)·sh + KH padded rows its output rows read.
  const int64_t plane = (int64_t)((RB - 1) * g.sh + g.KH) * p.RW;
  const std::vector<int32_t> off = tap_offsets(g, plane, p.RW, [&](int kw) { return (kw % p.P) * p.J + kw / p.P; });
  ThreadPool::instance().parallel_for(g.N * blocks, [&](int job, int tid) {
    const int img = job / blocks, oh0 = (job % blocks) * RB, oh1 = std::min(g.OH, oh0 + RB);
    // The last vector's masked load reads nothing past a phase row's J values: no slack needed.
    float* xp = thread_scratch(tid, SLOT_COL, (size_t)g.C * plane);
    const int r0 = oh0 * g.sh, r1 = std::min(p.Hp, (oh1 - 1) * g.sh + g.KH);
    for (int c = 0; c < g.C; c++) {
      const float* src = x + ((int64_t)img * g.C + c) * g.H * g.W;
      for (int r = r0; r < r1; r++) pad_row(g, p, src, r, xp + c * plane + (int64_t)(r - r0) * p.RW);
    }
    // Row outer: the row's input (for conv1 3 × 11 rows × 228 floats) stays in L1 across the strips.
    for (int oh = oh0; oh < oh1; oh++)
      for (int gr = 0; gr < g.groups; gr++) {
        const float* src = xp + (int64_t)gr * Cg * plane + (int64_t)(oh - oh0) * g.sh * p.RW;
        for (int s = 0; s < strips; s++) {
          const int o = gr * Og + s * MR;
          run_tile(g.OW, K, off.data(), src, w + (int64_t)o * K,
                   y + ((int64_t)img * g.O + o) * OHW + (int64_t)oh * g.OW, OHW, std::min(MR, Og - s * MR),
                   b ? b + o : nullptr, relu);
        }
      }
  });
}

void forward_flat(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
  const int Cg = g.C / g.groups, Og = g.O / g.groups, K = Cg * g.KH * g.KW, OHW = g.OH * g.OW;
  const int strips = (Og + MR - 1) / MR;
  const FlatInput p(g);
  float* xp = thread_scratch(0, SLOT_OP_D, (size_t)g.N * g.C * p.plane + FlatInput::SLACK);
  std::memset(xp + (size_t)g.N * g.C * p.plane, 0, sizeof(float) * FlatInput::SLACK);
  ThreadPool::instance().parallel_blocks((int64_t)g.N * g.C * p.Hp, [&](int64_t r0, int64_t r1, int) {
    for (int64_t r = r0; r < r1; r++) {
      const int ih = (int)(r % p.Hp) - g.pt;
      float* d = xp + r * p.RW;
      if (ih < 0 || ih >= g.H) {
        std::memset(d, 0, sizeof(float) * p.RW);
        continue;
      }
      std::memset(d, 0, sizeof(float) * p.Z);
      std::memcpy(d + p.Z, x + ((r / p.Hp) * g.H + ih) * g.W, sizeof(float) * g.W);
    }
  });
  const std::vector<int32_t> off = tap_offsets(g, p.plane, p.RW, [&](int kw) { return kw + p.Z - g.pl; });
  const int ext = g.OH * p.RW;  // extended outputs per image
  const int vecs = (ext + 15) / 16, tiles = (vecs + 3) / 4, short3 = std::min(tiles, 4 * tiles - vecs);
  // Jobs: (image, group, chunk of strips), at least four a thread. Strip
  // outer, tiles inner: a strip's weights (41 KB for a 3×3 layer of 192
  // inputs) are read once and stay near while the image's input (172 KB) sits
  // in L2; tile outer would make every job stream its whole chunk of weights from
  // L3 once per tile.
  const int T = ThreadPool::instance().threads();
  const int64_t units = (int64_t)g.N * g.groups;
  const int chunks = (int)std::min<int64_t>(strips, std::max<int64_t>(1, (4 * T + units - 1) / units));
  ThreadPool::instance().parallel_for((int)(units * chunks), [&](int job, int) {
    const int ch = job % chunks, gr = job / chunks % g.groups, img = job / chunks / g.groups;
    const float* src = xp + ((int64_t)img * g.C + gr * Cg) * p.plane;
    alignas(64) float buf[MR * LANES];
    for (int s = strips * ch / chunks; s < strips * (ch + 1) / chunks; s++) {
      const int o = gr * Og + s * MR, mr = std::min(MR, Og - s * MR);
      const float* wk = w + (int64_t)o * K;
      for (int t = 0, n0 = 0; t < tiles; t++) {
        // The first tiles 4 vectors, the last `short3` 3: a 13×13 layer's 13
        // vectors as 4 + 3 + 3 + 3, not 4 + 4 + 4 + 1 (a one-vector tile does 6
        // FMAs for 7 loads; batch-1 conv2/conv3: 1.35/0.65 -> 1.24/0.64 ms).
        const int lanes = std::min(16 * (t < tiles - short3 ? 4 : 3), ext - n0);
        run_tile(lanes, K, off.data(), src + n0, wk, buf, LANES, mr, b ? b + o : nullptr, relu);
        // Extended output n = oh·RW + ow lands at y[oh·OW + ow] when ow < OW: row by row.
        for (int r = 0; r < mr; r++) {
          float* yo = y + ((int64_t)img * g.O + o + r) * OHW;
          for (int n = n0; n < n0 + lanes;) {
            const int oh = n / p.RW, ow = n % p.RW, len = std::min(n0 + lanes, (oh + 1) * p.RW) - n;
            if (ow < g.OW)
              std::memcpy(yo + oh * g.OW + ow, buf + r * LANES + (n - n0), sizeof(float) * std::min(len, g.OW - ow));
            n += len;
          }
        }
        n0 += lanes;
      }
    }
  });
}
#endif

}  // namespace

bool direct_applies(const ConvGeom& g) {
#if defined(__x86_64__)
  return active_isa() == Isa::Avx512 && (rows_fit(g) || flat_fits(g));
#else
  (void)g;
  return false;
#endif
}

void conv_forward_direct(const ConvGeom& g, const float* x, const float* w, const float* b, float* y, bool relu) {
#if defined(__x86_64__)
  if (rows_fit(g)) forward_rows(g, x, w, b, y, relu);
  else forward_flat(g, x, w, b, y, relu);
#else
  (void)g, (void)x, (void)w, (void)b, (void)y, (void)relu;
#endif
}

}  // namespace anx
